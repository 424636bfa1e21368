namespace Omise.Emulator;

/// <summary>
/// All links in memory behind one lock: a list kept sorted by (CreatedAt, Sequence), so paging and
/// from/to filtering are binary searches, plus a dictionary by id.
/// </summary>
internal sealed class LinkStore
{
    private static readonly IComparer<StoredLink> Order = Comparer<StoredLink>.Create(static (a, b) =>
    {
        var c = a.CreatedAt.UtcTicks.CompareTo(b.CreatedAt.UtcTicks);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    private readonly object _gate = new();
    private readonly List<StoredLink> _ordered = new();
    private readonly Dictionary<string, StoredLink> _byId = new(StringComparer.Ordinal);
    private readonly bool _live;
    private long _sequence;

    public LinkStore(bool live) => _live = live;

    public int Count
    {
        get { lock (_gate) return _ordered.Count; }
    }

    public StoredLink Add(long amount, string currencyUpper, string title, string description, bool multiple, DateTimeOffset createdAt, string? idempotencyKey = null)
    {
        lock (_gate)
        {
            string id;
            do id = Ids.New(_live ? "link_" : "link_test_");
            while (_byId.ContainsKey(id));

            var link = new StoredLink
            {
                Id = id,
                Sequence = ++_sequence,
                Livemode = _live,
                Amount = amount,
                Currency = currencyUpper,
                Title = title,
                Description = description,
                Multiple = multiple,
                CreatedAt = createdAt.ToUniversalTime(),
                IdempotencyKey = idempotencyKey,
            };
            _byId.Add(id, link);
            // New links are almost always the newest: append; back-dated seed data is inserted in place.
            if (_ordered.Count == 0 || Order.Compare(_ordered[^1], link) < 0)
            {
                _ordered.Add(link);
            }
            else
            {
                var at = _ordered.BinarySearch(link, Order);
                _ordered.Insert(at < 0 ? ~at : at, link);
            }
            return link;
        }
    }

    public StoredLink? Get(string id)
    {
        lock (_gate) return _byId.GetValueOrDefault(id);
    }

    /// <summary>Marks the link deleted; null when unknown or already deleted.</summary>
    public StoredLink? Delete(string id, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var link) || link.Deleted) return null;
            return Replace(link, link with { Deleted = true, DeletedAt = now });
        }
    }

    public Charge Pay(string id, long? amount, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var link)) throw new KeyNotFoundException($"link {id} was not found");
            if (link.Deleted) throw new InvalidOperationException($"link {id} is deleted");
            if (link.Used) throw new InvalidOperationException($"link {id} has already been used");
            var value = amount ?? link.Amount;
            if (value <= 0)
                throw new ArgumentOutOfRangeException(nameof(amount), value,
                    link.Amount == 0 ? "this link lets the customer choose the amount: give a positive amount" : "amount must be greater than 0");

            var charge = new Charge
            {
                Id = Ids.New(_live ? "chrg_" : "chrg_test_"),
                LinkId = link.Id,
                Livemode = _live,
                Amount = value,
                Currency = link.Currency.ToLowerInvariant(),
                TransactionId = Ids.New(_live ? "trxn_" : "trxn_test_"),
                CreatedAt = now,
                PaidAt = now,
            };
            var charges = new Charge[link.Charges.Count + 1];
            for (var i = 0; i < link.Charges.Count; i++) charges[i] = link.Charges[i];
            charges[^1] = charge;
            Replace(link, link.Multiple
                ? link with { Charges = charges }
                : link with { Charges = charges, Used = true, UsedAt = now });
            return charge;
        }
    }

    private StoredLink Replace(StoredLink old, StoredLink updated)
    {
        _byId[old.Id] = updated;
        var at = _ordered.BinarySearch(old, Order);
        _ordered[at] = updated;
        return updated;
    }

    public StoredLink[] Snapshot()
    {
        lock (_gate) return _ordered.ToArray();
    }

    public void Clear()
    {
        lock (_gate)
        {
            _ordered.Clear();
            _byId.Clear();
        }
    }

    /// <summary>One page of the links whose created_at (whole seconds) lies in [from, to].</summary>
    public (StoredLink[] Page, int Total) List(DateTimeOffset? from, DateTimeOffset? to, int offset, int limit, bool reverse)
    {
        lock (_gate)
        {
            var (lo, hi) = Range(_ordered, static l => l.CreatedAt, from, to);
            return Paging.Slice(_ordered, lo, hi, offset, limit, reverse);
        }
    }

    /// <summary>The charges of one link, paged like lists; null when the link is unknown.</summary>
    public (Charge[] Page, int Total)? Charges(string id, DateTimeOffset? from, DateTimeOffset? to, int offset, int limit, bool reverse)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var link)) return null;
            var (lo, hi) = Range(link.Charges, static c => c.CreatedAt, from, to);
            return Paging.Slice(link.Charges, lo, hi, offset, limit, reverse);
        }
    }

    public (StoredLink[] Page, int Total) Search(Func<StoredLink, bool>? match, int page, int perPage, bool reverse)
    {
        lock (_gate)
        {
            if (match is null) return Paging.Slice(_ordered, 0, _ordered.Count, (long)(page - 1) * perPage, perPage, reverse);

            var skip = (long)(page - 1) * perPage;
            var result = new List<StoredLink>(Math.Min(perPage, 128));
            var total = 0;
            var n = _ordered.Count;
            for (var k = 0; k < n; k++)
            {
                var link = _ordered[reverse ? n - 1 - k : k];
                if (!match(link)) continue;
                if (total >= skip && result.Count < perPage) result.Add(link);
                total++;
            }
            return (result.ToArray(), total);
        }
    }

    /// <summary>[lo, hi) of a list sorted by time whose whole-second times lie in [from, to] (both truncated to seconds).</summary>
    private static (int Lo, int Hi) Range<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> time, DateTimeOffset? from, DateTimeOffset? to)
    {
        var lo = 0;
        var hi = items.Count;
        if (from is { } f)
        {
            var fromTicks = Clock.TruncateToSeconds(f).UtcTicks;
            lo = LowerBound(items, time, fromTicks);
        }
        if (to is { } t)
        {
            var t1 = Clock.TruncateToSeconds(t).UtcTicks;
            var afterTicks = t1 > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerSecond ? long.MaxValue : t1 + TimeSpan.TicksPerSecond;
            hi = LowerBound(items, time, afterTicks);
        }
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>First index whose time is >= ticks.</summary>
    private static int LowerBound<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> time, long ticks)
    {
        int lo = 0, hi = items.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (time(items[mid]).UtcTicks < ticks) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}

internal static class Paging
{
    /// <summary>Items [lo, hi) paged by offset/limit, in order or reversed. Total = hi - lo.</summary>
    public static (T[] Page, int Total) Slice<T>(IReadOnlyList<T> items, int lo, int hi, long offset, int limit, bool reverse)
    {
        var total = hi - lo;
        if (offset >= total || limit <= 0) return (Array.Empty<T>(), total);
        var count = (int)Math.Min(limit, total - offset);
        var page = new T[count];
        for (var i = 0; i < count; i++)
        {
            var k = (int)offset + i;
            page[i] = items[reverse ? hi - 1 - k : lo + k];
        }
        return (page, total);
    }
}

internal static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>prefix + 19 random characters of [0-9a-z].</summary>
    public static string New(string prefix) => string.Create(prefix.Length + 19, prefix, static (span, p) =>
    {
        p.AsSpan().CopyTo(span);
        Random.Shared.GetItems(Alphabet.AsSpan(), span[p.Length..]);
    });
}

internal static class Clock
{
    public const string WireFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static DateTimeOffset TruncateToSeconds(DateTimeOffset t)
    {
        var utc = t.UtcTicks;
        return new DateTimeOffset(utc - utc % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>UTC, whole seconds, "Z": "2025-03-20T10:07:38Z".</summary>
    public static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString(WireFormat, System.Globalization.CultureInfo.InvariantCulture);
}
