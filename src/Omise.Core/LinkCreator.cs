using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>How a row's link came to be.</summary>
    public enum LinkOrigin
    {
        /// <summary>Created by this run.</summary>
        Created,
        /// <summary>A create whose answer was lost had in fact created it; found and taken instead of creating another.</summary>
        Adopted,
        /// <summary>Already existed before this run (-ReuseExisting).</summary>
        Reused,
    }

    public sealed class CreateOutcome
    {
        public CreateOutcome(Link link, LinkOrigin origin, int attempts)
        {
            Link = link;
            Origin = origin;
            Attempts = attempts;
        }

        public Link Link { get; }
        public LinkOrigin Origin { get; }
        public int Attempts { get; }
    }

    /// <summary>One row's create: its request, its Idempotency-Key (the same for every attempt), and whether it may have a link.</summary>
    public sealed class RowCreation
    {
        private int _inFlight;
        private int _uncertain;

        /// <param name="identity">What names this row in its input, the same in every run of that input: its reference, or
        /// its row number when it has none. Null: the row gets a random Idempotency-Key.</param>
        public RowCreation(LinkCreateRequest request, string name, string? identity = null)
        {
            Request = request ?? throw new ArgumentNullException(nameof(request));
            Name = name;
            Identity = identity;
            IdempotencyKey = Guid.NewGuid().ToString();
        }

        public LinkCreateRequest Request { get; }

        /// <summary>How trace lines name the row, e.g. "row 7 (INV-1007)".</summary>
        public string Name { get; }

        public string? Identity { get; }

        public string IdempotencyKey { get; private set; }

        /// <summary>
        /// The key from the row's identity, its fields and <paramref name="generation"/> (identical links removed in the
        /// window): the same row of the same input gets the same key in every run until its link is removed.
        /// </summary>
        internal void DeriveIdempotencyKey(int generation)
        {
            if (Identity == null) return;
            var text = string.Concat("omiselinks/1\u0001", Identity, "\u0001", LinkSignature.Of(Request), "\u0001",
                generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(text));
                var bytes = new byte[16];
                Array.Copy(hash, bytes, 16);
                bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // a name-based (version 5 style) UUID
                bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
                IdempotencyKey = new Guid(bytes).ToString();
            }
        }

        /// <summary>A create of this row is in flight, or one may have reached the server without an answer.</summary>
        public bool MayExist => Volatile.Read(ref _inFlight) > 0 || Uncertain;

        /// <summary>An earlier create of this row may have reached the server without an answer.</summary>
        internal bool Uncertain => Volatile.Read(ref _uncertain) > 0;

        // One create of a row at a time; its attempts (retries within the call) each mark it sending again.
        internal void Sending() => Volatile.Write(ref _inFlight, 1);
        internal void Sent(bool uncertain)
        {
            if (uncertain) Interlocked.Exchange(ref _uncertain, 1);
            Volatile.Write(ref _inFlight, 0);
        }
    }

    /// <summary>
    /// The duplicate guard held a row back: a payable link with the same fields was created within the guard's window
    /// before this run began. Nothing was sent for the row.
    /// </summary>
    public sealed class RecentDuplicateException : Exception
    {
        /// <param name="message">The message, when it tells more than this row (null: this row's).</param>
        public RecentDuplicateException(Link existing, TimeSpan window, string? message = null)
            : base(message ?? $"Not created: a payable link with the same amount, currency, title, description and multiple flag was created " +
                $"within the last {Hours(window)}: {existing.Id}, created {Timestamps.Text(existing.CreatedAt)}. Nothing was sent for this row.")
            => Existing = existing;

        public Link Existing { get; }

        public static string Hours(TimeSpan window) =>
            window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? $"{window.TotalHours:0} hours" : $"{window.TotalMinutes:0.#} minutes";
    }

    /// <summary>
    /// A row whose identical single-use link was paid within the guard's window (or -ReuseExisting's): its invoice looks
    /// paid, and a second link could make the customer pay twice. Nothing was sent for the row.
    /// </summary>
    public sealed class AlreadyPaidException : Exception
    {
        public AlreadyPaidException(Link paid)
            : base($"Not created: a single-use link with the same amount, currency, title, description and multiple flag was already " +
                $"paid: {paid.Id}, created {Timestamps.Text(paid.CreatedAt)}" +
                (paid.UsedAt is DateTime usedAt ? $", paid {Timestamps.Text(usedAt)}" : "") +
                ". A second link for a paid invoice could make the customer pay twice. Nothing was sent for this row.")
            => Paid = paid;

        public Link Paid { get; }
    }

    /// <summary>What an existing link means for a row (see <see cref="LinkCreator.FindExistingAsync"/>).</summary>
    public enum ExistingLinkKind
    {
        /// <summary>-ReuseExisting: the row takes it instead of a new link.</summary>
        Reuse,
        /// <summary>The duplicate guard: an identical payable link made recently; the row is refused.</summary>
        RecentDuplicate,
        /// <summary>An identical single-use link was paid: the row is refused.</summary>
        AlreadyPaid,
    }

    /// <summary>The run ended before this row was sent (again): nothing of it reached the server unless <see cref="MayExist"/>.</summary>
    public sealed class RowAbandonedException : OperationCanceledException
    {
        public RowAbandonedException(bool mayExist)
            : base(mayExist ? "The run ended; a create sent earlier may have made the link." : "The run ended before this row was sent.")
            => MayExist = mayExist;

        public bool MayExist { get; }
    }

    public sealed class LinkCreatorOptions
    {
        /// <summary>Rows whose payable link already exists get it instead of a new one.</summary>
        public bool ReuseExisting { get; set; }

        /// <summary>
        /// POST requests one row may send in all, the first included; each read made for the row (a look-up page, a reuse
        /// check) may also take this many attempts, or the client's default when that is more.
        /// </summary>
        public int MaxAttempts { get; set; } = 5;

        /// <summary>The shortest wait between the two look-ups after an ambiguous failure (see <see cref="Reconciler.FindAsync"/>).</summary>
        public TimeSpan SettleInterval { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>
        /// -ReuseExisting takes only links created within this span before the run (or at or after <see cref="ReuseSince"/>):
        /// an interrupted run is resumed soon, and an older link with the same fields was made for another invoice (last
        /// month's parking fee), which must never be handed to this one. Null (and no ReuseSince): the whole account.
        /// </summary>
        public TimeSpan? ReuseWindow { get; set; }

        /// <summary>-ReuseExisting takes only links created at or after this time; wins over <see cref="ReuseWindow"/>.</summary>
        public DateTime? ReuseSince { get; set; }

        /// <summary>Pages read at once for the -ReuseExisting index and the duplicate guard.</summary>
        public int ReadParallelism { get; set; } = 4;

        /// <summary>
        /// Requests of the run on the wire at once (New-OmiseLink's -ThrottleLimit), creates and reads alike. A row waiting
        /// (a backoff, a Retry-After, a settle interval) holds none, so the rows around it go on. Null: no limit here.
        /// </summary>
        public int? MaxConcurrentRequests { get; set; }

        /// <summary>
        /// The duplicate guard: a row whose payable identical link was created within this span before the run began is not
        /// created again but fails with <see cref="RecentDuplicateException"/> (one link per row: two identical rows and one
        /// recent link make one error and one new link). Null: no guard. Not used with <see cref="ReuseExisting"/>.
        /// </summary>
        public TimeSpan? DuplicateWindow { get; set; }

        /// <summary>
        /// A row whose identical single-use link was paid (among the links the guard or -ReuseExisting reads) fails with
        /// <see cref="AlreadyPaidException"/> instead of getting a new link. False: -AllowDuplicate.
        /// </summary>
        public bool RefusePaid { get; set; } = true;

        /// <summary>
        /// Idempotency-Keys derived from the row (its reference or place, its fields, and how many identical links were removed
        /// within the window) instead of random ones: two runs of the same input started together send the same key for the
        /// same row, so a server that honours the header makes one link. Needs the guard or -ReuseExisting (they read the
        /// removals); false for -AllowDuplicate, which asks for new links.
        /// </summary>
        public bool DerivedIdempotencyKeys { get; set; }

        /// <summary>
        /// Fail fast: after this many rows in a row ended with the API unreachable (connection refused, DNS, TLS: certainly
        /// not sent), the run is closed and <see cref="LinkCreator.Unreachable"/> set. 0: never.
        /// </summary>
        public int UnreachableAfterRows { get; set; } = 3;
    }

    /// <summary>
    /// Creates links exactly once. Every POST of a row carries the row's Idempotency-Key, so a server that honours it
    /// answers a repeat with the link it stored. For a server that does not, a create that may have reached the server
    /// (timeout, broken connection, 5xx, a 200 that is not a link) is never sent again at once: the links created since the
    /// row began are searched for an unclaimed one with the same fields, again after a settle interval, and only then is
    /// the create sent again. Rows with the same fields run one after another, so each adopts only its own link and two
    /// identical rows still make two links. After <see cref="Close"/> no row sends anything more.
    /// Thread-safe; one instance per run.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
        "The request slots' wait handle is never created, so there is nothing to release; a request given up may still release a slot after the run.")]
    public sealed class LinkCreator
    {
        private readonly OmiseClient _client;
        private readonly LinkCreatorOptions _options;
        private readonly Reconciler _reconciler;
        // The run's request slots (MaxConcurrentRequests), shared by every request the run makes; never disposed: a request
        // given up at the end of a run may still release its slot.
        private readonly SemaphoreSlim? _gate;
        private readonly ReuseIndex? _reuse;
        private readonly ReuseIndex? _guard;
        private int _refusedInARow;
        private volatile OmiseApiException? _unreachable;
        private readonly Dictionary<string, FieldsGate> _sameFields = new Dictionary<string, FieldsGate>(StringComparer.Ordinal);
        private volatile bool _closed;

        public LinkCreator(OmiseClient client, LinkCreatorOptions? options = null)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _options = options ?? new LinkCreatorOptions();
            // A row's reads (look-ups, the reuse index) get as many attempts per request as its creates, never fewer than
            // the client's default: a run that outlasts a throttling burst for its POSTs must not lose a row to a GET.
            _gate = _options.MaxConcurrentRequests is int slots ? new SemaphoreSlim(slots, slots) : null;
            var reads = new RequestOptions { MaxAttempts = Math.Max(_options.MaxAttempts, client.Options.Retry.MaxAttempts), Gate = _gate };
            _reconciler = new Reconciler(client, _options.SettleInterval, reads);
            if (_options.ReuseExisting)
                _reuse = new ReuseIndex(client, _options.ReadParallelism, _options.ReuseWindow, "-ReuseExisting", _options.ReuseSince, reads);
            else if (_options.DuplicateWindow is TimeSpan window)
                _guard = new ReuseIndex(client, _options.ReadParallelism, window, "duplicate guard", reads: reads);
        }

        /// <summary>
        /// Set when <see cref="LinkCreatorOptions.UnreachableAfterRows"/> rows in a row could not reach the API: the last
        /// of their failures. The run is closed then (rows not yet sent are never sent).
        /// </summary>
        public OmiseApiException? Unreachable => _unreachable;

        /// <summary>How many rows in a row must fail to reach the API before the run stops (see <see cref="Unreachable"/>).</summary>
        public int UnreachableAfterRows => _options.UnreachableAfterRows;

        /// <summary>How many link ids are held as claimed now (bounded).</summary>
        internal int ClaimCount => _reconciler.ClaimCount;

        /// <summary>The run is ending: rows not yet sent are never sent, rows in flight finish, no create is sent again.</summary>
        public void Close() => _closed = true;

        public bool Closed => _closed;

        /// <summary>
        /// The existing link that answers this row instead of a create: one to reuse (-ReuseExisting, <c>Reused</c> true) or
        /// one the duplicate guard refuses the row for (<c>Reused</c> false); null when the row's link is to be created. Reads
        /// only; each existing link answers one row. A real run and a preview (-WhatIf) both ask here.
        /// </summary>
        public async Task<(Link Link, ExistingLinkKind Kind)?> FindExistingAsync(LinkCreateRequest request, CancellationToken cancellationToken)
        {
            if (_reuse != null && await _reuse.TakeAsync(request, cancellationToken, paid: _options.RefusePaid).ConfigureAwait(false) is (Link existing, bool paid))
                return (existing, paid ? ExistingLinkKind.AlreadyPaid : ExistingLinkKind.Reuse);
            if (_guard != null && await _guard.TakeAsync(request, cancellationToken, paid: _options.RefusePaid).ConfigureAwait(false) is (Link recent, bool recentPaid))
                return (recent, recentPaid ? ExistingLinkKind.AlreadyPaid : ExistingLinkKind.RecentDuplicate);
            return null;
        }

        public Task<CreateOutcome> CreateAsync(LinkCreateRequest request, CancellationToken cancellationToken) =>
            CreateAsync(new RowCreation(request, $"'{request.Title}'"), cancellationToken);

        public async Task<CreateOutcome> CreateAsync(RowCreation row, CancellationToken cancellationToken)
        {
            var signature = LinkSignature.Of(row.Request);
            var gate = EnterGate(signature);
            try
            {
                await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                LeaveGate(signature, gate, entered: false);
                throw;
            }
            try
            {
                if (_closed) throw new RowAbandonedException(mayExist: false);
                if (await FindExistingAsync(row.Request, cancellationToken).ConfigureAwait(false) is (Link existing, ExistingLinkKind kind))
                {
                    switch (kind)
                    {
                        case ExistingLinkKind.Reuse:
                            OmiseTrace.Write($"{row.Name}: reusing {existing.Id}, created {Timestamps.Text(existing.CreatedAt)}");
                            return new CreateOutcome(existing, LinkOrigin.Reused, 0);
                        case ExistingLinkKind.AlreadyPaid:
                            OmiseTrace.Write($"{row.Name}: not created: {existing.Id} has the same fields and was paid");
                            throw new AlreadyPaidException(existing);
                        default:
                            OmiseTrace.Write($"{row.Name}: not created: {existing.Id} has the same fields and was created {Timestamps.Text(existing.CreatedAt)}, within the duplicate guard's window");
                            throw new RecentDuplicateException(existing, _options.DuplicateWindow ?? _options.ReuseWindow ?? TimeSpan.Zero);
                    }
                }
                if (_closed) throw new RowAbandonedException(mayExist: false);
                if (_options.DerivedIdempotencyKeys && (_reuse ?? _guard) is ReuseIndex removals)
                    row.DeriveIdempotencyKey(await removals.RemovedCountAsync(row.Request, cancellationToken).ConfigureAwait(false));
                var outcome = await CreateOnceAsync(row, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _refusedInARow, 0);
                return outcome;
            }
            catch (OmiseApiException ex)
            {
                CountReachability(ex, row.Name);
                throw;
            }
            finally
            {
                LeaveGate(signature, gate, entered: true);
            }
        }

        /// <summary>
        /// Fail fast: a row that could not reach the API at all (after its retries) counts towards closing the run; any
        /// answer from the server resets the count. Timeouts and broken connections neither count nor reset.
        /// </summary>
        private void CountReachability(OmiseApiException ex, string rowName)
        {
            if (ex.Kind == OmiseFailureKind.ConnectionRefused)
            {
                var inARow = Interlocked.Increment(ref _refusedInARow);
                if (_options.UnreachableAfterRows > 0 && inARow >= _options.UnreachableAfterRows && _unreachable == null)
                {
                    _unreachable = ex;
                    _closed = true;
                    OmiseTrace.Write($"{rowName}: the API could not be reached for {inARow} rows in a row ({OmiseClient.Describe(ex)}); no further row is sent");
                }
            }
            else if (ex.Kind == OmiseFailureKind.Api || ex.Kind == OmiseFailureKind.InvalidResponse)
            {
                Interlocked.Exchange(ref _refusedInARow, 0);
            }
        }

        private async Task<CreateOutcome> CreateOnceAsync(RowCreation row, CancellationToken cancellationToken)
        {
            var budget = new AttemptBudget(_options.MaxAttempts);
            var window = _reconciler.OpenWindow();
            try
            {
                var time = _client.Options.TimeProvider;
                while (true)
                {
                    var sentAt = time.GetTimestamp();
                    // Checked once the request slot is taken, just before each attempt goes out: a row that waited for a slot
                    // while the run ended (Ctrl+C, SIGTERM, an unreachable API) sends nothing.
                    var options = new RequestOptions
                    {
                        IdempotencyKey = row.IdempotencyKey, Budget = budget, Gate = _gate, Label = row.Name,
                        BeforeSend = () =>
                        {
                            if (_closed) throw new RowAbandonedException(row.Uncertain);
                            row.Sending();
                            sentAt = time.GetTimestamp();
                        },
                    };
                    OmiseApiException failure;
                    try
                    {
                        var link = await _client.CreateLinkAsync(row.Request, options, cancellationToken).ConfigureAwait(false);
                        row.Sent(uncertain: true);
                        _reconciler.TryClaim(link);
                        return new CreateOutcome(link, LinkOrigin.Created, budget.Used);
                    }
                    catch (OmiseApiException ex) when (ex.IsTransient && ex.ServerMayHaveActed)
                    {
                        row.Sent(uncertain: true);
                        failure = ex;
                    }
                    catch (OmiseApiException)
                    {
                        row.Sent(uncertain: false);
                        throw;
                    }
                    catch (RowAbandonedException)
                    {
                        row.Sent(uncertain: false);
                        throw;
                    }
                    catch (OperationCanceledException)
                    {
                        row.Sent(uncertain: true);
                        throw;
                    }

                    OmiseTrace.Write($"{row.Name}: POST /links failed ({OmiseClient.Describe(failure)}) and may have reached the server; looking for its link before sending anything again");
                    var found = await _reconciler.FindAsync(row.Request, window, failure, time.GetElapsedTime(sentAt), row.Name, cancellationToken).ConfigureAwait(false);
                    if (found != null)
                    {
                        OmiseTrace.Write($"{row.Name}: found {found.Id}, created by the attempt whose answer was lost; adopting it instead of creating another");
                        return new CreateOutcome(found, LinkOrigin.Adopted, budget.Used);
                    }
                    if (budget.Exhausted) throw failure;
                    OmiseTrace.Write($"{row.Name}: no link was made; sending it again with the same Idempotency-Key (attempt {budget.Used + 1} of {budget.Max})");
                }
            }
            finally
            {
                _reconciler.CloseWindow(window);
            }
        }

        private sealed class FieldsGate : IDisposable
        {
            public readonly SemaphoreSlim Semaphore = new SemaphoreSlim(1, 1);
            public int Users;
            public void Dispose() => Semaphore.Dispose();
        }

        private FieldsGate EnterGate(string signature)
        {
            lock (_sameFields)
            {
                if (!_sameFields.TryGetValue(signature, out var gate)) _sameFields[signature] = gate = new FieldsGate();
                gate.Users++;
                return gate;
            }
        }

        private void LeaveGate(string signature, FieldsGate gate, bool entered)
        {
            if (entered) gate.Semaphore.Release();
            lock (_sameFields)
            {
                // The last user leaves: nobody else holds or can reach this gate any more.
                if (--gate.Users != 0) return;
                _sameFields.Remove(signature);
                gate.Dispose();
            }
        }
    }
}
