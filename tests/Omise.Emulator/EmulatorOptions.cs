namespace Omise.Emulator;

/// <summary>How an <see cref="EmulatorServer"/> is started.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The one secret key the emulator accepts (HTTP Basic user name, empty password).</summary>
    public string SecretKey { get; set; } = EmulatorServer.DefaultSecretKey;

    /// <summary>The account's public key. Always refused by the API routes, as on api.omise.co.</summary>
    public string PublicKey { get; set; } = EmulatorServer.DefaultPublicKey;

    /// <summary>Kestrel URL(s), ';'-separated. Port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary>Fault injection; replaceable later through <see cref="EmulatorServer.Faults"/>.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Live mode: ids <c>link_</c>/<c>chrg_</c>/<c>acct_</c> and <c>livemode: true</c>.</summary>
    public bool LiveMode { get; set; }
}

/// <summary>
/// Fault injection. Probabilities are 0..1 and are applied per API request (never to /_emulator/*).
/// Each fault-eligible request n (1, 2, 3, ... since the options were set) draws u = hash(Seed, n) in [0,1);
/// the bands below are laid end to end in this order and the band u falls in is the fault:
/// RateLimitWithRetryAfter, RateLimitWithoutRetryAfter, ServerError500, ServiceUnavailable503,
/// DropBeforeStore, DropAfterStore. The two drop bands only act on POST /links.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>Seed of the deterministic draw sequence.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Delay added to every API request before anything else (also to requests outside <see cref="OnlyPaths"/>).</summary>
    public int LatencyMs { get; set; }

    /// <summary>Probability of 429 with a <c>Retry-After</c> header of <see cref="RetryAfterSeconds"/>.</summary>
    public double RateLimitWithRetryAfter { get; set; }

    /// <summary>Value of the Retry-After header (seconds) for <see cref="RateLimitWithRetryAfter"/>.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Probability of 429 without a Retry-After header.</summary>
    public double RateLimitWithoutRetryAfter { get; set; }

    /// <summary>Probability of 500 internal_error.</summary>
    public double ServerError500 { get; set; }

    /// <summary>Probability of 503 service_unavailable.</summary>
    public double ServiceUnavailable503 { get; set; }

    /// <summary>POST /links only: the connection is aborted before anything is read or stored.</summary>
    public double DropBeforeStore { get; set; }

    /// <summary>POST /links only: the request is processed (the link is stored), then the connection is aborted with no response.</summary>
    public double DropAfterStore { get; set; }

    /// <summary>
    /// null = probabilistic faults apply to every API route. Otherwise a ',' or ';' separated list of
    /// "[METHOD ]PATH" rules, e.g. "POST /links" or "GET /links/*, GET /search". A path segment written
    /// "*" or "{anything}" matches any one segment. Requests outside the list get no fault and do not
    /// advance the draw sequence.
    /// </summary>
    public string? OnlyPaths { get; set; }

    /// <summary>A copy of these options.</summary>
    public FaultOptions Clone() => (FaultOptions)MemberwiseClone();

    /// <summary>
    /// The mix of the fault suite and of the benchmark's fault scenario: on every API request 3 % each of 429 with
    /// Retry-After 1 s, 429 without, 500, 503, and (on POST /links) a connection dropped before or after the link
    /// is stored; 1 ms of latency.
    /// </summary>
    public static FaultOptions FaultSuiteMix(int seed) => new()
    {
        Seed = seed,
        LatencyMs = 1,
        RateLimitWithRetryAfter = 0.03,
        RetryAfterSeconds = 1,
        RateLimitWithoutRetryAfter = 0.03,
        ServerError500 = 0.03,
        ServiceUnavailable503 = 0.03,
        DropBeforeStore = 0.03,
        DropAfterStore = 0.03,
    };
}
