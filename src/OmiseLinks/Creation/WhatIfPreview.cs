using System;
using Omise.Core;
using Omise.Core.Models;

namespace OmiseLinks.Creation
{
    /// <summary>
    /// -WhatIf: says what a real run would do instead of creating a row's link (reuse an existing link, or refuse the row as
    /// a recent duplicate), from the same links a real run would read. A failed read is told once and ends the check.
    /// </summary>
    internal sealed class WhatIfPreview
    {
        private readonly RunProgress _progress;
        private bool _unavailable;

        public WhatIfPreview(RunProgress progress) => _progress = progress;

        /// <summary>The line to write for the row, as a warning or as Verbose; null when a real run would create the link.</summary>
        public (string Text, bool Warning)? Tell(string label, Func<(Link Link, ExistingLinkKind Kind)?> findExisting)
        {
            if (_unavailable) return null;
            (Link Link, ExistingLinkKind Kind)? existing;
            try { existing = findExisting(); }
            // A refused key (or proxy credentials) is not a preview problem: it goes the one way a 401 goes (the caller).
            catch (OmiseApiException ex) when (!ex.IsKeyRefused && !ex.IsProxyAuthenticationRequired)
            {
                _unavailable = true;
                return ($"-WhatIf could not read the existing links, so it cannot tell which rows a real run would reuse or refuse as duplicates: {ex.Message}", true);
            }
            if (existing == null) return null;
            var name = RowErrors.Prefix(label);
            var link = existing.Value.Link;
            switch (existing.Value.Kind)
            {
                case ExistingLinkKind.Reuse:
                    _progress.PreviewedReuse++;
                    return ($"{name}a real run would reuse {link.Id} (created {Timestamps.Text(link.CreatedAt)}).", false);
                case ExistingLinkKind.AlreadyPaid:
                    _progress.PreviewedDuplicate++;
                    return ($"{name}a real run would not create this link: {new AlreadyPaidException(link).Message} (AlreadyPaid). " +
                        "Use -AllowDuplicate only if this invoice must be paid again.", true);
                default:
                    _progress.PreviewedDuplicate++;
                    return ($"{name}a real run would not create this link: {link.Id} with the same fields was created " +
                        $"{Timestamps.Text(link.CreatedAt)} (RecentDuplicate). Use -ReuseExisting to take it, or -AllowDuplicate to create another.", true);
            }
        }
    }
}
