using System;
using System.Globalization;
using System.Text;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>
    /// The fields that make two links "the same link": amount, currency, multiple, title, description, compared as they
    /// travel on the wire (UTF-8), so a look-up matches what the server was sent, never a string the wire would change.
    /// </summary>
    internal static class LinkSignature
    {
        public static string Of(LinkCreateRequest r) =>
            Of(r.Amount, r.Currency, r.Multiple, Wire(r.Title), Wire(r.Description));

        public static string Of(Link link) =>
            Of(link.Amount, link.Currency, link.Multiple, link.Title, link.Description);

        public static bool Matches(LinkCreateRequest request, Link link) =>
            string.Equals(Of(request), Of(link), StringComparison.Ordinal);

        private static string Of(long amount, string currency, bool multiple, string title, string description) =>
            string.Concat(amount.ToString(CultureInfo.InvariantCulture), "\u0001", currency.ToLowerInvariant(), "\u0001",
                multiple ? "m" : "s", "\u0001", title, "\u0001", description);

        /// <summary>The text the server receives: what UTF-8 encoding makes of it (a lone surrogate becomes U+FFFD).</summary>
        private static string Wire(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
    }
}
