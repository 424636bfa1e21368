using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>Which part of a paged result the caller wants: skip the first items, then take at most <see cref="First"/>.</summary>
    public sealed class PageWindow
    {
        public long Skip { get; set; }

        /// <summary>Null: every item.</summary>
        public long? First { get; set; }
    }

    /// <summary>What GET /links should return, before paging.</summary>
    public sealed class LinkListFilter
    {
        public DateTime? From { get; set; }
        public DateTime? To { get; set; }
        public ListOrder Order { get; set; } = ListOrder.Chronological;

        /// <summary>The API lists deleted links too; false drops them here, as the list endpoint cannot filter them.</summary>
        public bool IncludeDeleted { get; set; }
    }

    /// <summary>
    /// Walks a paged endpoint one request at a time: the caller asks for the next page only when it wants it, so
    /// memory holds one page (and, for offset paging, the ids seen) and a caller that stops early sends no more requests.
    /// Not thread-safe: one page at a time.
    /// </summary>
    public abstract class Pager<T>
    {
        public const int PageSize = 100;

        private readonly Func<T, bool>? _keep;
        private long _skipLeft;
        private long? _firstLeft;

        private protected Pager(Func<T, bool>? keep, long skipHere, long? first)
        {
            _keep = keep;
            _skipLeft = skipHere;
            _firstLeft = first;
            // Even -First 0 reads one (one-item) page: it is how -IncludeTotalCount -First 0 learns the total.
            HasMore = true;
        }

        /// <summary>False once the last page has been read or <see cref="PageWindow.First"/> items have been handed out.</summary>
        public bool HasMore { get; private set; }

        /// <summary>The server's count of matching items, known after the first page.</summary>
        public long? Total { get; private set; }

        /// <summary>
        /// False when items are filtered here, so <see cref="Total"/> is an upper bound (it counts what is dropped).
        /// </summary>
        public bool TotalIsExact => _keep == null;

        /// <summary>How many items the next request should ask for, at most <see cref="PageSize"/>.</summary>
        private protected int WantedOnNextPage =>
            _firstLeft.HasValue ? (int)Math.Max(1, Math.Min(PageSize, _firstLeft.Value + _skipLeft)) : PageSize;

        /// <summary>The next page's items (after filtering, skipping and the First limit); may be empty while <see cref="HasMore"/> stays true.</summary>
        public async Task<IReadOnlyList<T>> NextPageAsync(CancellationToken cancellationToken)
        {
            if (!HasMore) return Array.Empty<T>();
            var (items, total, last) = await FetchAsync(cancellationToken).ConfigureAwait(false);
            if (!Total.HasValue) Total = total;

            var kept = new List<T>(items.Count);
            foreach (var item in items)
            {
                if (_keep != null && !_keep(item)) continue;
                if (_skipLeft > 0) { _skipLeft--; continue; }
                if (_firstLeft.HasValue)
                {
                    if (_firstLeft.Value == 0) break;
                    _firstLeft--;
                }
                kept.Add(item);
            }
            HasMore = !last && items.Count > 0 && _firstLeft != 0;
            return kept;
        }

        /// <summary>One request: its raw items, the server's total, and whether it was the last page.</summary>
        private protected abstract Task<(IReadOnlyList<T> Items, long Total, bool Last)> FetchAsync(CancellationToken cancellationToken);
    }

    /// <summary>
    /// The one check of an offset walk: an id handed out twice means the server ignores offset (it answers the first page
    /// again), which is an invalid response, never an endless loop, a silent end nor a link counted twice. Holds the ids
    /// seen (a few dozen bytes each). Not thread-safe: the caller serializes.
    /// </summary>
    internal sealed class OffsetCheck
    {
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private readonly string _path;

        public OffsetCheck(string path) => _path = path;

        /// <summary>How many distinct ids were seen.</summary>
        public int Count => _seen.Count;

        /// <summary>Notes the ids of the page read at <paramref name="offset"/>; throws when one was seen before.</summary>
        public void See(string id, long offset)
        {
            if (!_seen.Add(id))
                throw new OmiseApiException(OmiseFailureKind.InvalidResponse, 200, "invalid_response",
                    $"The Omise API answered GET {_path} at offset {offset} with items it had already listed (the server ignores offset); " +
                    "the walk stops here instead of looping.", method: "GET", path: _path);
        }
    }

    /// <summary>
    /// offset/limit paging (GET /links, GET /links/{id}/charges). A walk ends when the offset passes the server's total or
    /// a page is empty; an item listed twice fails the walk (<see cref="OffsetCheck"/>).
    /// </summary>
    public sealed class ListPager<T> : Pager<T>
    {
        private readonly Func<ListQuery, CancellationToken, Task<OmiseList<T>>> _fetch;
        private readonly Func<T, string> _idOf;
        private readonly ListQuery _query;
        private readonly OffsetCheck _offsetCheck;

        internal ListPager(Func<ListQuery, CancellationToken, Task<OmiseList<T>>> fetch, Func<T, string> idOf, ListQuery query,
            PageWindow window, Func<T, bool>? keep, string path)
            // Skipped items can be left to the server (offset) only when nothing is filtered out here.
            : base(keep, keep == null ? 0 : window.Skip, window.First)
        {
            _fetch = fetch;
            _idOf = idOf;
            _query = query;
            _offsetCheck = new OffsetCheck(path);
            _query.Offset = keep == null ? (int)Math.Min(window.Skip, int.MaxValue) : 0;
        }

        private protected override async Task<(IReadOnlyList<T> Items, long Total, bool Last)> FetchAsync(CancellationToken cancellationToken)
        {
            _query.Limit = WantedOnNextPage;
            var page = await _fetch(_query, cancellationToken).ConfigureAwait(false);
            // Pin the window to the first answer's "to": links created meanwhile would otherwise shift a newest-first walk.
            if (!_query.To.HasValue && page.To.HasValue) _query.To = page.To;
            var items = page.Data!;
            foreach (var item in items) _offsetCheck.See(_idOf(item), _query.Offset);
            _query.Offset += items.Count;
            return (items, page.Total!.Value, items.Count == 0 || _query.Offset >= page.Total);
        }
    }

    /// <summary>page/per_page paging (GET /search).</summary>
    public sealed class SearchPager<T> : Pager<T>
    {
        private readonly Func<SearchQuery, CancellationToken, Task<OmiseSearchResult<T>>> _fetch;
        private readonly SearchQuery _query;

        internal SearchPager(Func<SearchQuery, CancellationToken, Task<OmiseSearchResult<T>>> fetch, SearchQuery query, PageWindow window)
            : base(null, SkipWithinFirstPage(window), window.First)
        {
            _fetch = fetch;
            _query = query;
            _query.PerPage = PerPageFor(window);
            _query.Page = (int)Math.Min(window.Skip / _query.PerPage, int.MaxValue - 1) + 1;
        }

        // A small window that fits in one page is asked for as one small page; anything else in full pages.
        private static int PerPageFor(PageWindow window) =>
            window.First.HasValue && window.Skip + window.First.Value <= PageSize ? (int)Math.Max(1, window.Skip + window.First.Value) : PageSize;

        private static long SkipWithinFirstPage(PageWindow window) => window.Skip % PerPageFor(window);

        private protected override async Task<(IReadOnlyList<T> Items, long Total, bool Last)> FetchAsync(CancellationToken cancellationToken)
        {
            var page = await _fetch(_query, cancellationToken).ConfigureAwait(false);
            var items = page.Data!;
            var last = page.Page >= page.TotalPages || items.Count < _query.PerPage;
            _query.Page++;
            return (items, page.Total, last);
        }
    }

    /// <summary>The pagers for links: every list and search walk goes through here.</summary>
    public static class LinkPaging
    {
        /// <param name="options">Each page's attempts, request slots and label (null: the client's defaults).</param>
        public static ListPager<Link> Links(OmiseClient client, LinkListFilter filter, PageWindow window, RequestOptions? options = null)
        {
            var query = new ListQuery { From = filter.From, To = filter.To, Order = filter.Order };
            Func<Link, bool>? keep = filter.IncludeDeleted ? null : link => !link.Deleted;
            return new ListPager<Link>((q, ct) => client.ListLinksAsync(q, options, ct), link => link.Id, query, window, keep, LinksPath);
        }

        public static ListPager<Charge> Charges(OmiseClient client, string linkId, PageWindow window) =>
            new ListPager<Charge>((q, ct) => client.ListLinkChargesAsync(linkId, q, null, ct), charge => charge.Id, new ListQuery(), window, null,
                "/links/" + linkId + "/charges");

        private const string LinksPath = "/links";

        /// <summary>Search links; unless <paramref name="includeDeleted"/>, deleted links are filtered out by the server.</summary>
        public static SearchPager<Link> Search(OmiseClient client, SearchQuery query, bool includeDeleted, PageWindow window)
        {
            if (!includeDeleted) query.Filters["deleted"] = "false";
            return new SearchPager<Link>((q, ct) => client.SearchLinksAsync(q, null, ct), query, window);
        }

        /// <summary>
        /// Every link of the list (oldest first by offset), or only those created since <paramref name="from"/>, read with up
        /// to <paramref name="parallelism"/> pages in flight: the first page tells the total, the others are asked for at once.
        /// Each link is handed to <paramref name="take"/> with its place in the list (under a lock, in no particular page
        /// order); nothing is kept here.
        /// A link seen twice means the server ignores offset: an invalid response (the same <see cref="OffsetCheck"/> as
        /// <see cref="ListPager{T}"/>'s).
        /// </summary>
        public static async Task<int> ReadAllAsync(OmiseClient client, int parallelism, Action<Link, long> take, CancellationToken cancellationToken,
            DateTime? from = null, RequestOptions? options = null)
        {
            var first = await client.ListLinksAsync(new ListQuery { Limit = ListQuery.MaxLimit, From = from }, options, cancellationToken).ConfigureAwait(false);
            var total = first.Total!.Value;
            var to = first.To;
            var seen = new OffsetCheck(LinksPath);
            var gate = new object();
            void Hand(List<Link> items, int offset)
            {
                lock (gate)
                    for (var i = 0; i < items.Count; i++)
                    {
                        seen.See(items[i].Id, offset);
                        take(items[i], (long)offset + i);
                    }
            }
            Hand(first.Data!, 0);
            if (first.Data!.Count == 0 || first.Data.Count >= total) return seen.Count;

            var pageSize = first.Data.Count;
            using var slots = new SemaphoreSlim(Math.Max(1, parallelism));
            var reads = new List<Task>();
            for (var offset = pageSize; offset < total; offset += pageSize)
            {
                var at = offset;
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                reads.Add(Task.Run(async () =>
                {
                    try
                    {
                        var page = await client.ListLinksAsync(new ListQuery { Offset = at, Limit = pageSize, From = from, To = to }, options, cancellationToken).ConfigureAwait(false);
                        Hand(page.Data!, at);
                    }
                    finally { slots.Release(); }
                }, cancellationToken));
                if (reads.Exists(t => t.IsFaulted)) break;
            }
            await Task.WhenAll(reads).ConfigureAwait(false);
            return seen.Count;
        }

    }
}
