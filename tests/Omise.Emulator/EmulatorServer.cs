using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Omise.Emulator;

/// <summary>
/// An in-memory HTTP emulator of the Omise Links API (api.omise.co, API version 2019-05-29) on Kestrel.
/// Start one with <see cref="StartAsync"/>, point a client at <see cref="BaseUri"/> with <see cref="SecretKey"/>.
/// </summary>
public sealed partial class EmulatorServer : IAsyncDisposable
{
    /// <summary>The fake test secret key accepted by default. Not a real key: safe to print.</summary>
    public const string DefaultSecretKey = "skey_test_5emulat0rk3yf0rt3sts";

    /// <summary>The fake test public key. Refused by the API routes, as on api.omise.co.</summary>
    public const string DefaultPublicKey = "pkey_test_5emulat0rk3yf0rt3sts";

    private static readonly string[] FaultNames =
        ["", "429-retry-after", "429", "500", "503", "drop-before", "drop-after", "late-store-502", "late-store-timeout", "broken-answer", "list-data-null"];

    private readonly EmulatorOptions _options;
    private readonly ServerClock _clock;
    private readonly LinkStore _store;
    private readonly string _accountId;
    private readonly DateTimeOffset _accountCreatedAt;
    private readonly int[] _faultCounts = new int[FaultNames.Length];
    private readonly IdempotencyTable _idempotency = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _lateStores = new();
    private CancellationTokenSource _lateCts = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _pendingLateStores;
    private long _createRequests;
    private volatile bool _ignoreIdempotencyKey;
    private WebApplication? _app;
    private FaultState _faults;
    private long _requestCount;
    private int _inFlight;
    private int _maxConcurrent;
    private int _disposed;

    private EmulatorServer(EmulatorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IdempotencyKeyLifetime, TimeSpan.Zero, nameof(options.IdempotencyKeyLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IdempotencyWaitTimeout, TimeSpan.Zero, nameof(options.IdempotencyWaitTimeout));
        _options = options;
        _clock = new ServerClock(options.TimeProvider);
        ValidateFaults(options.Faults);
        _faults = new FaultState(options.Faults);
        _ignoreIdempotencyKey = options.IgnoreIdempotencyKey;
        _store = new LinkStore(options.LiveMode);
        _accountId = (options.LiveMode ? "acct_" : "acct_test_") + "5emulat0racc0unt00";
        _accountCreatedAt = Clock.TruncateToSeconds(_clock.Now.AddDays(-30));
    }

    /// <summary>Starts an emulator on <see cref="EmulatorOptions.Urls"/> (default: a free port on 127.0.0.1).</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null)
    {
        var server = new EmulatorServer(options ?? new EmulatorOptions());
        try
        {
            await server.StartCoreAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    private async Task StartCoreAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls(_options.Urls);
        // No console lifetime (the host process owns Ctrl+C) and no logging providers: nothing per request.
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        app.Run(HandleAsync);
        _app = app;
        await app.StartAsync().ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no listening address");
        BaseUri = ToClientUri(first);
    }

    private static Uri ToClientUri(string address)
    {
        var b = new UriBuilder(address.Replace("://*", "://127.0.0.1").Replace("://+", "://127.0.0.1"));
        if (b.Host is "0.0.0.0") b.Host = "127.0.0.1";
        if (b.Host is "[::]" or "::") b.Host = "[::1]";
        b.Path = "/";
        return b.Uri;
    }

    /// <summary>Where the emulator listens, with a trailing slash, e.g. http://127.0.0.1:54321/.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The secret key the API routes accept.</summary>
    public string SecretKey => _options.SecretKey;

    /// <summary>The account's public key (always refused by the API routes).</summary>
    public string PublicKey => _options.PublicKey;

    /// <summary>Whether ids and objects are live mode.</summary>
    public bool LiveMode => _options.LiveMode;

    /// <summary>
    /// The fault options in force. Setting them swaps them atomically and restarts the seeded draw sequence.
    /// The instance returned is the one in force: changing its properties takes effect on the next request.
    /// </summary>
    public FaultOptions Faults
    {
        get => Volatile.Read(ref _faults).Options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            ValidateFaults(value);
            Volatile.Write(ref _faults, new FaultState(value));
        }
    }

    /// <summary>A snapshot of every stored link, deleted ones included, in (created_at, creation) order.</summary>
    public IReadOnlyList<StoredLink> Links => _store.Snapshot();

    /// <summary>The highest number of API requests in flight at once seen since start or <see cref="ResetStats"/>.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxConcurrent);

    /// <summary>API requests received and not yet answered (nor dropped, nor given up by their client).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>API requests received (not /_emulator/*) since start or <see cref="ResetStats"/>.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>
    /// Faults injected by kind (every key present): "429-retry-after", "429", "500", "503", "drop-before", "drop-after",
    /// "late-store-502", "late-store-timeout", "broken-answer", "list-data-null".
    /// </summary>
    public IReadOnlyDictionary<string, int> FaultsInjected
    {
        get
        {
            var d = new Dictionary<string, int>(FaultNames.Length - 1, StringComparer.Ordinal);
            for (var i = 1; i < FaultNames.Length; i++) d[FaultNames[i]] = Volatile.Read(ref _faultCounts[i]);
            return d;
        }
    }

    /// <summary>
    /// Play a server that ignores the Idempotency-Key header (every POST /links is processed anew) when true; honour it
    /// when false. Takes effect on the next request; records stored while honouring stay and are used again once honoured.
    /// </summary>
    public bool IgnoreIdempotencyKey
    {
        get => _ignoreIdempotencyKey;
        set => _ignoreIdempotencyKey = value;
    }

    /// <summary>POST /links requests received (whatever happened to them) since start or <see cref="ResetStats"/>.</summary>
    public long CreateLinkRequests => Interlocked.Read(ref _createRequests);

    /// <summary>POST /links requests that carried a non-empty Idempotency-Key header, counted on arrival (faulted ones too).</summary>
    public long IdempotencyKeyedRequests => _idempotency.KeyedRequests;

    /// <summary>Distinct Idempotency-Key values among <see cref="IdempotencyKeyedRequests"/>.</summary>
    public int IdempotencyDistinctKeys => _idempotency.DistinctKeys;

    /// <summary>Answers served from a stored Idempotency-Key record (nothing new performed), waits for a pending record included.</summary>
    public long IdempotencyReplays => _idempotency.Replays;

    /// <summary>The Idempotency-Key of the POST /links that created the link; null for no key, seed data or an unknown id.</summary>
    public string? IdempotencyKeyOf(string linkId)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        return _store.Get(linkId)?.IdempotencyKey;
    }

    /// <summary>
    /// Links that a late-store fault (LateStoreAfter502, LateStoreAfterTimeout) will still store: a test can wait for 0
    /// before it counts links.
    /// </summary>
    public int PendingLateStores => Volatile.Read(ref _pendingLateStores);

    private TaskCompletionSource _lateStoresLanded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void LateStoreEnded()
    {
        if (Interlocked.Decrement(ref _pendingLateStores) == 0)
            Interlocked.Exchange(ref _lateStoresLanded, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Completes when no late store is pending (each one stored or dropped): what the server holds is final then. Under a
    /// <see cref="VirtualClock"/> the clock moves the stores on by itself; on the system clock they take their real delay.
    /// </summary>
    public async Task LateStoresLandedAsync()
    {
        while (true)
        {
            var landed = Volatile.Read(ref _lateStoresLanded);
            if (PendingLateStores == 0) return;
            await landed.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Resets <see cref="MaxConcurrentRequests"/>, <see cref="RequestCount"/>, <see cref="FaultsInjected"/>,
    /// <see cref="CreateLinkRequests"/> and the idempotency counters (the stored Idempotency-Key records stay).
    /// </summary>
    public void ResetStats()
    {
        Interlocked.Exchange(ref _requestCount, 0);
        Interlocked.Exchange(ref _createRequests, 0);
        _idempotency.ResetCounters();
        Interlocked.Exchange(ref _maxConcurrent, 0);
        for (var i = 0; i < _faultCounts.Length; i++) Interlocked.Exchange(ref _faultCounts[i], 0);
    }

    /// <summary>
    /// Clears all links, the Idempotency-Key records and the stats, drops pending late stores, and restarts the fault draw
    /// sequence (the fault options stay).
    /// </summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _lateCts, new CancellationTokenSource()).Cancel();
        _idempotency.Clear();
        _store.Clear();
        ResetStats();
        Volatile.Write(ref _faults, new FaultState(Volatile.Read(ref _faults).Options));
    }

    /// <summary>Stores a link directly (seed data), bypassing HTTP, validation and faults.</summary>
    /// <param name="currency">Any case; stored upper case.</param>
    /// <param name="createdAt">Back-date the link (for from/to and ordering tests); default now.</param>
    public StoredLink AddLink(long amount, string currency, string title, string description, bool multiple, DateTimeOffset? createdAt = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(description);
        return _store.Add(amount, currency.ToUpperInvariant(), title, description, multiple, createdAt ?? _clock.Now);
    }

    /// <summary>
    /// Stores <paramref name="count"/> distinct single-use THB links ("Seeded 1" ... "Seeded N"), one second apart, the newest
    /// a minute ago, oldest first: a busy day's links, for the -ReuseExisting benchmark (20,000 fit in the last 6 hours).
    /// </summary>
    public void SeedLinks(int count)
    {
        var start = _clock.Now.AddMinutes(-1).AddSeconds(-count);
        for (var i = 1; i <= count; i++)
            AddLink(1000 + i, "thb", $"Seeded {i}", "Seeded link", false, start.AddSeconds(i));
    }

    /// <summary>
    /// Simulates a customer paying a link: adds a successful charge (amount defaults to the link's amount).
    /// A single-use link becomes used (used_at = now).
    /// </summary>
    /// <exception cref="KeyNotFoundException">Unknown link.</exception>
    /// <exception cref="InvalidOperationException">The link is deleted, or single-use and already used.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The amount (given or the link's) is not positive.</exception>
    public Charge PayLink(string linkId, long? amount = null)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        return _store.Pay(linkId, amount, _clock.Now);
    }

    /// <summary>
    /// Stops Kestrel (in-flight requests get up to 5 s) and releases the port. Late stores still pending are dropped
    /// (never stored), hanging requests end at once, and requests waiting on their Idempotency-Key are released.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping.Cancel();
        Volatile.Read(ref _lateCts).Cancel();
        _idempotency.Clear();
        await Task.WhenAll(_lateStores.Keys).ConfigureAwait(false); // they only await a cancelled delay: quick, and never throw
        if (_app is { } app)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await app.StopAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static void ValidateFaults(FaultOptions f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var error = FaultsError(f);
        if (error is not null) throw new ArgumentException(error, nameof(f));
    }

    internal static string? FaultsError(FaultOptions f)
    {
        if (f.LatencyMs < 0) return "latency_ms must be >= 0";
        if (f.RetryAfterSeconds < 0) return "retry_after_seconds must be >= 0";
        if (f.LateStoreDelayMs < 0) return "late_store_delay_ms must be >= 0";
        if (f.HangMs < 0) return "hang_ms must be >= 0";
        if (f.TrickleBodyMs < 0) return "trickle_body_ms must be >= 0";
        if (!Enum.IsDefined(f.BrokenAnswerShape)) return "broken_answer_shape must be rotate, empty, object or error";
        if (f.RefuseStatus is not (400 or 503)) return "refuse_status must be 400 or 503";
        (string Name, double P)[] ps =
        [
            ("rate_limit_with_retry_after", f.RateLimitWithRetryAfter), ("rate_limit_without_retry_after", f.RateLimitWithoutRetryAfter),
            ("server_error_500", f.ServerError500), ("service_unavailable_503", f.ServiceUnavailable503),
            ("drop_before_store", f.DropBeforeStore), ("drop_after_store", f.DropAfterStore),
            ("late_store_after_502", f.LateStoreAfter502), ("late_store_after_timeout", f.LateStoreAfterTimeout),
            ("broken_create_answer", f.BrokenCreateAnswer), ("list_data_null", f.ListDataNull),
        ];
        foreach (var (name, p) in ps)
            if (double.IsNaN(p) || p < 0 || p > 1) return name + " must be a probability between 0 and 1";
        return null;
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
