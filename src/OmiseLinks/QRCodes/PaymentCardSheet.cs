using System;
using System.Collections.Generic;
using System.Text;

namespace OmiseLinks.QRCodes
{
    /// <summary>One card of a payment card sheet: what the customer reads, and the QR code (a PNG) of the payment address.</summary>
    internal sealed class PaymentCard
    {
        public PaymentCard(string? reference, string? title, string? description, string? amountText, string paymentUri, byte[] png)
        {
            Reference = reference;
            Title = title;
            Description = description;
            AmountText = amountText;
            PaymentUri = paymentUri;
            Png = png;
        }

        public string? Reference { get; }
        public string? Title { get; }
        public string? Description { get; }

        /// <summary>"1,500.50 THB", as the table shows it (LinkOutput.FormatMoney); null when the input has no amount.</summary>
        public string? AmountText { get; }

        public string PaymentUri { get; }
        public byte[] Png { get; }
    }

    /// <summary>
    /// A sheet of payment cards as one self-contained HTML file: the QR codes are inline PNG data URIs, there is no script
    /// and no address to fetch (a Content-Security-Policy says so to the browser), so it prints the same offline, from a
    /// mail attachment or years later. The markup is also well-formed XML (XHTML syntax), so any XML parser checks it.
    /// Cards flow two to a row; no card is split across a page break; each card has a dashed cut line with a gap
    /// between cards, so cards cut apart keep a white margin.
    /// </summary>
    internal static class PaymentCardSheet
    {
        public const string DefaultTitle = "Payment cards";

        /// <summary>
        /// The printed size of a QR image, quiet zone included: a version 3-4 code (a payment link) is then 28-30 mm of
        /// modules, above the 2.5 cm a phone reads from paper at arm's length, and two cards fit across A4 and Letter.
        /// </summary>
        public const string CodeSize = "38mm";

        /// <summary>
        /// Thai first, by platform: Leelawadee UI (Windows 10+), Leelawadee and Tahoma (older Windows), Thonburi (macOS,
        /// iOS), Noto Sans Thai (most Linux desktops, Android, ChromeOS), Sarabun, Loma and Garuda (Debian/Ubuntu's
        /// fonts-thai-tlwg). Latin text takes the Thai font's own Latin letters, all of which have them.
        /// </summary>
        public const string FontStack = "\"Leelawadee UI\", \"Leelawadee\", \"Thonburi\", \"Noto Sans Thai\", \"Noto Sans Thai UI\", " +
            "\"Sarabun\", \"Loma\", \"Garuda\", \"Tahoma\", \"Segoe UI\", \"Helvetica Neue\", Arial, sans-serif";

        public static string Html(string? title, QRCodePaperSize paper, IReadOnlyList<PaymentCard> cards)
        {
            var heading = string.IsNullOrWhiteSpace(title) ? null : title;
            var sb = new StringBuilder(2048 + cards.Count * 1500);
            sb.Append("<!DOCTYPE html>\n");
            sb.Append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">\n<head>\n");
            sb.Append("<meta charset=\"utf-8\"/>\n");
            sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\"/>\n");
            sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
            sb.Append("<meta name=\"generator\" content=\"OmiseLinks Export-OmiseLinkQRCode\"/>\n");
            sb.Append("<title").Append(Lang(heading)).Append('>').Append(Encode(heading ?? DefaultTitle)).Append("</title>\n");
            sb.Append("<style>\n").Append(Style(paper)).Append("</style>\n</head>\n<body>\n");
            if (heading != null) sb.Append("<h1").Append(Lang(heading)).Append('>').Append(Encode(heading)).Append("</h1>\n");
            sb.Append("<main class=\"sheet\">\n");
            foreach (var card in cards) AppendCard(sb, card);
            sb.Append("</main>\n</body>\n</html>\n");
            return sb.ToString();
        }

        private static void AppendCard(StringBuilder sb, PaymentCard card)
        {
            sb.Append("<section class=\"card\">\n");
            sb.Append("<img class=\"code\" alt=\"QR code of the payment address\" src=\"data:image/png;base64,")
              .Append(Convert.ToBase64String(card.Png)).Append("\"/>\n");
            sb.Append("<div class=\"text\">\n");
            Paragraph(sb, "ref", card.Reference);
            Paragraph(sb, "title", card.Title);
            Paragraph(sb, "desc", card.Description);
            Paragraph(sb, "amount", card.AmountText);
            Paragraph(sb, "uri", card.PaymentUri);
            sb.Append("</div>\n</section>\n");
        }

        private static void Paragraph(StringBuilder sb, string cssClass, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            sb.Append("<p class=\"").Append(cssClass).Append('"').Append(Lang(text)).Append('>').Append(Encode(text!)).Append("</p>\n");
        }

        private static string Style(QRCodePaperSize paper)
        {
            // The width a page leaves inside its 10 mm margins, for the screen view to match the paper.
            var (size, width) = paper == QRCodePaperSize.Letter ? ("letter", "195.9mm") : ("A4", "190mm");
            return
                "@page { size: " + size + "; margin: 10mm; }\n" +
                "* { box-sizing: border-box; }\n" +
                "html, body { margin: 0; padding: 0; background: #fff; color: #000; }\n" +
                "body { font-family: " + FontStack + "; font-size: 10pt; line-height: 1.35; " +
                "-webkit-print-color-adjust: exact; print-color-adjust: exact; }\n" +
                "@media screen { body { width: " + width + "; margin: 10mm auto; } }\n" +
                "h1 { font-size: 14pt; margin: 0 0 4mm; }\n" +
                ".sheet { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }\n" +
                ".card { break-inside: avoid; page-break-inside: avoid; display: flex; gap: 4mm; align-items: flex-start; " +
                "min-height: 48mm; padding: 4mm; border: 0.3mm dashed #000; background: #fff; }\n" +
                ".code { flex: none; width: " + CodeSize + "; height: " + CodeSize + "; image-rendering: pixelated; }\n" +
                ".text { flex: 1; min-width: 0; display: flex; flex-direction: column; min-height: " + CodeSize + "; }\n" +
                ".text p { margin: 0 0 1.5mm; overflow-wrap: anywhere; }\n" +
                ".ref { font-size: 9pt; }\n" +
                ".title { font-size: 12pt; font-weight: bold; }\n" +
                ".desc { white-space: pre-line; }\n" +
                ".amount { font-size: 15pt; font-weight: bold; white-space: nowrap; }\n" +
                ".text p.uri { margin: auto 0 0; font-family: \"DejaVu Sans Mono\", Consolas, Menlo, monospace; font-size: 7pt; " +
                "word-break: break-all; }\n";
        }

        /// <summary>A lang attribute for text with Thai letters (U+0E00-U+0E7F): line breaking and font choice follow it.</summary>
        private static string Lang(string? text)
        {
            if (text == null) return string.Empty;
            foreach (var c in text)
                if (c >= '\u0E00' && c <= '\u0E7F') return " lang=\"th\" xml:lang=\"th\"";
            return string.Empty;
        }

        /// <summary>
        /// Text as HTML (and XML) character data: &amp; &lt; &gt; and both quotes escaped, so a title such as
        /// "&lt;script&gt;" is shown as written; characters XML cannot hold (control characters other than tab and line
        /// ends, a lone surrogate, U+FFFE/U+FFFF) become U+FFFD.
        /// </summary>
        internal static string Encode(string text)
        {
            var sb = new StringBuilder(text.Length + 16);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '&': sb.Append("&amp;"); continue;
                    case '<': sb.Append("&lt;"); continue;
                    case '>': sb.Append("&gt;"); continue;
                    case '"': sb.Append("&quot;"); continue;
                    case '\'': sb.Append("&#39;"); continue;
                }
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[++i]);
                    continue;
                }
                var valid = c == '\t' || c == '\n' || c == '\r' || (c >= ' ' && c < '\uD800') || (c >= '\uE000' && c <= '\uFFFD');
                sb.Append(valid ? c : '\uFFFD');
            }
            return sb.ToString();
        }
    }
}
