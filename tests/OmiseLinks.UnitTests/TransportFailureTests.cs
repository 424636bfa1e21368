using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Omise.Core;

namespace OmiseLinks.UnitTests;

/// <summary>
/// TransportFailure.Classify on the exception shapes HttpClient throws. The .NET Framework shapes (Windows PowerShell 5.1:
/// HttpRequestException wrapping WebException) are built by hand, as System.Net.Http of .NET Framework 4.7.2 builds them;
/// the .NET shapes are produced for real, against sockets on 127.0.0.1.
/// </summary>
public class TransportFailureTests
{
    private const string SendError = "An error occurred while sending the request.";

    /// <summary>What HttpClient on .NET Framework throws: HttpRequestException around HttpWebRequest's WebException.</summary>
    private static HttpRequestException NetFramework(WebExceptionStatus status, Exception? inner = null) =>
        new(SendError, new WebException("The underlying connection failed (" + status + ").", inner, status, null));

    public static TheoryData<WebExceptionStatus, bool, TransportFailureReason> NetFrameworkStatuses() => new()
    {
        { WebExceptionStatus.NameResolutionFailure, true, TransportFailureReason.NameResolution },
        { WebExceptionStatus.ProxyNameResolutionFailure, true, TransportFailureReason.ProxyNameResolution },
        { WebExceptionStatus.ConnectFailure, true, TransportFailureReason.ConnectionRefused },
        { WebExceptionStatus.SecureChannelFailure, true, TransportFailureReason.TlsHandshake },
        { WebExceptionStatus.TrustFailure, true, TransportFailureReason.CertificateNotTrusted },
        { WebExceptionStatus.RequestProhibitedByProxy, true, TransportFailureReason.ProxyTunnel },
        { WebExceptionStatus.ConnectionClosed, false, TransportFailureReason.ConnectionClosed },
        { WebExceptionStatus.KeepAliveFailure, false, TransportFailureReason.ConnectionClosed },
        { WebExceptionStatus.SendFailure, false, TransportFailureReason.SendFailed },
        { WebExceptionStatus.ReceiveFailure, false, TransportFailureReason.ReceiveFailed },
        { WebExceptionStatus.PipelineFailure, false, TransportFailureReason.ConnectionClosed },
        { WebExceptionStatus.ServerProtocolViolation, false, TransportFailureReason.InvalidResponse },
        { WebExceptionStatus.Timeout, false, TransportFailureReason.Timeout },
        { WebExceptionStatus.RequestCanceled, false, TransportFailureReason.Canceled },
        { WebExceptionStatus.UnknownError, false, TransportFailureReason.Unknown },
    };

    [Theory]
    [MemberData(nameof(NetFrameworkStatuses))]
    public void NET_Framework_WebException_status_decides_whether_the_request_left(WebExceptionStatus status, bool notSent, TransportFailureReason reason)
    {
        var failure = TransportFailure.Classify(NetFramework(status));
        Assert.Equal(notSent, failure.RequestNotSent);
        Assert.Equal(reason, failure.Reason);
        Assert.False(string.IsNullOrWhiteSpace(failure.Description));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, TransportFailureReason.ConnectionRefused, "connection refused")]
    [InlineData(SocketError.TimedOut, TransportFailureReason.ConnectTimeout, "connect timed out")]
    [InlineData(SocketError.NetworkUnreachable, TransportFailureReason.HostUnreachable, "host unreachable")]
    [InlineData(SocketError.HostUnreachable, TransportFailureReason.HostUnreachable, "host unreachable")]
    public void NET_Framework_ConnectFailure_is_named_by_its_SocketException(SocketError code, TransportFailureReason reason, string description)
    {
        var failure = TransportFailure.Classify(NetFramework(WebExceptionStatus.ConnectFailure, new SocketException((int)code)));
        Assert.True(failure.RequestNotSent);
        Assert.Equal(reason, failure.Reason);
        Assert.Equal(description, failure.Description);
        Assert.Equal(OmiseFailureKind.ConnectionRefused, failure.Kind);
    }

    [Fact]
    public void NET_Framework_TLS_failures_say_TLS_handshake_failed()
    {
        var secureChannel = TransportFailure.Classify(NetFramework(WebExceptionStatus.SecureChannelFailure));
        var trust = TransportFailure.Classify(NetFramework(WebExceptionStatus.TrustFailure,
            new AuthenticationException("The remote certificate is invalid according to the validation procedure.")));
        // A send failure whose inner exception is a failed authentication is a handshake cut short, not a send.
        var sendDuringHandshake = TransportFailure.Classify(NetFramework(WebExceptionStatus.SendFailure,
            new AuthenticationException("A call to SSPI failed, see inner exception.")));

        Assert.Equal("TLS handshake failed", secureChannel.Description);
        Assert.StartsWith("TLS handshake failed", trust.Description);
        Assert.Equal(TransportFailureReason.TlsHandshake, sendDuringHandshake.Reason);
        Assert.All(new[] { secureChannel, trust, sendDuringHandshake }, f => Assert.True(f.RequestNotSent));
    }

    [Fact]
    public void NET_Framework_connection_reset_after_sending_may_have_reached_the_server()
    {
        var reset = new IOException("Unable to read data from the transport connection: An existing connection was forcibly closed by the remote host.",
            new SocketException((int)SocketError.ConnectionReset));
        var failure = TransportFailure.Classify(NetFramework(WebExceptionStatus.ReceiveFailure, reset));
        Assert.False(failure.RequestNotSent);
        Assert.Equal(OmiseFailureKind.ConnectionLost, failure.Kind);
        Assert.Equal("connection_lost", failure.Code);
    }

    [Fact]
    public void NET_Framework_body_read_failure_may_have_reached_the_server()
    {
        // HttpContent.ReadAsByteArrayAsync on .NET Framework: HttpRequestException("Error while copying content to a stream.")
        var read = new HttpRequestException("Error while copying content to a stream.",
            new IOException("Unable to read data from the transport connection.", new SocketException((int)SocketError.ConnectionReset)));
        var failure = TransportFailure.Classify(read);
        Assert.False(failure.RequestNotSent);
        Assert.Equal(TransportFailureReason.ConnectionReset, failure.Reason);
    }

    [Fact]
    public void Whatever_the_exception_says_a_failure_after_the_answer_began_is_never_not_sent()
    {
        var failure = TransportFailure.Classify(NetFramework(WebExceptionStatus.ConnectFailure), responseStarted: true);
        Assert.False(failure.RequestNotSent);
        Assert.Equal(TransportFailureReason.ReceiveFailed, failure.Reason);
    }

    [Fact]
    public void Timeouts_and_cancellation_may_have_reached_the_server()
    {
        // .NET 5+: HttpClient.Timeout and SocketsHttpHandler.ConnectTimeout both surface as TaskCanceledException + TimeoutException.
        var timeout = TransportFailure.Classify(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.",
            new TimeoutException("The operation was canceled.")));
        var canceled = TransportFailure.Classify(new TaskCanceledException("A task was canceled."));

        Assert.Equal(TransportFailureReason.Timeout, timeout.Reason);
        Assert.Equal(OmiseFailureKind.Timeout, timeout.Kind);
        Assert.Equal(TransportFailureReason.Canceled, canceled.Reason);
        Assert.False(timeout.RequestNotSent);
        Assert.False(canceled.RequestNotSent);
    }

    [Theory]
    [InlineData(HttpRequestError.NameResolutionError, true, TransportFailureReason.NameResolution)]
    [InlineData(HttpRequestError.ConnectionError, true, TransportFailureReason.ConnectionRefused)]
    [InlineData(HttpRequestError.SecureConnectionError, true, TransportFailureReason.TlsHandshake)]
    [InlineData(HttpRequestError.ProxyTunnelError, true, TransportFailureReason.ProxyTunnel)]
    [InlineData(HttpRequestError.ResponseEnded, false, TransportFailureReason.ConnectionClosed)]
    [InlineData(HttpRequestError.InvalidResponse, false, TransportFailureReason.InvalidResponse)]
    [InlineData(HttpRequestError.HttpProtocolError, false, TransportFailureReason.InvalidResponse)]
    [InlineData(HttpRequestError.UserAuthenticationError, false, TransportFailureReason.InvalidResponse)]
    [InlineData(HttpRequestError.Unknown, false, TransportFailureReason.InvalidResponse)]
    public void NET_8_HttpRequestError_is_read_by_reflection(HttpRequestError error, bool notSent, TransportFailureReason reason)
    {
        var failure = TransportFailure.Classify(new HttpRequestException(error, "failed"));
        Assert.Equal(notSent, failure.RequestNotSent);
        Assert.Equal(reason, failure.Reason);
    }

    [Fact]
    public void NET_ConnectionError_is_named_by_its_SocketException()
    {
        var failure = TransportFailure.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "Connection timed out (api.omise.co:443)",
            new SocketException((int)SocketError.TimedOut)));
        Assert.True(failure.RequestNotSent);
        Assert.Equal(TransportFailureReason.ConnectTimeout, failure.Reason);
    }

    [Fact]
    public void Before_NET_8_the_shape_of_the_chain_tells_connect_from_read()
    {
        // .NET 6/7: a connect failure wraps the SocketException directly; a read or write failure wraps an IOException around it.
        var atConnect = TransportFailure.Classify(new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused)));
        var dns = TransportFailure.Classify(new HttpRequestException("No such host is known. (nowhere.invalid:443)", new SocketException((int)SocketError.HostNotFound)));
        var afterSend = TransportFailure.Classify(new HttpRequestException(SendError,
            new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset))));
        var tls = TransportFailure.Classify(new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new AuthenticationException("Authentication failed because the remote party sent a TLS alert: 'HandshakeFailure'.")));

        Assert.Equal((true, TransportFailureReason.ConnectionRefused), (atConnect.RequestNotSent, atConnect.Reason));
        Assert.Equal((true, "DNS name not resolved"), (dns.RequestNotSent, dns.Description));
        Assert.Equal((false, TransportFailureReason.ConnectionReset), (afterSend.RequestNotSent, afterSend.Reason));
        Assert.Equal((true, "TLS handshake failed"), (tls.RequestNotSent, tls.Description));
    }

    [Fact]
    public void Anything_unrecognised_may_have_reached_the_server()
    {
        Assert.False(TransportFailure.Classify(new InvalidOperationException("?")).RequestNotSent);
        Assert.False(TransportFailure.Classify(new HttpRequestException(SendError, new InvalidOperationException("?"))).RequestNotSent);
        Assert.Throws<ArgumentNullException>(() => TransportFailure.Classify(null!));
    }

    // ---- the real .NET shapes, on this runtime, through HttpClientHandler as the core uses it ----

    private static async Task<Exception> FailureOf(string uri, HttpMethod? method = null)
    {
        using var client = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, uri) { Content = new StringContent("amount=100&currency=thb") };
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(request));
        return ex;
    }

    [Fact]
    public async Task Real_connection_refused_is_not_sent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var failure = TransportFailure.Classify(await FailureOf($"http://127.0.0.1:{port}/links"));
        Assert.True(failure.RequestNotSent, failure.ToString());
        Assert.Equal(TransportFailureReason.ConnectionRefused, failure.Reason);
    }

    [Fact]
    public async Task Real_unresolvable_name_is_not_sent()
    {
        var failure = TransportFailure.Classify(await FailureOf("http://omiselinks-test.invalid/links"));
        Assert.True(failure.RequestNotSent, failure.ToString());
    }

    [Fact]
    public async Task Real_TLS_handshake_failure_is_not_sent()
    {
        // A server that speaks no TLS: it reads the ClientHello and answers plain text.
        using var server = new OneShotServer(async (stream, _) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
        });
        var failure = TransportFailure.Classify(await FailureOf($"https://127.0.0.1:{server.Port}/links"));
        Assert.True(failure.RequestNotSent, failure.ToString());
        Assert.Equal(TransportFailureReason.TlsHandshake, failure.Reason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Real_connection_dropped_after_the_request_arrived_may_have_reached_the_server(bool reset)
    {
        using var server = new OneShotServer((_, socket) =>
        {
            if (reset) socket.LingerState = new LingerOption(true, 0); // close with RST
            return Task.CompletedTask;
        });
        var failure = TransportFailure.Classify(await FailureOf($"http://127.0.0.1:{server.Port}/links"));
        Assert.False(failure.RequestNotSent, failure.ToString());
        Assert.NotEqual(OmiseFailureKind.ConnectionRefused, failure.Kind);
    }

    /// <summary>Accepts one connection, reads what arrives (the whole request or a ClientHello), runs the reply, closes.</summary>
    private sealed class OneShotServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public OneShotServer(Func<NetworkStream, Socket, Task> reply)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                using var socket = await _listener.AcceptSocketAsync();
                using var stream = new NetworkStream(socket, ownsSocket: false);
                var buffer = new byte[8192];
                var seen = new StringBuilder();
                socket.ReceiveTimeout = 5000;
                do
                {
                    var n = await stream.ReadAsync(buffer);
                    if (n == 0) break;
                    seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
                } while (seen.Length > 0 && seen[0] != (char)0x16 && !seen.ToString().Contains("amount=100"));
                await reply(stream, socket);
                socket.Close();
            });
        }

        public int Port { get; }

        public void Dispose() => _listener.Stop();
    }

    // ---- answers that are not the API's ----

    [Fact]
    public void A_407_is_always_a_proxy_problem_and_nothing_reached_the_API()
    {
        var failure = TransportFailure.FromResponse(407, hasOmiseErrorBody: false, throughProxy: false);
        Assert.NotNull(failure);
        Assert.True(failure!.RequestNotSent);
        Assert.Equal(TransportFailureReason.ProxyAuthenticationRequired, failure.Reason);
        Assert.Equal("proxy_authentication_required", failure.Code);
        Assert.Equal(OmiseFailureKind.ConnectionRefused, failure.Kind); // the cmdlets' category: ConnectionError
    }

    [Fact]
    public void A_401_without_an_Omise_body_through_a_proxy_is_the_proxy_refusing_its_credentials_and_nothing_was_sent()
    {
        // tinyproxy answers a wrong proxy password so (RFC 7235 says 407); the API's own 401 always has an Omise body.
        var failure = TransportFailure.FromResponse(401, hasOmiseErrorBody: false, throughProxy: true);
        Assert.NotNull(failure);
        Assert.True(failure!.RequestNotSent);
        Assert.Equal("proxy_authentication_required", failure.Code);
        Assert.Null(TransportFailure.FromResponse(401, hasOmiseErrorBody: true, throughProxy: true));
        Assert.Null(TransportFailure.FromResponse(401, hasOmiseErrorBody: false, throughProxy: false));
    }

    [Theory]
    [InlineData(502, false, true, true)]
    [InlineData(403, false, true, true)]
    [InlineData(503, false, false, false)] // no proxy: the API's own answer
    [InlineData(400, true, true, false)]   // an Omise error body: the API's answer, proxy or not
    [InlineData(429, false, true, false)]  // rate limiting keeps its Retry-After path
    [InlineData(200, false, true, false)]
    public void An_error_without_an_Omise_body_through_a_proxy_is_the_proxys(int status, bool omiseBody, bool throughProxy, bool isProxyProblem)
    {
        var failure = TransportFailure.FromResponse(status, omiseBody, throughProxy);
        Assert.Equal(isProxyProblem, failure != null);
        if (failure != null)
        {
            Assert.False(failure.RequestNotSent); // the proxy may have forwarded it first
            Assert.Equal(TransportFailureReason.ProxyError, failure.Reason);
            Assert.Contains(status.ToString(), failure.Description);
        }
    }

    private sealed class FixedProxy(Uri? via, bool bypassed) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }
        public Uri? GetProxy(Uri destination) => via ?? destination;
        public bool IsBypassed(Uri host) => bypassed;
    }

    [Fact]
    public void UsesProxy_reads_the_proxy_the_handler_would_use()
    {
        var api = new Uri("https://api.omise.co/links");
        Assert.True(TransportFailure.UsesProxy(api, new FixedProxy(new Uri("http://proxy.corp:8080"), bypassed: false)));
        Assert.False(TransportFailure.UsesProxy(api, new FixedProxy(new Uri("http://proxy.corp:8080"), bypassed: true)));
        Assert.False(TransportFailure.UsesProxy(api, new FixedProxy(null, bypassed: false)));
    }
}
