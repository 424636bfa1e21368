namespace Omise.Emulator;

internal enum FaultKind
{
    None,
    RateLimitWithRetryAfter,
    RateLimit,
    ServerError,
    ServiceUnavailable,
    DropBeforeStore,
    DropAfterStore,
    LateStoreAfter502,
    LateStoreAfterTimeout,
    BrokenCreateAnswer,
    ListDataNull,
}

/// <summary>
/// One set of <see cref="FaultOptions"/> plus its own draw counter. Replacing the options replaces this
/// object, which restarts the deterministic sequence.
/// </summary>
internal sealed class FaultState
{
    private long _draws;
    private long _brokenAnswers;
    private RuleCache? _rules;

    public FaultState(FaultOptions options) => Options = options;

    public FaultOptions Options { get; }

    /// <summary>The fault for this request (at most one), drawn from hash(Seed, n) for the n-th eligible request.</summary>
    public FaultKind Draw(string method, string path, bool isCreateLink, bool isList)
    {
        var o = Options;
        if (!AppliesTo(method, path)) return FaultKind.None;

        double a = Clamp(o.RateLimitWithRetryAfter), b = Clamp(o.RateLimitWithoutRetryAfter), c = Clamp(o.ServerError500),
            d = Clamp(o.ServiceUnavailable503), e = Clamp(o.DropBeforeStore), f = Clamp(o.DropAfterStore),
            g = Clamp(o.LateStoreAfter502), h = Clamp(o.LateStoreAfterTimeout), i = Clamp(o.BrokenCreateAnswer), j = Clamp(o.ListDataNull);
        if (a + b + c + d + e + f + g + h + i + j <= 0) return FaultKind.None;

        var n = Interlocked.Increment(ref _draws);
        var u = Unit(o.Seed, n);
        if ((u -= a) < 0) return FaultKind.RateLimitWithRetryAfter;
        if ((u -= b) < 0) return FaultKind.RateLimit;
        if ((u -= c) < 0) return FaultKind.ServerError;
        if ((u -= d) < 0) return FaultKind.ServiceUnavailable;
        if ((u -= e) < 0) return isCreateLink ? FaultKind.DropBeforeStore : FaultKind.None;
        if ((u -= f) < 0) return isCreateLink ? FaultKind.DropAfterStore : FaultKind.None;
        if ((u -= g) < 0) return isCreateLink ? FaultKind.LateStoreAfter502 : FaultKind.None;
        if ((u -= h) < 0) return isCreateLink ? FaultKind.LateStoreAfterTimeout : FaultKind.None;
        if ((u -= i) < 0) return isCreateLink ? FaultKind.BrokenCreateAnswer : FaultKind.None;
        if ((u -= j) < 0) return isList ? FaultKind.ListDataNull : FaultKind.None;
        return FaultKind.None;
    }

    /// <summary>Whether the route is in <see cref="FaultOptions.OnlyPaths"/> (always, when that is null).</summary>
    public bool AppliesTo(string method, string path) => Options.OnlyPaths is not { } only || Matches(only, method, path);

    /// <summary>The body shape of the next broken create answer: the pinned one, or 1st, 2nd, 3rd shape in turn.</summary>
    public BrokenAnswerShape NextBrokenShape()
    {
        var pinned = Options.BrokenAnswerShape;
        if (pinned != BrokenAnswerShape.Rotate) return pinned;
        var n = Interlocked.Increment(ref _brokenAnswers);
        return (BrokenAnswerShape)(1 + (int)((n - 1) % 3));
    }

    private static double Clamp(double p) => double.IsNaN(p) || p <= 0 ? 0 : p >= 1 ? 1 : p;

    /// <summary>A uniform double in [0,1) from (seed, n): SplitMix64 of the pair, no shared state.</summary>
    internal static double Unit(int seed, long n)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)n + 0x632BE59BD9B4E019UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            z = (z + 0x9E3779B97F4A7C15UL) * 0xBF58476D1CE4E5B9UL;
            z ^= z >> 29;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }

    private bool Matches(string only, string method, string path)
    {
        var cache = Volatile.Read(ref _rules);
        if (cache is null || !ReferenceEquals(cache.Source, only))
        {
            cache = new RuleCache(only, Rule.Parse(only));
            Volatile.Write(ref _rules, cache);
        }
        foreach (var rule in cache.Rules)
            if (rule.Matches(method, path)) return true;
        return false;
    }

    private sealed record RuleCache(string Source, Rule[] Rules);

    private sealed class Rule
    {
        private readonly string? _method;
        private readonly string[] _segments;

        private Rule(string? method, string[] segments)
        {
            _method = method;
            _segments = segments;
        }

        public static Rule[] Parse(string text)
        {
            var rules = new List<Rule>();
            foreach (var raw in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = raw.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                string? method = parts.Length == 2 ? parts[0] : null;
                var path = parts.Length == 2 ? parts[1] : parts[0];
                if (method == "*") method = null;
                rules.Add(new Rule(method, Segments(path)));
            }
            return rules.ToArray();
        }

        public bool Matches(string method, string path)
        {
            if (_method is not null && !string.Equals(_method, method, StringComparison.OrdinalIgnoreCase)) return false;
            var segments = Segments(path);
            if (segments.Length != _segments.Length) return false;
            for (var i = 0; i < segments.Length; i++)
            {
                var pattern = _segments[i];
                if (pattern == "*" || (pattern.StartsWith('{') && pattern.EndsWith('}'))) continue;
                if (!string.Equals(pattern, segments[i], StringComparison.OrdinalIgnoreCase)) return false;
            }
            return true;
        }

        private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }
}
