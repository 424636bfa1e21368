using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
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

    /// <summary>
    /// Creates links exactly once although the API has no idempotency key.
    /// A create is retried blindly only when it certainly did not reach the server (connection refused, 429).
    /// When it may have (timeout, connection lost, 5xx), the links created since the attempt began are searched
    /// for one with the same fields that no row of this run has claimed; it is adopted if found, else the create
    /// is sent again. Rows with the same fields run one after another, so each adopts only its own link and two
    /// identical rows still make two links. Thread-safe; one instance per run.
    /// </summary>
    public sealed class LinkCreator
    {
        // Link timestamps have whole seconds and the server clock is known to about a second (Date header).
        private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(3);

        private readonly OmiseClient _client;
        private readonly bool _reuseExisting;
        private readonly RetryPolicy _retry;
        // A claim matters only while some look-up window could still return its link: claims older than every open
        // window (and every window to come, which starts later) are dropped, so memory stays flat however many rows.
        private readonly List<DateTime> _openWindows = new List<DateTime>();
        // Claims are held as 64-bit hashes of the ids, in the order claimed, so a claim costs no object of its own.
        // A hash collision (about 1 in 10^10 for 100,000 claims in one window) could only make a row create anew.
        private readonly object _claimsGate = new object();
        private readonly HashSet<ulong> _claimed = new HashSet<ulong>();
        private readonly Queue<(DateTime CreatedAt, ulong Id)> _claimOrder = new Queue<(DateTime, ulong)>();
        private long _claimsSincePrune;
        private readonly Dictionary<string, FieldsGate> _sameFields = new Dictionary<string, FieldsGate>(StringComparer.Ordinal);
        private readonly object _existingGate = new object();
        private Task<Dictionary<string, Queue<Link>>>? _existing;
        private volatile OmiseApiException? _keyRefused;

        public LinkCreator(OmiseClient client, bool reuseExisting, RetryPolicy? retry = null)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _reuseExisting = reuseExisting;
            _retry = retry ?? client.Options.Retry;
        }

        public async Task<CreateOutcome> CreateAsync(LinkCreateRequest request, CancellationToken cancellationToken)
        {
            var signature = Signature(request);
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
                if (_reuseExisting)
                {
                    var existing = await TakeExistingAsync(signature, cancellationToken).ConfigureAwait(false);
                    if (existing != null)
                    {
                        OmiseTrace.Write($"Reusing {existing.Id} created {existing.CreatedAt:yyyy-MM-dd HH:mm:ss}Z for '{request.Title}'");
                        return new CreateOutcome(existing, LinkOrigin.Reused, 0);
                    }
                }
                return await CreateWithRetriesAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                LeaveGate(signature, gate, entered: true);
            }
        }

        private sealed class FieldsGate
        {
            public readonly SemaphoreSlim Semaphore = new SemaphoreSlim(1, 1);
            public int Users;
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
                if (--gate.Users == 0) _sameFields.Remove(signature);
        }

        private async Task<CreateOutcome> CreateWithRetriesAsync(LinkCreateRequest request, CancellationToken cancellationToken)
        {
            var policy = _retry;
            var body = FormEncoder.Encode(request.ToForm());
            for (var attempt = 1; ; attempt++)
            {
                // A refused key fails every row alike: once refused, send nothing more.
                if (_keyRefused != null) throw _keyRefused;
                var window = OpenWindow();
                OmiseApiException failure;
                try
                {
                    var (outcome, failed) = await AttemptAsync(request, body, attempt, window, cancellationToken).ConfigureAwait(false);
                    if (outcome != null) return outcome;
                    failure = failed!;
                }
                finally
                {
                    CloseWindow(window);
                }

                if (attempt >= policy.MaxAttempts) throw failure;
                var delay = policy.DelayBefore(attempt + 1, failure.RetryAfter);
                OmiseTrace.Write($"POST /links for '{request.Title}' failed ({OmiseClient.Describe(failure)}); attempt {attempt + 1} of {policy.MaxAttempts} in {delay.TotalMilliseconds:0} ms");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>One create, and the look-up when its answer was lost. A link, or the transient failure to retry.</summary>
        private async Task<(CreateOutcome?, OmiseApiException?)> AttemptAsync(LinkCreateRequest request, string body, int attempt,
            DateTime window, CancellationToken cancellationToken)
        {
            OmiseApiException failure;
            try
            {
                var link = await _client.SendOnceAsync<Link>(HttpMethod.Post, "links", body, cancellationToken).ConfigureAwait(false);
                Claim(link);
                return (new CreateOutcome(link, LinkOrigin.Created, attempt), null);
            }
            catch (OmiseApiException ex) when (ex.IsTransient)
            {
                failure = ex;
            }
            catch (OmiseApiException ex) when (ex.StatusCode == 401)
            {
                _keyRefused = ex;
                throw;
            }
            if (!failure.ServerMayHaveActed) return (null, failure);

            OmiseTrace.Write($"POST /links for '{request.Title}' failed ({OmiseClient.Describe(failure)}) and may have reached the server; looking for the link before trying again");
            Link? found;
            try
            {
                found = await LookUpWithRetriesAsync(request, window, cancellationToken).ConfigureAwait(false);
            }
            catch (OmiseApiException lookupFailure)
            {
                throw new OmiseApiException(failure.Kind, failure.StatusCode, failure.Code,
                    $"{failure.Message} The link may or may not have been created, and looking for it failed too ({lookupFailure.Message}); " +
                    "nothing was sent again. Run the same input with -ReuseExisting to settle it without a duplicate.",
                    failure.Location, failure.Method, failure.Path, failure.RetryAfter, failure);
            }
            if (found == null) return (null, failure);
            OmiseTrace.Write($"Found {found.Id}, created by the attempt whose answer was lost; adopting it instead of creating another");
            return (new CreateOutcome(found, LinkOrigin.Adopted, attempt), null);
        }

        /// <summary>
        /// The start of the span a look-up for this attempt searches: the attempt's start by the server's clock, less
        /// the clock margin. Kept while the attempt runs, so claims older than every open window can be dropped.
        /// </summary>
        private DateTime OpenWindow()
        {
            var since = _client.ServerUtcNow - ClockMargin;
            lock (_openWindows) _openWindows.Add(since);
            return since;
        }

        private void CloseWindow(DateTime since)
        {
            lock (_openWindows) _openWindows.Remove(since);
        }

        /// <summary>
        /// The look-up decides between adopting and sending again, so it gets the row's whole attempt budget on top of
        /// the client's own retries of each page: giving up here turns a row into an error.
        /// </summary>
        private async Task<Link?> LookUpWithRetriesAsync(LinkCreateRequest request, DateTime since, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await FindUnclaimedSinceAsync(request, since, cancellationToken).ConfigureAwait(false);
                }
                catch (OmiseApiException ex) when (ex.IsTransient && attempt < _retry.MaxAttempts)
                {
                    var delay = _retry.DelayBefore(attempt + 1, ex.RetryAfter);
                    OmiseTrace.Write($"Looking for the link of '{request.Title}' failed ({OmiseClient.Describe(ex)}); looking again in {delay.TotalMilliseconds:0} ms");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>The earliest link created since <paramref name="since"/> with the request's fields that no row has claimed; claimed on return.</summary>
        private async Task<Link?> FindUnclaimedSinceAsync(LinkCreateRequest request, DateTime since, CancellationToken cancellationToken)
        {
            var query = new ListQuery { From = since, Limit = ListQuery.MaxLimit, Order = ListOrder.Chronological };
            while (true)
            {
                var page = await _client.ListLinksAsync(query, cancellationToken).ConfigureAwait(false);
                foreach (var link in page.Data)
                    if (!link.Deleted && request.Matches(link) && TryClaim(link)) return link;
                if (page.Data.Count < query.Limit) return null;
                query.Offset += page.Data.Count;
            }
        }

        private async Task<Link?> TakeExistingAsync(string signature, CancellationToken cancellationToken)
        {
            Task<Dictionary<string, Queue<Link>>> index;
            lock (_existingGate) index = _existing ??= LoadExistingAsync(cancellationToken);
            var bySignature = await index.ConfigureAwait(false);
            lock (bySignature)
            {
                if (!bySignature.TryGetValue(signature, out var candidates)) return null;
                while (candidates.Count > 0)
                {
                    var link = candidates.Dequeue();
                    if (TryClaim(link)) return link;
                }
                return null;
            }
        }

        /// <summary>Every link of the account that is not deleted, by fields, oldest first: read once per run.</summary>
        private async Task<Dictionary<string, Queue<Link>>> LoadExistingAsync(CancellationToken cancellationToken)
        {
            var index = new Dictionary<string, Queue<Link>>(StringComparer.Ordinal);
            var query = new ListQuery { Limit = ListQuery.MaxLimit, Order = ListOrder.Chronological };
            var count = 0;
            while (true)
            {
                var page = await _client.ListLinksAsync(query, cancellationToken).ConfigureAwait(false);
                foreach (var link in page.Data)
                {
                    if (link.Deleted) continue;
                    var key = Signature(link.Amount, link.Currency, link.Title, link.Description, link.Multiple);
                    if (!index.TryGetValue(key, out var queue)) index[key] = queue = new Queue<Link>();
                    queue.Enqueue(link);
                    count++;
                }
                if (page.Data.Count < query.Limit) break;
                query.Offset += page.Data.Count;
            }
            OmiseTrace.Write($"-ReuseExisting: read {count} existing links to match rows against");
            return index;
        }

        /// <summary>How many link ids are held as claimed now (bounded: see PruneClaims).</summary>
        internal int ClaimCount
        {
            get { lock (_claimsGate) return _claimed.Count; }
        }

        private void Claim(Link link) => TryClaim(link);

        private bool TryClaim(Link link)
        {
            var id = IdHash(link.Id);
            lock (_claimsGate)
            {
                if (!_claimed.Add(id)) return false;
                _claimOrder.Enqueue((link.CreatedAt, id));
                if (++_claimsSincePrune % 64 == 0) PruneClaims();
                return true;
            }
        }

        /// <summary>Drops the claims no open look-up window, nor any window to come (they start later), can return.</summary>
        private void PruneClaims()
        {
            DateTime oldestWindow;
            lock (_openWindows)
                oldestWindow = _openWindows.Count == 0 ? _client.ServerUtcNow - ClockMargin : _openWindows.Min();
            // created_at has whole seconds and the server-clock estimate can move by a second between answers.
            var cutoff = oldestWindow - TimeSpan.FromSeconds(2);
            while (_claimOrder.Count > 0 && _claimOrder.Peek().CreatedAt < cutoff)
                _claimed.Remove(_claimOrder.Dequeue().Id);
        }

        private static ulong IdHash(string id)
        {
            var hash = 14695981039346656037UL; // FNV-1a, 64-bit
            foreach (var c in id)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }
            return hash;
        }

        private static string Signature(LinkCreateRequest r) => Signature(r.Amount, r.Currency, r.Title, r.Description, r.Multiple);

        private static string Signature(long amount, string currency, string title, string description, bool multiple) =>
            string.Concat(amount.ToString(System.Globalization.CultureInfo.InvariantCulture), "\u0001", currency.ToLowerInvariant(), "\u0001",
                multiple ? "m" : "s", "\u0001", title, "\u0001", description);
    }
}
