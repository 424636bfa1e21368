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

    /// <summary>
    /// Play a server that ignores the <c>Idempotency-Key</c> header on POST /links: every request is processed anew.
    /// The header is still counted and kept on the stored link. Changeable later through <see cref="EmulatorServer.IgnoreIdempotencyKey"/>.
    /// </summary>
    public bool IgnoreIdempotencyKey { get; set; }

    /// <summary>How long a stored Idempotency-Key answer is replayed, counted from when it was stored (default 24 h, as the API documents).</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a request waits for an earlier request with the same Idempotency-Key that is still being processed
    /// (e.g. a pending late store) before it gets 409 <c>conflict</c> (default 30 s).
    /// </summary>
    public TimeSpan IdempotencyWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The emulator's clock: its injected delays (latency, late stores, hangs, trickled bodies), its waits on an
    /// Idempotency-Key in flight, its timestamps and Date header. Give the client the same <see cref="VirtualClock"/>
    /// to run a test on virtual time.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>The body of a <see cref="FaultOptions.BrokenCreateAnswer"/> answer (always status 200).</summary>
public enum BrokenAnswerShape
{
    /// <summary>Rotate through the three shapes below, in this order, per broken answer (1st, 2nd, 3rd, 4th = 1st, ...).</summary>
    Rotate,

    /// <summary><c>{}</c></summary>
    EmptyObject,

    /// <summary><c>{"object":"link"}</c></summary>
    ObjectOnly,

    /// <summary><c>{"object":"error","location":...,"code":"internal_error","message":...}</c>, with status 200.</summary>
    ErrorObject,
}

/// <summary>
/// Fault injection. Probabilities are 0..1 and are applied per API request (never to /_emulator/*).
/// Each fault-eligible request n (1, 2, 3, ... since the options were set) draws u = hash(Seed, n) in [0,1);
/// the bands below are laid end to end in this order and the band u falls in is the fault:
/// RateLimitWithRetryAfter, RateLimitWithoutRetryAfter, ServerError500, ServiceUnavailable503,
/// DropBeforeStore, DropAfterStore, LateStoreAfter502, LateStoreAfterTimeout, BrokenCreateAnswer, ListDataNull.
/// The drop, late-store and broken-answer bands only act on POST /links; ListDataNull only on GET /links and GET /search.
/// On other routes a draw that falls in those bands is no fault.
/// <see cref="ListIgnoresOffset"/> and <see cref="TrickleBodyMs"/> are switches, not probabilities: they draw nothing.
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
    /// POST /links only: answer 502 <c>bad_gateway</c> at once, then store the link <see cref="LateStoreDelayMs"/> later
    /// (the stored Idempotency-Key answer is the link, status 200).
    /// </summary>
    public double LateStoreAfter502 { get; set; }

    /// <summary>
    /// POST /links only: send nothing for <see cref="HangMs"/>, then store the link, then abort the connection. A client whose
    /// timeout is shorter than HangMs has given up before the link exists.
    /// </summary>
    public double LateStoreAfterTimeout { get; set; }

    /// <summary>Delay between the 502 and the store for <see cref="LateStoreAfter502"/> (default 1500 ms).</summary>
    public int LateStoreDelayMs { get; set; } = 1500;

    /// <summary>How long <see cref="LateStoreAfterTimeout"/> keeps the client waiting before it stores and aborts (default 5000 ms).</summary>
    public int HangMs { get; set; } = 5000;

    /// <summary>
    /// POST /links only: when the create succeeds (the link IS stored), the answer is 200 with a body that is not a link;
    /// see <see cref="BrokenAnswerShape"/>. A create that fails (400, 401, ...) gets its real answer.
    /// </summary>
    public double BrokenCreateAnswer { get; set; }

    /// <summary>Which body <see cref="BrokenCreateAnswer"/> sends (default: rotate through the three).</summary>
    public BrokenAnswerShape BrokenAnswerShape { get; set; }

    /// <summary>GET /links and GET /search only: 200 with the usual list/search object but <c>"data": null</c>.</summary>
    public double ListDataNull { get; set; }

    /// <summary>Switch: GET /links ignores <c>offset</c> and always returns the first page (the requested offset is still echoed).</summary>
    public bool ListIgnoresOffset { get; set; }

    /// <summary>
    /// Switch: when &gt; 0, the response body of every API request (of the routes in <see cref="OnlyPaths"/> when set) is written
    /// one byte at a time, flushed, with this delay between bytes. Not a draw: it does not advance the fault sequence.
    /// </summary>
    public int TrickleBodyMs { get; set; }

    /// <summary>
    /// null = probabilistic faults apply to every API route. Otherwise a ',' or ';' separated list of
    /// "[METHOD ]PATH" rules, e.g. "POST /links" or "GET /links/*, GET /search". A path segment written
    /// "*" or "{anything}" matches any one segment. Requests outside the list get no fault and do not
    /// advance the draw sequence. Also limits <see cref="TrickleBodyMs"/>; not <see cref="LatencyMs"/> or
    /// <see cref="ListIgnoresOffset"/>.
    /// </summary>
    public string? OnlyPaths { get; set; }

    /// <summary>
    /// Switch: POST /links whose title contains this text is refused with <see cref="RefuseStatus"/> every time, nothing
    /// stored (400 <c>invalid_amount</c>, as for an amount beyond the account's limits, or 503). Draws nothing.
    /// </summary>
    public string? RefuseTitleContaining { get; set; }

    /// <summary>The status of <see cref="RefuseTitleContaining"/>'s refusal: 400 (default) or 503.</summary>
    public int RefuseStatus { get; set; } = 400;

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

    /// <summary>
    /// <see cref="FaultSuiteMix"/> plus the faults of a hostile server at 3 % each: a link stored after a 502, a link stored
    /// after the client's timeout (<see cref="HangMs"/> 5000 ms: give the client a shorter timeout, or lower HangMs), a broken
    /// 200 create answer, and list/search answers with <c>"data": null</c>. The switches (<see cref="ListIgnoresOffset"/>,
    /// <see cref="TrickleBodyMs"/>) stay off.
    /// </summary>
    public static FaultOptions HostileMix(int seed)
    {
        var f = FaultSuiteMix(seed);
        f.LateStoreAfter502 = 0.03;
        f.LateStoreAfterTimeout = 0.03;
        f.BrokenCreateAnswer = 0.03;
        f.ListDataNull = 0.03;
        return f;
    }
}
