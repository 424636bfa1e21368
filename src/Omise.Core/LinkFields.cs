using System;
using System.Globalization;

namespace Omise.Core
{
    /// <summary>
    /// The one rule for what a link's fields may hold before anything is sent. LinkCreateRequest applies it (and
    /// throws); the cmdlets apply it per input row (and report the row). Each check returns null when the value is
    /// fine, or a sentence saying what is wrong and how to fix it.
    /// </summary>
    public static class LinkFields
    {
        public static readonly string[] Currencies = { "thb", "jpy", "sgd", "myr", "usd" };

        /// <summary>A typed amount: 0 or more smallest units.</summary>
        public static string? AmountProblem(long amount) =>
            amount < 0 ? $"Amount {amount.ToString(CultureInfo.InvariantCulture)} is less than 0. Amounts are 0 or more (0 lets the customer enter the amount)." : null;

        /// <summary>
        /// An amount written as text (a CSV cell): plain digits only, white space around allowed. No sign at all
        /// ('-0' would silently be 0, '+5' and '-5' are not what an invoice means), no decimal point, no thousands
        /// separator, no exponent or hex: nothing is ever rounded or reinterpreted.
        /// </summary>
        private static readonly char[] DecimalMarks = { '.', ',' };

        public static bool TryParseAmountText(string? text, out long amount, out string? problem)
        {
            amount = 0;
            var trimmed = (text ?? string.Empty).Trim();
            problem = null;
            if (trimmed.Length == 0) problem = "is empty";
            else if (trimmed[0] == '-' || trimmed[0] == '+') problem = "has a sign (amounts are written as digits only, 0 or more)";
            else
            {
                foreach (var c in trimmed)
                {
                    if (c >= '0' && c <= '9') continue;
                    problem = trimmed.IndexOfAny(DecimalMarks) >= 0
                        ? "is not a whole number of the smallest currency unit (no decimal point or thousands separator)"
                        : "is not a whole number";
                    break;
                }
                if (problem == null && !long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out amount))
                    problem = "is too large";
            }
            if (problem == null) return true;
            problem = $"Amount '{text}' {problem}. " + AmountHint;
            return false;
        }

        public const string AmountHint = "Write the amount in the smallest currency unit as digits only " +
            "(satang or cents: 150050 for 1,500.50 THB; yen as they are); amounts are never rounded.";

        /// <summary>Digits after the decimal point in the currency's unit: JPY has none, the others two (satang, cents).</summary>
        public static int MinorDigits(string currency) =>
            string.Equals(currency, "jpy", StringComparison.OrdinalIgnoreCase) ? 0 : 2;

        /// <summary>
        /// A price in currency units written as text (1500.50 baht, 1500 yen) to the smallest unit, exactly: ASCII digits with
        /// at most one '.' and no more decimals than the currency has (zeros past them are harmless and accepted). No sign, no
        /// thousands separator or decimal comma, no exponent, no currency symbol, no other digits: whatever depends on a
        /// culture or could be misread is refused, and nothing is ever rounded.
        /// </summary>
        public static bool TryParsePriceText(string? text, string currency, out long amount, out string? problem)
        {
            amount = 0;
            var trimmed = (text ?? string.Empty).Trim();
            var digits = MinorDigits(currency);
            var unit = currency.ToUpperInvariant();
            problem = PriceTextProblem(trimmed, digits, unit);
            if (problem == null)
            {
                var point = trimmed.IndexOf('.');
                var whole = point < 0 ? trimmed : trimmed.Substring(0, point);
                var fraction = (point < 0 ? string.Empty : trimmed.Substring(point + 1)).TrimEnd('0');
                if (fraction.Length > digits)
                    problem = digits == 0
                        ? $"has decimals, and {unit} has no smaller unit"
                        : $"has {fraction.Length} decimals, and {unit} has {digits}";
                else
                {
                    var minor = whole + fraction.PadRight(digits, '0');
                    if (!long.TryParse(minor, NumberStyles.None, CultureInfo.InvariantCulture, out amount)) problem = "is too large";
                }
            }
            if (problem == null) return true;
            amount = 0;
            problem = $"Price '{text}' {problem}. " + PriceHint;
            return false;
        }

        private static string? PriceTextProblem(string trimmed, int digits, string unit)
        {
            if (trimmed.Length == 0) return "is empty";
            if (trimmed[0] == '-' || trimmed[0] == '+') return "has a sign (prices are 0 or more, written without one)";
            var points = 0;
            for (var i = 0; i < trimmed.Length; i++)
            {
                var c = trimmed[i];
                if (c >= '0' && c <= '9') continue;
                if (c == '.')
                {
                    if (++points > 1 || i == 0 || i == trimmed.Length - 1) return "is not a plain number";
                    continue;
                }
                if (c == ',') return "has a comma (a thousands separator or a decimal comma reads differently in every culture)";
                if (char.IsDigit(c)) return "has digits other than 0-9";
                if (c == 'e' || c == 'E') return "has an exponent";
                return $"is not a plain number (write the price alone, in {unit} units)";
            }
            return null;
        }

        public const string PriceHint = "Write the price in currency units with a '.' for the decimals and nothing else " +
            "(1500.50 for 1,500.50 THB; 1500 for 1,500 JPY); prices are never rounded.";

        /// <summary>The currency as sent (trimmed, lower case), or null with a problem.</summary>
        public static string? NormalizeCurrency(string? currency, out string? problem)
        {
            var lower = (currency ?? string.Empty).Trim().ToLowerInvariant();
            if (Array.IndexOf(Currencies, lower) >= 0)
            {
                problem = null;
                return lower;
            }
            problem = lower.Length == 0
                ? "Currency is empty. Use one of thb, jpy, sgd, myr, usd."
                : $"Currency '{currency}' is not one of thb, jpy, sgd, myr, usd.";
            return null;
        }

        /// <summary>
        /// Title or description: not blank, and nothing the wire or the payment page would change or that shows the
        /// text was decoded with the wrong encoding. <paramref name="field"/> names it in the message ("Title").
        /// </summary>
        public static string? TextProblem(string field, string? value) => TextProblem(field, value, withAdvice: true);

        /// <param name="withAdvice">false: leave the how-to-fix of encoding damage out (a caller that gives it once per row).</param>
        public static string? TextProblem(string field, string? value, bool withAdvice)
        {
            if (value == null || value.Trim().Length == 0)
                return $"{field} is {(string.IsNullOrEmpty(value) ? "empty" : "only white space")}; it is shown on the payment page and must say something.";
            var damage = EncodingDamage(value);
            if (damage != null)
                return $"{field} '{Shorten(value)}' {damage}" + (withAdvice ? " " + EncodingAdvice : "");
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
                if (char.IsSurrogate(c))
                    return $"{field} '{Shorten(value)}' holds a broken character (a lone UTF-16 surrogate U+{(int)c:X4} at position {i + 1}); it cannot be sent as it is. Fix the text at its source.";
                if (char.IsControl(c) && c != '\t' && c != '\n' && c != '\r')
                    return $"{field} '{Shorten(value)}' holds the control character U+{(int)c:X4} at position {i + 1}, which the payment page would not show as written. Remove it (only tabs and line breaks are kept).";
            }
            return null;
        }

        /// <summary>How to read a file whose text came out damaged.</summary>
        public const string EncodingAdvice = "Read the file with the encoding it was saved in: Import-Csv -Encoding utf8 for Excel's " +
            "\"CSV UTF-8\"; for Excel's \"CSV (Comma delimited)\" the Windows code page (Thai: Import-Csv -Encoding 874 in PowerShell 7.4+, " +
            "-Encoding Default in Windows PowerShell on a Thai system). Or save the sheet again as \"CSV UTF-8 (Comma delimited)\".";

        /// <summary>What betrays text decoded with the wrong encoding (a sentence), or null.</summary>
        public static string? EncodingDamage(string value)
        {
            if (value.IndexOf('\uFFFD') >= 0)
                return "holds U+FFFD (\uFFFD), left where bytes could not be decoded: the file was read with the wrong encoding " +
                    "(for example saved by Excel in a Windows code page and read as UTF-8).";
            // UTF-8 read as Windows-1252 / Latin-1: Thai U+0E00..U+0E7F becomes "à¸"/"à¹" + one more character; accented
            // Latin letters become "Ã" + one; punctuation such as ’ “ — becomes "â€" + one; £ ° become "Â£" "Â°".
            for (var i = 0; i + 1 < value.Length; i++)
            {
                char a = value[i], b = value[i + 1];
                var latin1Mojibake =
                    (a == '\u00E0' && (b == '\u00B8' || b == '\u00B9'))
                    || (a == '\u00C3' && (IsLatin1Continuation(b)))
                    || (a == '\u00E2' && b == '\u20AC')
                    || (a == '\u00C2' && b >= '\u00A1' && b <= '\u00BF');
                if (latin1Mojibake)
                    return $"holds '{a}{b}', the mark of UTF-8 text read as Windows-1252/Latin-1: the file was saved as UTF-8 and read with another encoding.";
            }
            // UTF-8 Thai read as Windows-874: every Thai character becomes "เธ" or "เน" plus one more, so the text is
            // almost nothing but those pairs. Real Thai has the pair only now and then ("เธอ").
            int pairs = 0, thai = 0;
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] >= '\u0E00' && value[i] <= '\u0E7F') thai++;
                if (value[i] == '\u0E40' && i + 1 < value.Length && (value[i + 1] == '\u0E18' || value[i + 1] == '\u0E19')) pairs++;
            }
            if (pairs >= 2 && pairs * 3 >= thai * 0.8)
                return "is made of 'เธ'/'เน' sequences, the mark of UTF-8 Thai text read as Windows-874: the file was saved as UTF-8 and read with the Thai code page.";
            return null;
        }

        private static bool IsLatin1Continuation(char c) =>
            (c >= '\u0080' && c <= '\u00BF') || c == '\u0152' || c == '\u0153' || c == '\u0160' || c == '\u0161' || c == '\u0178'
            || c == '\u017D' || c == '\u017E' || c == '\u0192' || c == '\u02C6' || c == '\u02DC' || (c >= '\u2013' && c <= '\u2122');

        private static string Shorten(string value) => value.Length <= 40 ? value : value.Substring(0, 39) + "…";
    }
}
