using System.Text.RegularExpressions;

namespace Omise.Core
{
    /// <summary>The shapes of Omise ids. Only a well-formed id ever reaches a URL path.</summary>
    public static class Identifiers
    {
        private static readonly Regex LinkId = new Regex("^link(_test)?_[0-9a-z]+$", RegexOptions.CultureInvariant);
        private static readonly Regex ChargeId = new Regex("^chrg(_test)?_[0-9a-z]+$", RegexOptions.CultureInvariant);

        public static bool IsLinkId(string? id) => id != null && LinkId.IsMatch(id);
        public static bool IsChargeId(string? id) => id != null && ChargeId.IsMatch(id);

        /// <summary>The reason a text is not a link id, for an error message; null when it is one.</summary>
        public static string? WhyNotLinkId(string? id) =>
            IsLinkId(id) ? null
            : string.IsNullOrWhiteSpace(id) ? "The link id is empty."
            : $"'{id}' is not a link id: link ids look like link_test_6344k6rzgco9ul41cap (live: link_...).";
    }
}
