using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>
    /// Settles a create whose answer was lost (timeout, broken connection, 5xx, a 200 that is not a link): finds the link
    /// the attempt may have created, so it is adopted instead of created again. Keeps the claims (link ids already given to
    /// a row of this run) so no link is ever handed to two rows. Thread-safe; one instance per run.
    /// </summary>
    internal sealed class Reconciler
    {
        // Link timestamps have whole seconds and the server clock is known to about a second (Date header).
        private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(3);
        private static readonly TimeSpan LongestSettle = TimeSpan.FromSeconds(60);
        // Looks during the settle interval: soon after the miss (a late store usually lands within a second or two), then
        // less often, so a long interval costs a few reads, not one every half second.
        private static readonly TimeSpan FirstLookAgain = TimeSpan.FromMilliseconds(500);
        private static readonly TimeSpan LongestLookAgain = TimeSpan.FromSeconds(2);

        private readonly OmiseClient _client;
        private readonly TimeSpan _settle;
        private readonly RequestOptions _reads;
        // A claim matters only while some look-up window could still return its link: claims older than every open
        // window (and every window to come, which starts later) are dropped, so memory stays flat however many rows.
        private readonly List<DateTime> _openWindows = new List<DateTime>();
        private readonly object _claimsGate = new object();
        private readonly HashSet<string> _claimed = new HashSet<string>(StringComparer.Ordinal);
        private readonly Queue<(DateTime CreatedAt, string Id)> _claimOrder = new Queue<(DateTime, string)>();
        private long _claimsSincePrune;

        /// <param name="reads">Attempts per look-up page and the run's request slots.</param>
        public Reconciler(OmiseClient client, TimeSpan settle, RequestOptions reads)
        {
            _client = client;
            _settle = settle;
            _reads = reads;
        }

        /// <summary>How many link ids are held as claimed now (bounded: see PruneClaims).</summary>
        public int ClaimCount
        {
            get { lock (_claimsGate) return _claimed.Count; }
        }

        /// <summary>
        /// The start of the span a look-up for this row searches: the row's first attempt by the server's clock, less the
        /// clock margin. Kept open while the row runs, so claims older than every open window can be dropped.
        /// </summary>
        public DateTime OpenWindow()
        {
            var since = _client.ServerUtcNow - ClockMargin;
            lock (_openWindows) _openWindows.Add(since);
            return since;
        }

        public void CloseWindow(DateTime since)
        {
            lock (_openWindows) _openWindows.Remove(since);
        }

        /// <summary>
        /// Looks for the row's link at once; if there is none, keeps looking through the settle interval, because a server can
        /// store a link after it answered 502 or after the client gave up waiting. The interval is the settle interval, or as
        /// long as the failed attempt itself ran when that is longer (a server that needed that long may need it again), or
        /// the Retry-After the server asked for, at most 60 s. A link that lands meanwhile is adopted at the next look (0.5 s
        /// after the first, then 1 s, then every 2 s, and once more at the end), so the row waits the whole interval only
        /// when no link comes. Null when the link does not exist at the end.
        /// </summary>
        public async Task<Link?> FindAsync(LinkCreateRequest request, DateTime since, OmiseApiException failure, TimeSpan attemptTook,
            string rowName, CancellationToken cancellationToken)
        {
            var found = await LookUpAsync(request, since, failure, rowName, cancellationToken).ConfigureAwait(false);
            if (found != null) return found;
            var settle = Longest(_settle, attemptTook < _client.Options.Timeout ? attemptTook : _client.Options.Timeout, failure.RetryAfter ?? TimeSpan.Zero);
            if (settle > LongestSettle) settle = LongestSettle;
            OmiseTrace.Write($"{rowName}: no link yet; looking again for up to {settle.TotalSeconds:0.#} s, as a server can store a link after it failed to answer");
            var time = _client.Options.TimeProvider;
            var started = time.GetTimestamp();
            var step = FirstLookAgain;
            while (true)
            {
                var left = settle - time.GetElapsedTime(started);
                var wait = step < left ? step : left;
                if (wait > TimeSpan.Zero) await time.Delay(wait, cancellationToken).ConfigureAwait(false);
                found = await LookUpAsync(request, since, failure, rowName, cancellationToken).ConfigureAwait(false);
                if (found != null || time.GetElapsedTime(started) >= settle) return found;
                step = step + step < LongestLookAgain ? step + step : LongestLookAgain;
            }
        }

        private static TimeSpan Longest(params TimeSpan[] spans) => spans.Max();

        /// <summary>The earliest unclaimed link created since <paramref name="since"/> with the request's fields; claimed on return.</summary>
        private async Task<Link?> LookUpAsync(LinkCreateRequest request, DateTime since, OmiseApiException failure, string rowName,
            CancellationToken cancellationToken)
        {
            try
            {
                var pager = LinkPaging.Links(_client, new LinkListFilter { From = since, Order = ListOrder.Chronological }, new PageWindow(), _reads.ForRead(rowName));
                while (pager.HasMore)
                    foreach (var link in await pager.NextPageAsync(cancellationToken).ConfigureAwait(false))
                        if (LinkSignature.Matches(request, link) && TryClaim(link)) return link;
                return null;
            }
            catch (OmiseApiException lookupFailure)
            {
                const string Settle = "nothing was sent again. Run the same input with -ReuseExisting to settle it without a duplicate.";
                // A refused key (or proxy credentials) keeps its own status and code, so the cmdlets' one path for it
                // (OmiseCmdlet.WriteApiError) ends the run instead of reporting the create's 5xx row after row.
                if (lookupFailure.IsKeyRefused || lookupFailure.IsProxyAuthenticationRequired)
                    throw new OmiseApiException(lookupFailure.Kind, lookupFailure.StatusCode, lookupFailure.Code,
                        $"{failure.Message} The link may or may not have been created, and looking for it was refused ({lookupFailure.Message}); " + Settle,
                        lookupFailure.Location, lookupFailure.Method, lookupFailure.Path, lookupFailure.RetryAfter, failure);
                throw new OmiseApiException(failure.Kind, failure.StatusCode, failure.Code,
                    $"{failure.Message} The link may or may not have been created, and looking for it failed too ({lookupFailure.Message}); " + Settle,
                    failure.Location, failure.Method, failure.Path, failure.RetryAfter, failure);
            }
        }

        public bool TryClaim(Link link)
        {
            lock (_claimsGate)
            {
                if (!_claimed.Add(link.Id)) return false;
                _claimOrder.Enqueue((link.CreatedAt, link.Id));
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
    }
}
