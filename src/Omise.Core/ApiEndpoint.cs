using System;
using System.Net;

namespace Omise.Core
{
    /// <summary>Where requests go, and the rule that keeps a key off clear-text connections.</summary>
    public static class ApiEndpoint
    {
        public static readonly Uri Default = new Uri("https://api.omise.co/");

        /// <summary>Normalises the base URI (trailing slash) and refuses http:// unless the host is loopback.</summary>
        public static Uri Validate(Uri uri)
        {
            if (uri == null) throw new ArgumentNullException(nameof(uri));
            if (!uri.IsAbsoluteUri)
                throw new ArgumentException($"The API URI '{uri}' is not absolute; give one like https://api.omise.co.");
            if (uri.UserInfo.Length > 0)
                throw new ArgumentException($"The API URI {uri.Scheme}://{uri.Authority}/ must not hold a user name or password: the secret key is the only credential, given with -SecretKey, -Credential or OMISE_SECRET_KEY.");
            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
                throw new ArgumentException($"The API URI '{uri}' uses http://, which would send the secret key in clear text. Use https://, or http:// only to a loopback address (a local emulator).");
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                throw new ArgumentException($"The API URI '{uri}' must use https://.");
            var text = uri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
        }

        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback) return true;
            return IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip);
        }
    }
}
