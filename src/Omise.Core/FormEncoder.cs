using System;
using System.Collections.Generic;
using System.Text;

namespace Omise.Core
{
    /// <summary>application/x-www-form-urlencoded, UTF-8, every reserved character escaped.</summary>
    public static class FormEncoder
    {
        public static string Encode(IEnumerable<KeyValuePair<string, string>> fields)
        {
            var sb = new StringBuilder();
            foreach (var field in fields)
            {
                if (sb.Length > 0) sb.Append('&');
                sb.Append(Escape(field.Key)).Append('=').Append(Escape(field.Value));
            }
            return sb.ToString();
        }

        // Uri.EscapeDataString percent-encodes UTF-8 bytes and leaves only RFC 3986 unreserved characters,
        // so '+', '&', '=', '%' and newlines reach the server as data, never as syntax.
        public static string Escape(string value) => Uri.EscapeDataString(value ?? string.Empty);
    }
}
