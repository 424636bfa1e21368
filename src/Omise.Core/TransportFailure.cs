using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;

namespace Omise.Core
{
    /// <summary>What broke on the way to the API, in the terms a retry decision needs.</summary>
    public enum TransportFailureReason
    {
        /// <summary>Nothing more specific is knowable: treated as possibly sent.</summary>
        Unknown,
        NameResolution,
        ProxyNameResolution,
        ConnectionRefused,
        HostUnreachable,
        ConnectTimeout,
        TlsHandshake,
        CertificateNotTrusted,
        ProxyTunnel,
        ProxyAuthenticationRequired,
        /// <summary>A proxy answered instead of the API (no Omise error body).</summary>
        ProxyError,
        ConnectionReset,
        ConnectionClosed,
        SendFailed,
        ReceiveFailed,
        InvalidResponse,
        Timeout,
        Canceled,
    }

    /// <summary>
    /// Classifies a failed HTTP exchange the same way on .NET Framework (Windows PowerShell 5.1: HttpRequestException
    /// wrapping WebException) and on .NET (PowerShell 7: HttpRequestException wrapping SocketException, IOException or
    /// AuthenticationException, with HttpRequestError on .NET 8 and later). Pure: it reads the exception and nothing else.
    /// The one question that matters for money: could the request have reached the server? Only failures that happen
    /// before a single byte of the request can leave (name resolution, connect, TLS handshake, a proxy refusing us) say
    /// <see cref="RequestNotSent"/>; everything else, and everything unrecognised, is "may have reached it".
    /// </summary>
    public sealed class TransportFailure
    {
        private TransportFailure(TransportFailureReason reason, bool requestNotSent, string description)
        {
            Reason = reason;
            RequestNotSent = requestNotSent;
            Description = description;
        }

        public TransportFailureReason Reason { get; }

        /// <summary>True only when the request certainly did not reach the server, so a create may be sent again blindly.</summary>
        public bool RequestNotSent { get; }

        /// <summary>A few words for a person: "DNS name not resolved", "TLS handshake failed", ...</summary>
        public string Description { get; }

        /// <summary>True for a timeout or cancellation after the request may have left (not for a connect timeout).</summary>
        public bool IsTimeout => Reason == TransportFailureReason.Timeout || Reason == TransportFailureReason.Canceled;

        /// <summary>
        /// The <see cref="OmiseFailureKind"/> this failure is in the core's terms: ConnectionRefused when nothing was sent,
        /// Timeout for a timeout after sending, ConnectionLost otherwise.
        /// </summary>
        public OmiseFailureKind Kind =>
            RequestNotSent ? OmiseFailureKind.ConnectionRefused : IsTimeout ? OmiseFailureKind.Timeout : OmiseFailureKind.ConnectionLost;

        /// <summary>The Omise-style code for an error record ("proxy_authentication_required" becomes ProxyAuthenticationRequired).</summary>
        public string Code => Reason == TransportFailureReason.ProxyAuthenticationRequired ? "proxy_authentication_required"
            : RequestNotSent ? "connection_refused" : IsTimeout ? "timeout" : "connection_lost";

        public override string ToString() => Description + (RequestNotSent ? " (request not sent)" : " (request may have reached the server)");

        /// <summary>
        /// Classifies what HttpClient.SendAsync, or the read of the response body, threw.
        /// <paramref name="responseStarted"/>: true when the failure came while reading a response that had begun to arrive
        /// (the server has the request by then, whatever the exception says).
        /// </summary>
        public static TransportFailure Classify(Exception exception, bool responseStarted = false)
        {
            if (exception == null) throw new ArgumentNullException(nameof(exception));
            var failure = ClassifyChain(exception);
            if (responseStarted && failure.RequestNotSent)
                return new TransportFailure(TransportFailureReason.ReceiveFailed, false, "the connection broke while the answer was read");
            return failure;
        }

        private static TransportFailure ClassifyChain(Exception exception)
        {
            // 1. Timeouts and cancellation: the per-attempt token or HttpClient.Timeout fired; nothing says at which stage.
            //    (A SocketsHttpHandler.ConnectTimeout would also surface as TaskCanceledException + TimeoutException on .NET;
            //    the core uses HttpClientHandler, which has no connect timeout of its own, so it is not told apart.)
            for (var e = exception; e != null; e = e.InnerException)
            {
                if (e is OperationCanceledException)
                    return HasInner<TimeoutException>(e)
                        ? Sent(TransportFailureReason.Timeout, "no answer in time")
                        : Sent(TransportFailureReason.Canceled, "the request was canceled");
                if (e is TimeoutException) return Sent(TransportFailureReason.Timeout, "no answer in time");
            }

            // 2. .NET Framework: WebException.Status says at which stage HttpWebRequest failed.
            for (var e = exception; e != null; e = e.InnerException)
                if (e is WebException web)
                {
                    var byStatus = FromWebStatus(web.Status, web.InnerException);
                    if (byStatus != null) return byStatus;
                    break; // UnknownError and the like: read the inner exceptions below
                }

            // 3. .NET 8 and later: HttpRequestError on HttpRequestException (or HttpIOException), read by reflection because
            //    the core targets netstandard2.0.
            for (var e = exception; e != null; e = e.InnerException)
            {
                var byError = FromHttpRequestError(HttpRequestErrorName(e));
                if (byError == null) continue;
                // ConnectionError: the inner SocketException, when there is one, says refused, unreachable or timed out.
                var socket = byError.Reason == TransportFailureReason.ConnectionRefused ? FindInner<SocketException>(e.InnerException) : null;
                return socket != null ? FromSocketAtConnect(socket.SocketErrorCode) : byError;
            }

            // 4. The shape of the chain, the same on every runtime: a TLS failure is an AuthenticationException; a connect
            //    failure is a SocketException wrapped directly (connect happens outside any stream); a failure to read or
            //    write an open connection is an IOException (NetworkStream wraps its SocketException in one).
            var sawIo = false;
            for (var e = exception; e != null; e = e.InnerException)
            {
                if (e is AuthenticationException)
                    return NotSent(TransportFailureReason.TlsHandshake, "TLS handshake failed");
                if (e is SocketException socket)
                    return sawIo ? FromSocketAfterConnect(socket.SocketErrorCode) : FromSocketAtConnect(socket.SocketErrorCode);
                if (e is IOException) sawIo = true;
            }
            if (sawIo) return Sent(TransportFailureReason.ConnectionClosed, "the connection closed before the answer arrived");
            if (exception is HttpRequestException && exception.InnerException == null)
                return Sent(TransportFailureReason.InvalidResponse, "the answer could not be read");
            return Sent(TransportFailureReason.Unknown, "network failure");
        }

        /// <summary>
        /// What a WebException status means (.NET Framework's HttpWebRequest, under HttpClient on Windows PowerShell 5.1).
        /// Null when the status says nothing about the stage.
        /// </summary>
        internal static TransportFailure? FromWebStatus(WebExceptionStatus status, Exception? inner)
        {
            switch (status)
            {
                case WebExceptionStatus.NameResolutionFailure:
                    return NotSent(TransportFailureReason.NameResolution, "DNS name not resolved");
                case WebExceptionStatus.ProxyNameResolutionFailure:
                    return NotSent(TransportFailureReason.ProxyNameResolution, "proxy name not resolved");
                case WebExceptionStatus.ConnectFailure:
                    // "Unable to connect to the remote server": the inner SocketException says why, when there is one.
                    var socket = FindInner<SocketException>(inner);
                    return socket != null
                        ? FromSocketAtConnect(socket.SocketErrorCode)
                        : NotSent(TransportFailureReason.ConnectionRefused, "could not connect");
                case WebExceptionStatus.SecureChannelFailure:
                    return NotSent(TransportFailureReason.TlsHandshake, "TLS handshake failed");
                case WebExceptionStatus.TrustFailure:
                    return NotSent(TransportFailureReason.CertificateNotTrusted, "TLS handshake failed: server certificate not trusted");
                case WebExceptionStatus.RequestProhibitedByProxy:
                    return NotSent(TransportFailureReason.ProxyTunnel, "the proxy refused the request");
                case WebExceptionStatus.ConnectionClosed:
                    return Sent(TransportFailureReason.ConnectionClosed, "the connection closed before the answer arrived");
                case WebExceptionStatus.KeepAliveFailure:
                    return Sent(TransportFailureReason.ConnectionClosed, "a kept-alive connection closed unexpectedly");
                case WebExceptionStatus.SendFailure:
                    // May be a stale connection or a handshake cut short (no TLS 1.2): nothing says the server got nothing.
                    return FindInner<AuthenticationException>(inner) != null
                        ? NotSent(TransportFailureReason.TlsHandshake, "TLS handshake failed")
                        : Sent(TransportFailureReason.SendFailed, "the request could not be sent completely");
                case WebExceptionStatus.ReceiveFailure:
                    return Sent(TransportFailureReason.ReceiveFailed, "the connection broke while waiting for the answer");
                case WebExceptionStatus.PipelineFailure:
                    return Sent(TransportFailureReason.ConnectionClosed, "the connection broke (pipelining)");
                case WebExceptionStatus.ServerProtocolViolation:
                case WebExceptionStatus.MessageLengthLimitExceeded:
                    return Sent(TransportFailureReason.InvalidResponse, "the answer was not valid HTTP");
                case WebExceptionStatus.Timeout:
                    return Sent(TransportFailureReason.Timeout, "no answer in time");
                case WebExceptionStatus.RequestCanceled:
                    return Sent(TransportFailureReason.Canceled, "the request was canceled");
                default:
                    return null;
            }
        }

        /// <summary>What .NET 8's HttpRequestError means; null for Unknown, for no such property, or for a value not known here.</summary>
        internal static TransportFailure? FromHttpRequestError(string? name)
        {
            switch (name)
            {
                case "NameResolutionError": return NotSent(TransportFailureReason.NameResolution, "DNS name not resolved");
                case "ConnectionError": return NotSent(TransportFailureReason.ConnectionRefused, "could not connect");
                case "SecureConnectionError": return NotSent(TransportFailureReason.TlsHandshake, "TLS handshake failed");
                case "ProxyTunnelError": return NotSent(TransportFailureReason.ProxyTunnel, "the proxy refused the tunnel (CONNECT)");
                case "ResponseEnded": return Sent(TransportFailureReason.ConnectionClosed, "the connection closed before the answer ended");
                case "InvalidResponse": return Sent(TransportFailureReason.InvalidResponse, "the answer was not valid HTTP");
                case "HttpProtocolError": return Sent(TransportFailureReason.InvalidResponse, "HTTP protocol error");
                case "ConfigurationLimitExceeded": return Sent(TransportFailureReason.InvalidResponse, "the answer exceeded a configured limit");
                default: return null; // Unknown, UserAuthenticationError, VersionNegotiationError, future values: read the chain
            }
        }

        private static string? HttpRequestErrorName(Exception e)
        {
            var property = e.GetType().GetProperty("HttpRequestError", BindingFlags.Public | BindingFlags.Instance);
            if (property == null || !property.PropertyType.IsEnum) return null;
            try { return property.GetValue(e)?.ToString(); }
            catch (TargetInvocationException) { return null; }
        }

        /// <summary>A SocketException met outside any stream: the connect (or the name look-up before it) failed.</summary>
        internal static TransportFailure FromSocketAtConnect(SocketError code)
        {
            switch (code)
            {
                case SocketError.HostNotFound:
                case SocketError.TryAgain:
                case SocketError.NoData:
                case SocketError.NoRecovery:
                    return NotSent(TransportFailureReason.NameResolution, "DNS name not resolved");
                case SocketError.ConnectionRefused:
                    return NotSent(TransportFailureReason.ConnectionRefused, "connection refused");
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.NetworkDown:
                case SocketError.HostDown:
                    return NotSent(TransportFailureReason.HostUnreachable, "host unreachable");
                case SocketError.TimedOut:
                    return NotSent(TransportFailureReason.ConnectTimeout, "connect timed out");
                default:
                    return NotSent(TransportFailureReason.ConnectionRefused, "could not connect (" + code + ")");
            }
        }

        /// <summary>A SocketException inside an IOException: the connection was open, the request may have left.</summary>
        internal static TransportFailure FromSocketAfterConnect(SocketError code)
        {
            switch (code)
            {
                case SocketError.ConnectionReset:
                    return Sent(TransportFailureReason.ConnectionReset, "connection reset");
                case SocketError.ConnectionAborted:
                case SocketError.Shutdown:
                case SocketError.Disconnecting:
                case SocketError.NotConnected:
                    return Sent(TransportFailureReason.ConnectionClosed, "the connection closed before the answer arrived");
                case SocketError.TimedOut:
                    return Sent(TransportFailureReason.Timeout, "the connection timed out after the request was sent");
                default:
                    return Sent(TransportFailureReason.ReceiveFailed, "the connection broke (" + code + ")");
            }
        }

        /// <summary>
        /// Whether an HTTP answer that is not an Omise answer should be reported as a proxy or network problem instead of an
        /// API error. Null: report it as the API's answer. A 407 always comes from a proxy (the API never asks for proxy
        /// credentials) and means the proxy forwarded nothing; so does a 401 without an Omise error body on a request that went
        /// through a proxy. Any other error status without an Omise error body, on a
        /// request that went through a proxy, is the proxy's: it may have forwarded the request first, so "may have reached".
        /// 2xx and 429 are left to the API path (429 keeps its Retry-After handling).
        /// </summary>
        /// <param name="statusCode">The HTTP status of the answer.</param>
        /// <param name="hasOmiseErrorBody">True when the body parsed as an Omise error object (object "error" with a code).</param>
        /// <param name="throughProxy">True when the request was sent through a proxy (see <see cref="UsesProxy"/>).</param>
        public static TransportFailure? FromResponse(int statusCode, bool hasOmiseErrorBody, bool throughProxy)
        {
            if (statusCode == 407)
                return NotSent(TransportFailureReason.ProxyAuthenticationRequired,
                    "the proxy asks for credentials (407 Proxy Authentication Required)");
            if (hasOmiseErrorBody || !throughProxy) return null;
            // The API's own 401 always has an Omise error body. Without one it is the proxy refusing the credentials it was
            // given (tinyproxy answers a wrong password so, where RFC 7235 says 407): it forwarded nothing.
            if (statusCode == 401)
                return NotSent(TransportFailureReason.ProxyAuthenticationRequired,
                    "the proxy refused its credentials (401 from the proxy, not from the Omise API)");
            if (statusCode < 400 || statusCode == 429) return null;
            return Sent(TransportFailureReason.ProxyError, "the proxy answered " + statusCode + " instead of the Omise API");
        }

        /// <summary>
        /// True when requests to <paramref name="target"/> go through a proxy: <paramref name="proxy"/> if given (the
        /// handler's Proxy), else the process default (WebRequest.DefaultWebProxy, which HttpClientHandler also uses).
        /// </summary>
        public static bool UsesProxy(Uri target, IWebProxy? proxy = null)
        {
            if (target == null) throw new ArgumentNullException(nameof(target));
            try
            {
                proxy ??= WebRequest.DefaultWebProxy;
                if (proxy == null || proxy.IsBypassed(target)) return false;
                var via = proxy.GetProxy(target);
                return via != null && via != target;
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is InvalidOperationException || ex is NotSupportedException)
            {
                return false;
            }
        }

        private static TransportFailure NotSent(TransportFailureReason reason, string description) => new TransportFailure(reason, true, description);

        private static TransportFailure Sent(TransportFailureReason reason, string description) => new TransportFailure(reason, false, description);

        private static bool HasInner<T>(Exception e) where T : Exception => FindInner<T>(e.InnerException) != null;

        private static T? FindInner<T>(Exception? e) where T : Exception
        {
            for (; e != null; e = e.InnerException)
                if (e is T found) return found;
            return null;
        }
    }
}
