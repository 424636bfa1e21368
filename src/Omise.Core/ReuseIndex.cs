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
        private readonly RequestOptions _reads;
        private readonly object _gate = new object();
        private Task<Dictionary<string, Queue<string>>>? _index;
        // Paid single-use links (not removed) by fields, oldest first: a row whose payable candidates are used up is answered
        // by one of these (AlreadyPaid) rather than given a second link for an invoice already paid.
        private readonly Dictionary<string, Queue<Link>> _paid = new Dictionary<string, Queue<Link>>(StringComparer.Ordinal);
        // Removed links by fields: how many times such a link was withdrawn within the window (see RemovedCount).
        private readonly Dictionary<string, int> _removed = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <param name="window">Only the links created within this span before now (by the server's clock).</param>
        /// <param name="since">Only the links created at or after this time; wins over <paramref name="window"/>. Both null: every link.</param>
        /// <param name="name">How trace lines name the index ("-ReuseExisting", "duplicate guard").</param>
        /// <param name="reads">Attempts per read and the run's request slots (null: the client's defaults); the reads are labelled with <paramref name="name"/>.</param>
        public ReuseIndex(OmiseClient client, int parallelism, TimeSpan? window = null, string name = "-ReuseExisting", DateTime? since = null,
            RequestOptions? reads = null)
        {
            _reads = (reads ?? new RequestOptions()).ForRead(name);
            _client = client;
            _parallelism = parallelism;
            _window = window;
            _since = since;
            _name = name;
        }

        /// <summary>The start of the window read (server clock), once the index is loaded; null for the whole account.</summary>
        public DateTime? Since { get; private set; }


        /// <summary>
        /// A payable existing link with the request's fields that no other row has taken; else, when <paramref name="paid"/>
        /// is asked for, a paid single-use one (Paid true) that no other row was answered with; else null.
        /// </summary>
        public async Task<(Link Link, bool Paid)?> TakeAsync(LinkCreateRequest request, CancellationToken cancellationToken, bool paid = false)
        {
            var index = await LoadedAsync(cancellationToken).ConfigureAwait(false);
            var signature = LinkSignature.Of(request);
            while (true)
            {
                string? id = null;
                lock (index)
                {
                    if (index.TryGetValue(signature, out var candidates) && candidates.Count > 0) id = candidates.Dequeue();
                    else if (paid && _paid.TryGetValue(signature, out var paidLinks) && paidLinks.Count > 0) return (paidLinks.Dequeue(), true);
                    else return null;
                }
                var link = await _client.GetLinkAsync(id, _reads, cancellationToken).ConfigureAwait(false);
                if (link.Payable && LinkSignature.Matches(request, link)) return (link, false);
                OmiseTrace.Write($"{_name}: {id} is no longer payable (paid or removed since it was listed); not taken");
                if (IsPaid(link) && LinkSignature.Matches(request, link)) lock (index) Enqueue(_paid, signature, link);
            }
        }

        /// <summary>
        /// How many links with the request's fields were removed within the window: a re-issue after a removal is a new
        /// operation, so it needs another Idempotency-Key than the link it replaces.
        /// </summary>
        public async Task<int> RemovedCountAsync(LinkCreateRequest request, CancellationToken cancellationToken)
        {
            var index = await LoadedAsync(cancellationToken).ConfigureAwait(false);
            lock (index) return _removed.TryGetValue(LinkSignature.Of(request), out var count) ? count : 0;
        }

        private Task<Dictionary<string, Queue<string>>> LoadedAsync(CancellationToken cancellationToken)
        {
            lock (_gate) return _index ??= LoadAsync(cancellationToken);
        }

        private static bool IsPaid(Link link) => link.Used && !link.Multiple && !link.Deleted;

        private static void Enqueue(Dictionary<string, Queue<Link>> map, string signature, Link link)
        {
            if (!map.TryGetValue(signature, out var queue)) map[signature] = queue = new Queue<Link>(1);
            queue.Enqueue(link);
        }

        private async Task<Dictionary<string, Queue<string>>> LoadAsync(CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, List<(DateTime CreatedAt, long Place, string Id)>>(StringComparer.Ordinal);
            var payable = 0;
            Since = _since?.ToUniversalTime() ?? (_window.HasValue ? _client.ServerUtcNow - _window.Value : (DateTime?)null);
            var paid = new List<(DateTime CreatedAt, long Place, Link Link)>();
            var read = await LinkPaging.ReadAllAsync(_client, _parallelism, (link, place) =>
            {
                if (link.Deleted)
                {
                    var removed = LinkSignature.Of(link);
                    _removed[removed] = (_removed.TryGetValue(removed, out var count) ? count : 0) + 1;
                    return;
                }
                if (IsPaid(link)) paid.Add((link.CreatedAt, place, link));
                if (!link.Payable) return;
                var signature = LinkSignature.Of(link);
                if (!found.TryGetValue(signature, out var list)) found[signature] = list = new List<(DateTime, long, string)>(1);
                list.Add((link.CreatedAt, place, link.Id));
                payable++;
            }, cancellationToken, Since, _reads).ConfigureAwait(false);
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
            paid.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : a.Place.CompareTo(b.Place));
            foreach (var link in paid) Enqueue(_paid, LinkSignature.Of(link.Link), link.Link);
            OmiseTrace.Write(Since.HasValue
                ? $"{_name}: read {read} links created since {Timestamps.Text(Since.Value)}, {payable} of them payable, to match rows against"
                : $"{_name}: read {read} existing links, {payable} of them payable, to match rows against");
            return index;
        }
    }
}
