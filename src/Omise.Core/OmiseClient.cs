using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>When a failed call may be sent again.</summary>
    public enum RetryRule
    {
        /// <summary>Reads (GET): every transient failure is retried.</summary>
        Idempotent,
        /// <summary>Writes (POST, DELETE): retried only when the request certainly did not reach the server (refused connection, 429).</summary>
        IfNotSent,
        /// <summary>One attempt, whatever happens.</summary>
        Never,
    }

    /// <summary>
    /// How many attempts one piece of work may still send. A call takes one from it per request; a row's create shares
    /// one budget across the client's retries and the resends its reconciliation decides, so -MaxAttempts means one
    /// thing: requests sent, at most.
    /// </summary>
    public sealed class AttemptBudget
    {
        private int _used;

        public AttemptBudget(int max) => Max = Math.Max(1, max);

        public int Max { get; }
        public int Used => Volatile.Read(ref _used);
        public bool Exhausted => Used >= Max;

        internal int Take() => Interlocked.Increment(ref _used);
    }

    /// <summary>
    /// The one place that sends requests to the Omise API: base URI, Basic auth, Omise-Version, User-Agent,
    /// Idempotency-Key, form bodies, timeouts, the one retry loop, JSON in (checked complete), typed errors out.
    /// Thread-safe; one instance per session.
    /// </summary>
    public sealed class OmiseClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly OmiseClientOptions _options;
        private long _serverClockOffsetTicks;
        private volatile OmiseApiException? _keyRefused;
        private readonly bool _usesProxy;

        public OmiseClient(OmiseClientOptions options, HttpMessageHandler? handler = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            var loopback = ApiEndpoint.IsLoopback(options.BaseUri);
            var explicitProxy = options.Proxy == null ? null : new ExplicitProxy(options.Proxy, options.ProxyCredentials);
            _usesProxy = handler == null && (explicitProxy != null || (!loopback && TransportFailure.UsesProxy(options.BaseUri)));
            if (_usesProxy) Proxy = explicitProxy != null ? options.Proxy : SystemProxyFor(options.BaseUri);
            if (handler == null)
            {
                var http = new HttpClientHandler
                {
                    MaxConnectionsPerServer = options.MaxConnectionsPerServer,
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    // The system proxy never sees a loopback API address: it would receive the key of a local emulator in
                    // clear text. A proxy the caller names (Options.Proxy) is used for every request, loopback included.
                    UseProxy = explicitProxy != null || !loopback,
                    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                };
                if (explicitProxy != null) http.Proxy = explicitProxy;
                else if (options.ProxyCredentials != null && !loopback) http.DefaultProxyCredentials = options.ProxyCredentials;
                handler = http;
            }
            _http = new HttpClient(handler, disposeHandler: true)
            {
                BaseAddress = options.BaseUri,
                Timeout = System.Threading.Timeout.InfiniteTimeSpan, // each attempt has its own timeout below
            };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", options.SecretKey.BasicAuthorizationValue);
            _http.DefaultRequestHeaders.TryAddWithoutValidation("Omise-Version", OmiseClientOptions.ApiVersion);
            _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
            _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            // .NET Framework would hold every POST up to 350 ms waiting for a 100 Continue that never comes.
            _http.DefaultRequestHeaders.ExpectContinue = false;
        }

        public OmiseClientOptions Options => _options;

        /// <summary>The proxy requests go through: <see cref="OmiseClientOptions.Proxy"/>, or the system's; null when they go direct.</summary>
        public Uri? Proxy { get; }

        private static Uri? SystemProxyFor(Uri target)
        {
            try { return WebRequest.DefaultWebProxy?.GetProxy(target); }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is InvalidOperationException || ex is NotSupportedException) { return null; }
        }

        /// <summary>The server's clock minus ours, from the Date header of the last answer (zero before any).</summary>
        public TimeSpan ServerClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref _serverClockOffsetTicks));

        /// <summary>Now, by the server's clock as last seen.</summary>
        public DateTime ServerUtcNow => _options.TimeProvider.GetUtcNow().UtcDateTime + ServerClockOffset;

        /// <summary>The key's account: a cheap check of a key, answered within <see cref="RequestOptions.Within"/> (default: the call timeout) or failed.</summary>
        public Task<Account> GetAccountAsync(RequestOptions? options = null, CancellationToken cancellationToken = default) =>
            SendAsync<Account>(HttpMethod.Get, "account", null, RetryRule.Idempotent, options, cancellationToken);

        /// <summary>
        /// One create. Its Idempotency-Key (<see cref="RequestOptions.IdempotencyKey"/>, or a new one for this call) is the same for
        /// every attempt, so a server that honours it answers a repeat with the stored link. Retried here only when it certainly did
        /// not reach the server; an ambiguous failure is thrown for the caller to reconcile (see <see cref="LinkCreator"/>), which
        /// passes the row's key so its resends are answered by the same link.
        /// </summary>
        public Task<Link> CreateLinkAsync(LinkCreateRequest request, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
            SendAsync<Link>(HttpMethod.Post, "links", FormEncoder.Encode(request.ToForm()), RetryRule.IfNotSent, options, cancellationToken);

        public Task<Link> GetLinkAsync(string id, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
            SendAsync<Link>(HttpMethod.Get, "links/" + LinkPath(id), null, RetryRule.Idempotent, options, cancellationToken);

        public Task<Link> DeleteLinkAsync(string id, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
            SendAsync<Link>(HttpMethod.Delete, "links/" + LinkPath(id), null, RetryRule.IfNotSent, options, cancellationToken);

        public Task<OmiseList<Link>> ListLinksAsync(ListQuery query, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
            SendAsync<OmiseList<Link>>(HttpMethod.Get, "links" + query.ToQueryString(), null, RetryRule.Idempotent, options, cancellationToken);

        public Task<OmiseList<Charge>> ListLinkChargesAsync(string id, ListQuery query, RequestOptions? options = null,
            CancellationToken cancellationToken = default) =>
            SendAsync<OmiseList<Charge>>(HttpMethod.Get, "links/" + LinkPath(id) + "/charges" + query.ToQueryString(), null, RetryRule.Idempotent,
                options, cancellationToken);

        public Task<OmiseSearchResult<Link>> SearchLinksAsync(SearchQuery query, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
            SendAsync<OmiseSearchResult<Link>>(HttpMethod.Get, "search" + query.ToQueryString("link"), null, RetryRule.Idempotent, options, cancellationToken);

        /// <summary>
        /// The one retry loop. Each attempt takes one from the options' budget (default: their MaxAttempts, else the session's,
        /// for this call alone); a failure is retried when it is transient, the rule allows it, the budget and the call's time
        /// (<see cref="RequestOptions.Within"/>, else <see cref="OmiseClientOptions.CallTimeout"/>) are not spent. Backoff with
        /// jitter; Retry-After honoured up to the cap. Every POST carries an Idempotency-Key, the same on each attempt.
        /// </summary>
        public async Task<T> SendAsync<T>(HttpMethod method, string relativePath, string? formBody, RetryRule rule,
            RequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            var policy = _options.Retry;
            var budget = options?.Budget ?? new AttemptBudget(options?.MaxAttempts ?? policy.MaxAttempts);
            var callTimeout = options?.Within ?? _options.CallTimeout;
            var idempotencyKey = method == HttpMethod.Post ? options?.IdempotencyKey ?? Guid.NewGuid().ToString() : null;
            var time = _options.TimeProvider;
            var started = time.GetTimestamp();
            var gate = options?.Gate;
            var label = options?.Label is string named ? named + ": " : "";
            while (true)
            {
                var attempt = budget.Take();
                try
                {
                    if (gate != null) await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        options?.BeforeSend?.Invoke();
                        var left = callTimeout - time.GetElapsedTime(started);
                        var timeout = left < _options.Timeout ? left : _options.Timeout;
                        return await SendOnceAsync<T>(method, relativePath, formBody, idempotencyKey, timeout, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate?.Release();
                    }
                }
                catch (OmiseApiException ex) when (ex.IsTransient && Allows(rule, ex) && !budget.Exhausted)
                {
                    var delay = policy.DelayBefore(attempt + 1, ex.RetryAfter);
                    if (time.GetElapsedTime(started) + delay + MinimumAttemptTime >= callTimeout) throw;
                    OmiseTrace.Write($"{label}{method} /{StripQuery(relativePath)} failed ({Describe(ex)}); attempt {attempt + 1} of {budget.Max} in {delay.TotalMilliseconds:0} ms");
                    await time.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static readonly TimeSpan MinimumAttemptTime = TimeSpan.FromSeconds(1);

        private static bool Allows(RetryRule rule, OmiseApiException ex) =>
            rule == RetryRule.Idempotent || (rule == RetryRule.IfNotSent && !ex.ServerMayHaveActed);

        /// <summary>Exactly one HTTP exchange, headers and body within <paramref name="timeout"/>. Throws <see cref="OmiseApiException"/> or OperationCanceledException.</summary>
        private async Task<T> SendOnceAsync<T>(HttpMethod method, string relativePath, string? formBody, string? idempotencyKey,
            TimeSpan timeout, CancellationToken cancellationToken)
        {
            var path = StripQuery(relativePath);
            var refused = _keyRefused;
            if (refused != null)
                throw new OmiseApiException(OmiseFailureKind.Api, 401, refused.Code, refused.Message + " (nothing more is sent with this key)",
                    refused.Location, method.Method, "/" + path);
            var time = _options.TimeProvider;
            using var timedOut = time.CreateCancellationTokenSource(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
            var started = time.GetTimestamp();
            using var request = new HttpRequestMessage(method, relativePath);
            if (formBody != null)
                request.Content = new StringContent(formBody, Encoding.UTF8, "application/x-www-form-urlencoded");
            if (idempotencyKey != null)
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);

            HttpResponseMessage response;
            try
            {
                // ResponseContentRead: the body is read under the same timeout, so a server that trickles it cannot hold a call.
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex)
            {
                throw new OmiseApiException(OmiseFailureKind.Timeout, null, "timeout",
                    $"No complete answer from the Omise API within {timeout.TotalSeconds:0.#} s ({method} /{path}).",
                    method: method.Method, path: "/" + path, inner: ex);
            }
            catch (HttpRequestException ex)
            {
                var failure = TransportFailure.Classify(ex);
                throw new OmiseApiException(failure.Kind, null, failure.Code,
                    (failure.RequestNotSent ? "Could not connect to the Omise API" : "The connection to the Omise API broke before an answer arrived")
                        + $" ({method} /{path}{Via(failure)}): {failure.Description}: {Redact(Innermost(ex).Message)}",
                    method: method.Method, path: "/" + path, inner: Redacted(ex));
            }

            using (response)
            {
                RecordServerClock(response);
                var bytes = await ReadBodyAsync(response, method, path).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                OmiseTrace.Write(Redact($"{method} /{path} -> {status} in {time.GetElapsedTime(started).TotalMilliseconds:0} ms{RequestIdSuffix(response)}"));
                if (status >= 200 && status < 300) return Read<T>(bytes, status, method, path, _options.SecretKey);
                var error = ToApiException(response, bytes, method, path, _usesProxy, _options.SecretKey, time.GetUtcNow());
                if (error.IsKeyRefused) _keyRefused = error;
                throw error;
            }
        }

        /// <summary>The answer's object, or an invalid-response failure when the body is not a complete object of that type.</summary>
        private static T Read<T>(byte[] bytes, int status, HttpMethod method, string path, SecretKey key)
        {
            string problem;
            Exception? inner = null;
            try
            {
                var value = JsonSerializer.Deserialize<T>(bytes, OmiseJson.Options);
                if (value == null) problem = "an empty body";
                else if (value is IApiObject checkable && checkable.Problem() is string p) problem = p;
                else return value;
            }
            catch (JsonException ex)
            {
                problem = "JSON this module cannot read: " + ex.Message;
                inner = ex;
            }
            catch (FormatException ex)
            {
                problem = "a value this module cannot read: " + ex.Message;
                inner = ex;
            }
            throw new OmiseApiException(OmiseFailureKind.InvalidResponse, status, "invalid_response",
                key.Redact($"The Omise API answered {method} /{path} with {status} but {problem}.")!,
                method: method.Method, path: "/" + path, inner: Redacted(inner, key));
        }

        private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, HttpMethod method, string path)
        {
            try
            {
                return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
            {
                var failure = TransportFailure.Classify(ex, responseStarted: true);
                throw new OmiseApiException(failure.Kind, (int)response.StatusCode, failure.Code,
                    $"The connection to the Omise API broke while reading the answer ({method} /{path}): {failure.Description}.",
                    method: method.Method, path: "/" + path, inner: ex);
            }
        }

        /// <summary>
        /// The error for a non-2xx answer. Every text the server (or a hop) supplied is redacted with <paramref name="key"/>:
        /// a server that echoes the Authorization header must not put the key into errors, transcripts or $Error.
        /// </summary>
        internal static OmiseApiException ToApiException(HttpResponseMessage response, byte[] body, HttpMethod method, string path,
            bool throughProxy, SecretKey key, DateTimeOffset now)
        {
            var status = (int)response.StatusCode;
            ErrorBody? error = null;
            try { error = JsonSerializer.Deserialize<ErrorBody>(body, OmiseJson.Options); }
            catch (JsonException) { }
            // A proxy's own answer (407, or an error page without an Omise body) is a network problem, not an Omise refusal.
            var proxy = TransportFailure.FromResponse(status, error?.Code != null, throughProxy);
            if (proxy != null)
                return new OmiseApiException(proxy.Kind, status, proxy.Code, $"{proxy.Description} ({method} /{path}, HTTP {status}).",
                    method: method.Method, path: "/" + path);
            var code = key.Redact(error?.Code) ?? (status == 429 ? "rate_limited" : status >= 500 ? "server_error" : "http_" + status);
            var message = !string.IsNullOrEmpty(error?.Message)
                ? error!.Message!
                : status == 429 ? "Too many requests: the Omise API is rate limiting this key."
                : $"The Omise API answered {status} {response.ReasonPhrase}.";
            return new OmiseApiException(OmiseFailureKind.Api, status, code, key.Redact(message)!, key.Redact(error?.Location),
                method.Method, "/" + path, RetryAfterOf(response, now));
        }

        /// <param name="now">Our clock's now, for a Retry-After given as a date.</param>
        private static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now)
        {
            var header = response.Headers.RetryAfter;
            if (header == null) return null;
            if (header.Delta.HasValue) return header.Delta;
            if (header.Date.HasValue) return header.Date.Value - now;
            return null;
        }

        private void RecordServerClock(HttpResponseMessage response)
        {
            var date = response.Headers.Date;
            if (!date.HasValue) return;
            // Date has whole seconds; the offset is as good as that, which is what created_at has too.
            var offset = date.Value.UtcDateTime - _options.TimeProvider.GetUtcNow().UtcDateTime;
            if (Math.Abs(offset.TotalSeconds) < 1.5) offset = TimeSpan.Zero;
            Interlocked.Exchange(ref _serverClockOffsetTicks, offset.Ticks);
        }

        private static string RequestIdSuffix(HttpResponseMessage response)
        {
            foreach (var name in new[] { "X-Request-Id", "Omise-Request-Id" })
                if (response.Headers.TryGetValues(name, out var values))
                    return " (request id " + values.FirstOrDefault() + ")";
            return string.Empty;
        }

        private string Redact(string text) => _options.SecretKey.Redact(text)!;

        /// <summary>The inner exception to keep, or null when its messages hold the key (a server's text may).</summary>
        private Exception? Redacted(Exception? inner) => Redacted(inner, _options.SecretKey);

        private static Exception? Redacted(Exception? inner, SecretKey key)
        {
            for (var e = inner; e != null; e = e.InnerException)
                if (key.Redact(e.Message) != e.Message) return null;
            return inner;
        }

        /// <summary>" through the proxy http://proxy:3128/" when an explicit proxy carries the requests.</summary>
        private string Via(TransportFailure failure) =>
            _options.Proxy != null && failure.RequestNotSent ? " through the proxy " + ExplicitProxy.Describe(_options.Proxy) : string.Empty;

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        internal static string Describe(OmiseApiException ex) =>
            ex.StatusCode.HasValue ? $"{ex.StatusCode} {ex.Code}" : ex.Code ?? ex.Kind.ToString();

        private static string StripQuery(string relativePath)
        {
            var q = relativePath.IndexOf('?');
            return q < 0 ? relativePath : relativePath.Substring(0, q);
        }

        /// <summary>Only a well-formed link id reaches the path: '.', '..' or '../account' never become another endpoint.</summary>
        internal static string LinkPath(string id)
        {
            var trimmed = id?.Trim();
            var why = Identifiers.WhyNotLinkId(trimmed);
            if (why != null) throw new ArgumentException(why, nameof(id));
            return trimmed!;
        }

        public void Dispose() => _http.Dispose();
    }
}
