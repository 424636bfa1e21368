using System;
using System.Globalization;
using Omise.Core.Models;

namespace Omise.Core
{
    /// <summary>
    /// The fields that make two links "the same link": amount, currency, multiple, title, description, compared exactly as
    /// sent (a request never holds text the wire would change: LinkFields refuses it).
    /// </summary>
    internal static class LinkSignature
    {
        public static string Of(LinkCreateRequest r) =>
            Of(r.Amount, r.Currency, r.Multiple, r.Title, r.Description);

        public static string Of(Link link) =>
            Of(link.Amount, link.Currency, link.Multiple, link.Title, link.Description);

        public static bool Matches(LinkCreateRequest request, Link link) =>
            string.Equals(Of(request), Of(link), StringComparison.Ordinal);

        private static string Of(long amount, string currency, bool multiple, string title, string description) =>
            string.Concat(amount.ToString(CultureInfo.InvariantCulture), "\u0001", currency.ToLowerInvariant(), "\u0001",
                multiple ? "m" : "s", "\u0001", title, "\u0001", description);
    }
}
