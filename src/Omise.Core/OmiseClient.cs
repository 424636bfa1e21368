using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>
    /// The one place that sends requests to the Omise API: base URI, Basic auth, Omise-Version,
    /// User-Agent, form bodies, timeouts, retries of what is safe to retry, JSON in, typed errors out.
    /// Thread-safe; one instance per session.
    /// </summary>
    public sealed class OmiseClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly OmiseClientOptions _options;
        private long _serverClockOffsetTicks;

        public OmiseClient(OmiseClientOptions options, HttpMessageHandler? handler = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            handler ??= new HttpClientHandler
            {
                MaxConnectionsPerServer = options.MaxConnectionsPerServer,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
            _http = new HttpClient(handler, disposeHandler: true)
            {
                BaseAddress = options.BaseUri,
                Timeout = System.Threading.Timeout.InfiniteTimeSpan, // each attempt has its own timeout below
            };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", options.SecretKey.BasicAuthorizationValue);
            _http.DefaultRequestHeaders.TryAddWithoutValidation("Omise-Version", OmiseClientOptions.ApiVersion);
            _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
            _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        public OmiseClientOptions Options => _options;

        /// <summary>The server's clock minus ours, from the Date header of the last answer (zero before any).</summary>
        public TimeSpan ServerClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref _serverClockOffsetTicks));

        /// <summary>Now, by the server's clock as last seen.</summary>
        public DateTime ServerUtcNow => DateTime.UtcNow + ServerClockOffset;

        public Task<Account> GetAccountAsync(CancellationToken cancellationToken = default) =>
            SendAsync<Account>(HttpMethod.Get, "account", null, idempotent: true, cancellationToken);

        /// <summary>
        /// One create. Retried only when the request certainly did not reach the server (429, connection refused):
        /// the API has no idempotency key, so anything else is the caller's to reconcile.
        /// </summary>
        public Task<Link> CreateLinkAsync(LinkCreateRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<Link>(HttpMethod.Post, "links", request.ToForm(), idempotent: false, cancellationToken);

        public Task<Link> GetLinkAsync(string id, CancellationToken cancellationToken = default) =>
            SendAsync<Link>(HttpMethod.Get, "links/" + PathSegment(id), null, idempotent: true, cancellationToken);

        public Task<Link> DeleteLinkAsync(string id, CancellationToken cancellationToken = default) =>
            SendAsync<Link>(HttpMethod.Delete, "links/" + PathSegment(id), null, idempotent: false, cancellationToken);

        public Task<OmiseList<Link>> ListLinksAsync(ListQuery query, CancellationToken cancellationToken = default) =>
            SendAsync<OmiseList<Link>>(HttpMethod.Get, "links" + query.ToQueryString(), null, idempotent: true, cancellationToken);

        public Task<OmiseList<Charge>> ListLinkChargesAsync(string id, ListQuery query, CancellationToken cancellationToken = default) =>
            SendAsync<OmiseList<Charge>>(HttpMethod.Get, "links/" + PathSegment(id) + "/charges" + query.ToQueryString(), null, idempotent: true, cancellationToken);

        public Task<OmiseSearchResult<Link>> SearchLinksAsync(SearchQuery query, CancellationToken cancellationToken = default) =>
            SendAsync<OmiseSearchResult<Link>>(HttpMethod.Get, "search" + query.ToQueryString("link"), null, idempotent: true, cancellationToken);

        /// <summary>
        /// Sends one call with the retry policy. <paramref name="idempotent"/> calls retry every transient failure;
        /// the others only failures that certainly did not reach the server.
        /// </summary>
        public async Task<T> SendAsync<T>(HttpMethod method, string relativePath, IEnumerable<KeyValuePair<string, string>>? form,
            bool idempotent, CancellationToken cancellationToken)
        {
            var policy = _options.Retry;
            var body = form == null ? null : FormEncoder.Encode(form);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await SendOnceAsync<T>(method, relativePath, body, cancellationToken).ConfigureAwait(false);
                }
                catch (OmiseApiException ex) when (attempt < policy.MaxAttempts && ex.IsTransient && (idempotent || !ex.ServerMayHaveActed))
                {
                    var delay = policy.DelayBefore(attempt + 1, ex.RetryAfter);
                    OmiseTrace.Write($"{method} /{StripQuery(relativePath)} failed ({Describe(ex)}); attempt {attempt + 1} of {policy.MaxAttempts} in {delay.TotalMilliseconds:0} ms");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Exactly one HTTP exchange: no retry. Throws <see cref="OmiseApiException"/> or OperationCanceledException.</summary>
        public async Task<T> SendOnceAsync<T>(HttpMethod method, string relativePath, string? formBody, CancellationToken cancellationToken)
        {
            var path = StripQuery(relativePath);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            var watch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(method, relativePath);
            if (formBody != null)
                request.Content = new StringContent(formBody, Encoding.UTF8, "application/x-www-form-urlencoded");

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex)
            {
                throw new OmiseApiException(OmiseFailureKind.Timeout, null, "timeout",
                    $"No answer from the Omise API within {_options.Timeout.TotalSeconds:0} s ({method} /{path}).",
                    method: method.Method, path: "/" + path, inner: ex);
            }
            catch (HttpRequestException ex)
            {
                var refused = IsConnectFailure(ex);
                throw new OmiseApiException(refused ? OmiseFailureKind.ConnectionRefused : OmiseFailureKind.ConnectionLost, null,
                    refused ? "connection_refused" : "connection_lost",
                    (refused ? "Could not connect to the Omise API" : "The connection to the Omise API broke before an answer arrived")
                        + $" ({method} /{path}): {Innermost(ex).Message}",
                    method: method.Method, path: "/" + path, inner: ex);
            }

            using (response)
            {
                RecordServerClock(response);
                var bytes = await ReadBodyAsync(response, method, path).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                OmiseTrace.Write($"{method} /{path} -> {status} in {watch.ElapsedMilliseconds} ms{RequestIdSuffix(response)}");
                if (status >= 200 && status < 300)
                {
                    try
                    {
                        return JsonSerializer.Deserialize<T>(bytes, OmiseJson.Options)
                            ?? throw new JsonException("empty body");
                    }
                    catch (JsonException ex)
                    {
                        throw new OmiseApiException(OmiseFailureKind.InvalidResponse, status, "invalid_response",
                            $"The Omise API answered {method} /{path} with JSON this module cannot read: {ex.Message}",
                            method: method.Method, path: "/" + path, inner: ex);
                    }
                }
                throw ToApiException(response, bytes, method, path);
            }
        }

        private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, HttpMethod method, string path)
        {
            try
            {
                return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
            {
                throw new OmiseApiException(OmiseFailureKind.ConnectionLost, (int)response.StatusCode, "connection_lost",
                    $"The connection to the Omise API broke while reading the answer ({method} /{path}).",
                    method: method.Method, path: "/" + path, inner: ex);
            }
        }

        internal static OmiseApiException ToApiException(HttpResponseMessage response, byte[] body, HttpMethod method, string path)
        {
            var status = (int)response.StatusCode;
            ErrorBody? error = null;
            try { error = JsonSerializer.Deserialize<ErrorBody>(body, OmiseJson.Options); }
            catch (JsonException) { }
            var code = error?.Code ?? (status == 429 ? "rate_limited" : status >= 500 ? "server_error" : "http_" + status);
            var message = !string.IsNullOrEmpty(error?.Message)
                ? error!.Message!
                : status == 429 ? "Too many requests: the Omise API is rate limiting this key."
                : $"The Omise API answered {status} {response.ReasonPhrase}.";
            return new OmiseApiException(OmiseFailureKind.Api, status, code, message, error?.Location,
                method.Method, "/" + path, RetryAfterOf(response));
        }

        private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header == null) return null;
            if (header.Delta.HasValue) return header.Delta;
            if (header.Date.HasValue) return header.Date.Value - DateTimeOffset.UtcNow;
            return null;
        }

        private void RecordServerClock(HttpResponseMessage response)
        {
            var date = response.Headers.Date;
            if (!date.HasValue) return;
            // Date has whole seconds; the offset is as good as that, which is what created_at has too.
            var offset = date.Value.UtcDateTime - DateTime.UtcNow;
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

        private static bool IsConnectFailure(Exception ex)
        {
            for (Exception? e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException se)
                    return se.SocketErrorCode == SocketError.ConnectionRefused || se.SocketErrorCode == SocketError.HostNotFound
                        || se.SocketErrorCode == SocketError.HostUnreachable || se.SocketErrorCode == SocketError.NetworkUnreachable
                        || se.SocketErrorCode == SocketError.TryAgain || se.SocketErrorCode == SocketError.NoData;
                if (e is WebException we)
                    return we.Status == WebExceptionStatus.ConnectFailure || we.Status == WebExceptionStatus.NameResolutionFailure;
            }
            return false;
        }

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

        /// <summary>Ids go into the path escaped, so no id can reach another endpoint.</summary>
        internal static string PathSegment(string id)
        {
            if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("The link id is empty.", nameof(id));
            return Uri.EscapeDataString(id.Trim());
        }

        public void Dispose() => _http.Dispose();
    }
}
