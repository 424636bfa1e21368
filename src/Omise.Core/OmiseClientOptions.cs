using System;
using System.Net;

namespace Omise.Core
{
    /// <summary>How one client talks to the API. Immutable once the client is built.</summary>
    public sealed class OmiseClientOptions
    {
        public const string ApiVersion = "2019-05-29";

        public OmiseClientOptions(SecretKey secretKey, Uri? baseUri = null)
        {
            SecretKey = secretKey ?? throw new ArgumentNullException(nameof(secretKey));
            BaseUri = ApiEndpoint.Validate(baseUri ?? ApiEndpoint.Default);
        }

        public SecretKey SecretKey { get; }
        public Uri BaseUri { get; }

        /// <summary>e.g. "OmiseLinks/1.0.0 PowerShell/7.4.6".</summary>
        public string UserAgent { get; set; } = "OmiseLinks";

        /// <summary>Per attempt, for the whole exchange (headers and body); the official libraries use 60 s.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>
        /// Per call, all its attempts and waits included: no attempt starts after it, and the last one gets only what is
        /// left. Bounds a call against a server that hangs or trickles its answers (5 attempts x 60 s would be 5 minutes).
        /// </summary>
        public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>Connections kept open per host; at least the largest -ThrottleLimit (10).</summary>
        public int MaxConnectionsPerServer { get; set; } = 16;

        public RetryPolicy Retry { get; set; } = new RetryPolicy();

        private TimeProvider _time = TimeProvider.System;

        /// <summary>
        /// The clock of every wait and deadline: backoff, Retry-After, the per-attempt timeout, the call's time, the settle
        /// wait of a create's reconciliation, and "now" by the server's clock. Tests give a virtual clock; null is refused.
        /// </summary>
        public TimeProvider TimeProvider
        {
            get => _time;
            set => _time = value ?? throw new ArgumentNullException(nameof(value));
        }

        private Uri? _proxy;

        /// <summary>
        /// A proxy for every request, a loopback API address included (null: the system proxy, which a loopback API
        /// address never uses). http:// or https://, no user name or password in it (they go in <see cref="ProxyCredentials"/>).
        /// </summary>
        public Uri? Proxy
        {
            get => _proxy;
            set => _proxy = value == null ? null : ValidateProxy(value, BaseUri);
        }

        /// <summary>
        /// Credentials for the proxy: a NetworkCredential, or CredentialCache.DefaultCredentials (the signed-in user's).
        /// They go to <see cref="Proxy"/>, else to the system proxy.
        /// </summary>
        public ICredentials? ProxyCredentials { get; set; }

        /// <summary>
        /// Refuses a proxy URI that is not absolute http(s)://, that holds a user name or password, or that would carry the
        /// key in clear text off this computer: an http:// API address (a loopback emulator) only through a loopback proxy.
        /// </summary>
        public static Uri ValidateProxy(Uri proxy, Uri apiUri)
        {
            if (proxy == null) throw new ArgumentNullException(nameof(proxy));
            if (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"The proxy '{(proxy.IsAbsoluteUri ? proxy.Scheme + "://" + proxy.Authority : "")}' must be an absolute http:// or https:// URI, like http://proxy.example.com:3128.");
            if (proxy.UserInfo.Length > 0)
                throw new ArgumentException($"The proxy URI {proxy.Scheme}://{proxy.Authority}/ must not hold a user name or password: give them with -ProxyCredential.");
            if (apiUri != null && apiUri.Scheme == Uri.UriSchemeHttp && !ApiEndpoint.IsLoopback(proxy))
                throw new ArgumentException($"The API URI {apiUri} uses http://, and the proxy {ExplicitProxy.Describe(proxy)} is not on this computer: the secret key would cross the network in clear text. Use an https:// API URI, or a proxy on a loopback address.");
            return proxy;
        }
    }

    /// <summary>A proxy the caller named: used for every destination, loopback included, with the credentials given.</summary>
    internal sealed class ExplicitProxy : IWebProxy
    {
        private readonly Uri _address;

        public ExplicitProxy(Uri address, ICredentials? credentials)
        {
            _address = address;
            Credentials = credentials;
        }

        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => _address;

        public bool IsBypassed(Uri host) => false;

        /// <summary>scheme://host:port/, without any path or query.</summary>
        internal static string Describe(Uri proxy) => proxy.Scheme + "://" + proxy.Authority + "/";
    }

    /// <summary>Bounded retries with exponential backoff and full jitter; Retry-After wins when sent.</summary>
    public sealed class RetryPolicy
    {
        /// <summary>Attempts in all, the first included. 1 means no retry.</summary>
        public int MaxAttempts { get; set; } = 5;
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

        public static RetryPolicy None => new RetryPolicy { MaxAttempts = 1 };

        private static readonly Random Seeds = new Random();
        [ThreadStatic] private static Random? _random;

        /// <summary>The wait before attempt number <paramref name="nextAttempt"/> (2 for the first retry).</summary>
        public TimeSpan DelayBefore(int nextAttempt, TimeSpan? retryAfter)
        {
            if (retryAfter.HasValue)
                return retryAfter.Value < MaxDelay ? (retryAfter.Value < TimeSpan.Zero ? TimeSpan.Zero : retryAfter.Value) : MaxDelay;
            if (_random == null) { lock (Seeds) _random = new Random(Seeds.Next()); }
            var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, nextAttempt - 2));
            return TimeSpan.FromMilliseconds(ceiling / 2 + _random.NextDouble() * ceiling / 2);
        }
    }
}
