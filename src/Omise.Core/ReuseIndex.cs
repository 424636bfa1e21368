using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>
    /// The account's payable links (not deleted; multiple-use, or single-use and not paid), by fields, oldest first, read
    /// once per run (at the first row, before this run creates anything) with parallel page reads. Two uses:
    /// -ReuseExisting reads every link; the duplicate guard reads only the links created within its window
    /// (<c>from</c> = now less the window), so its cost grows with the window's links, not the account's. Holds ids
    /// only; a candidate is read again (GET) when a row takes it, so a link paid or removed since the index was read is
    /// never handed out. Each link is taken by one row at most. Thread-safe.
    /// </summary>
    internal sealed class ReuseIndex
    {
        private readonly OmiseClient _client;
        private readonly int _parallelism;
        private readonly TimeSpan? _window;
        private readonly DateTime? _since;
        private readonly string _name;
        private readonly int? _maxAttempts;
        private readonly object _gate = new object();
        private Task<Dictionary<string, Queue<string>>>? _index;

        /// <param name="window">Only the links created within this span before now (by the server's clock).</param>
        /// <param name="since">Only the links created at or after this time; wins over <paramref name="window"/>. Both null: every link.</param>
        /// <param name="name">How trace lines name the index ("-ReuseExisting", "duplicate guard").</param>
        /// <param name="maxAttempts">Attempts per read (null: the client's default).</param>
        public ReuseIndex(OmiseClient client, int parallelism, TimeSpan? window = null, string name = "-ReuseExisting", DateTime? since = null,
            int? maxAttempts = null)
        {
            _maxAttempts = maxAttempts;
            _client = client;
            _parallelism = parallelism;
            _window = window;
            _since = since;
            _name = name;
        }

        /// <summary>The start of the window read (server clock), once the index is loaded; null for the whole account.</summary>
        public DateTime? Since { get; private set; }

        /// <summary>How many links the index read, once it is loaded.</summary>
        public int LinksRead { get; private set; }

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
                var link = await _client.GetLinkAsync(id, _maxAttempts, cancellationToken).ConfigureAwait(false);
                if (link.Payable && LinkSignature.Matches(request, link)) return link;
                OmiseTrace.Write($"{_name}: {id} is no longer payable (paid or removed since it was listed); not taken");
            }
        }

        private async Task<Dictionary<string, Queue<string>>> LoadAsync(CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, List<(DateTime CreatedAt, long Place, string Id)>>(StringComparer.Ordinal);
            var payable = 0;
            Since = _since?.ToUniversalTime() ?? (_window.HasValue ? _client.ServerUtcNow - _window.Value : (DateTime?)null);
            var read = await LinkPaging.ReadAllAsync(_client, _parallelism, (link, place) =>
            {
                if (!link.Payable) return;
                var signature = LinkSignature.Of(link);
                if (!found.TryGetValue(signature, out var list)) found[signature] = list = new List<(DateTime, long, string)>(1);
                list.Add((link.CreatedAt, place, link.Id));
                payable++;
            }, cancellationToken, Since, _maxAttempts).ConfigureAwait(false);
            LinksRead = read;
            var index = new Dictionary<string, Queue<string>>(found.Count, StringComparer.Ordinal);
            foreach (var entry in found)
            {
                // Oldest first; links of the same second in the list's own (chronological) order, which is the order they
                // were created in: identical rows are created one after another in input order, so a re-run pairs each
                // row with the link the first run made for it (as far as rows ran in order).
                entry.Value.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : a.Place.CompareTo(b.Place));
                var queue = new Queue<string>(entry.Value.Count);
                foreach (var candidate in entry.Value) queue.Enqueue(candidate.Id);
                index[entry.Key] = queue;
            }
            OmiseTrace.Write(Since.HasValue
                ? $"{_name}: read {read} links created since {Since.Value:yyyy-MM-dd HH:mm:ss}Z, {payable} of them payable, to match rows against"
                : $"{_name}: read {read} existing links, {payable} of them payable, to match rows against");
            return index;
        }
    }
}
