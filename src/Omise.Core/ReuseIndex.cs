using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>
    /// -ReuseExisting: the account's payable links (not deleted; multiple-use, or single-use and not paid), by fields,
    /// oldest first, read once per run with parallel page reads. Holds ids only; a candidate is read again (GET) when a row
    /// takes it, so a link paid or removed since the index was read is never handed out. Thread-safe.
    /// </summary>
    internal sealed class ReuseIndex
    {
        private readonly OmiseClient _client;
        private readonly int _parallelism;
        private readonly object _gate = new object();
        private Task<Dictionary<string, Queue<string>>>? _index;

        public ReuseIndex(OmiseClient client, int parallelism)
        {
            _client = client;
            _parallelism = parallelism;
        }

        /// <summary>A payable existing link with the request's fields that no other row has taken, or null.</summary>
        public async Task<Link?> TakeAsync(LinkCreateRequest request, CancellationToken cancellationToken)
        {
            Task<Dictionary<string, Queue<string>>> loading;
            lock (_gate) loading = _index ??= LoadAsync(cancellationToken);
            var index = await loading.ConfigureAwait(false);
            var signature = LinkSignature.Of(request);
            while (true)
            {
                string id;
                lock (index)
                {
                    if (!index.TryGetValue(signature, out var candidates) || candidates.Count == 0) return null;
                    id = candidates.Dequeue();
                }
                var link = await _client.GetLinkAsync(id, cancellationToken).ConfigureAwait(false);
                if (link.Payable && LinkSignature.Matches(request, link)) return link;
                OmiseTrace.Write($"-ReuseExisting: {id} is no longer payable (paid or removed since it was listed); not reused");
            }
        }

        private async Task<Dictionary<string, Queue<string>>> LoadAsync(CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, List<(DateTime CreatedAt, string Id)>>(StringComparer.Ordinal);
            var payable = 0;
            var read = await LinkPaging.ReadAllAsync(_client, _parallelism, link =>
            {
                if (!link.Payable) return;
                var signature = LinkSignature.Of(link);
                if (!found.TryGetValue(signature, out var list)) found[signature] = list = new List<(DateTime, string)>(1);
                list.Add((link.CreatedAt, link.Id));
                payable++;
            }, cancellationToken).ConfigureAwait(false);
            var index = new Dictionary<string, Queue<string>>(found.Count, StringComparer.Ordinal);
            foreach (var entry in found)
            {
                entry.Value.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
                var queue = new Queue<string>(entry.Value.Count);
                foreach (var candidate in entry.Value) queue.Enqueue(candidate.Id);
                index[entry.Key] = queue;
            }
            OmiseTrace.Write($"-ReuseExisting: read {read} existing links, {payable} of them payable, to match rows against");
            return index;
        }
    }
}
