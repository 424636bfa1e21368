using System;
using System.Globalization;
using System.Text;

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
            if (IsInvisible(value))
                return $"{field} is made only of invisible characters ({Codes(value)}); it would show as blank on the payment page and must say something.";
            var damage = EncodingDamage(value);
            if (damage != null)
                return $"{field} '{Shorten(value)}' {damage}" + (withAdvice ? " " + EncodingAdviceFor(value) : "");
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

        /// <summary>
        /// Text that shows nothing: white space, format characters (zero-width space U+200B, BOM U+FEFF, word joiner U+2060,
        /// direction marks...), fillers that render blank (Hangul fillers U+3164, U+115F, U+1160, U+FFA0; braille blank
        /// U+2800), the combining grapheme joiner and variation selectors.
        /// </summary>
        public static bool IsInvisible(string value)
        {
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (char.IsWhiteSpace(c)) continue;
                var category = CharUnicodeInfo.GetUnicodeCategory(value, i);
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    // Tags (U+E0000-E007F) and variation selectors supplement (U+E0100-E01EF) are invisible.
                    var code = char.ConvertToUtf32(c, value[i + 1]);
                    if (category != UnicodeCategory.Format && !(code >= 0xE0100 && code <= 0xE01EF)) return false;
                    i++;
                    continue;
                }
                if (category == UnicodeCategory.Format) continue;
                if (c == '\u3164' || c == '\u115F' || c == '\u1160' || c == '\uFFA0' || c == '\u2800' || c == '\u034F' || c == '\u180E') continue;
                if (c >= '\uFE00' && c <= '\uFE0F') continue;
                return false;
            }
            return true;
        }

        private static string Codes(string value)
        {
            var codes = new System.Collections.Generic.List<string>();
            for (var i = 0; i < value.Length && codes.Count < 4; i++)
            {
                if (char.IsWhiteSpace(value[i]) && value[i] == ' ') continue;
                var code = char.IsHighSurrogate(value[i]) && i + 1 < value.Length ? char.ConvertToUtf32(value[i], value[++i]) : value[i];
                var name = "U+" + code.ToString("X4", CultureInfo.InvariantCulture);
                if (!codes.Contains(name)) codes.Add(name);
            }
            return string.Join(", ", codes);
        }

        /// <summary>How to read a file whose text came out damaged.</summary>
        public const string EncodingAdvice = "Read the file with the encoding it was saved in: Import-Csv -Encoding utf8 for Excel's " +
            "\"CSV UTF-8\"; for Excel's \"CSV (Comma delimited)\" the Windows code page (Thai: Import-Csv -Encoding 874 in PowerShell 7.4+, " +
            "-Encoding Default in Windows PowerShell on a Thai system). Or save the sheet again as \"CSV UTF-8 (Comma delimited)\".";

        /// <summary>
        /// How to read a file of Thai text saved in the Thai Windows code page (874) that was read as Windows-1252/Latin-1.
        /// Windows PowerShell 5.1's -Encoding cannot name code page 874 (its Default is the system's code page, 874 only on a
        /// Thai Windows), so it reads the text with .NET and ConvertFrom-Csv.
        /// </summary>
        public const string ThaiCodePageAdvice = "Read the file as code page 874 (Thai Windows, Excel's \"CSV (Comma delimited)\" on a Thai " +
            "system): in PowerShell 7.4+ Import-Csv .\\invoices.csv -Encoding 874; in Windows PowerShell 5.1 " +
            "[IO.File]::ReadAllText((Convert-Path .\\invoices.csv), [Text.Encoding]::GetEncoding(874)) | ConvertFrom-Csv. " +
            "Or open the file in Excel and save it again as \"CSV UTF-8 (Comma delimited)\", then Import-Csv -Encoding utf8.";

        /// <summary>The fix for the damage <see cref="EncodingDamage"/> finds in <paramref name="value"/>.</summary>
        public static string EncodingAdviceFor(string value) => ThaiCodePageDamage(value) != null ? ThaiCodePageAdvice : EncodingAdvice;

        // Thai code page 874 text read as 1252 holds "à¸" wherever the Thai has "เธ", which alone would look like UTF-8
        // read as 1252; UTF-8 bytes, though, make valid UTF-8 again, and 874 bytes do not.
        private static string? ThaiCodePageDamage(string value) =>
            ThaiCodePageRead(value) is string thai && !IsUtf8ReadAs1252(value) ? thai : null;

        /// <summary>
        /// Thai text saved in code page 874 (TIS-620: byte 0xA0+n is U+0E00+n) and read as Windows-1252/Latin-1 turns into runs
        /// of Latin-1 letters and signs (ค่าเช่า becomes ¤èÒàªèÒ). Three or more such characters in a row that all are Thai in
        /// code page 874, one of them a consonant, is that damage (European text does not put three accented letters in a
        /// row). Returns the text as code page 874 would have read it, or null.
        /// </summary>
        public static string? ThaiCodePageRead(string value)
        {
            int run = 0;
            var consonant = false;
            var found = false;
            for (var i = 0; i <= value.Length && !found; i++)
            {
                var c = i < value.Length ? value[i] : '\0';
                if (c >= '\u00A1' && c <= '\u00FB' && !(c >= '\u00DB' && c <= '\u00DE'))
                {
                    run++;
                    consonant |= c <= '\u00CE';
                    continue;
                }
                found = run >= 3 && consonant;
                run = 0;
                consonant = false;
            }
            if (!found) return null;
            var repaired = new StringBuilder(value.Length);
            foreach (var c in value)
                repaired.Append(c >= '\u00A1' && c <= '\u00FB' && !(c >= '\u00DB' && c <= '\u00DE') ? (char)(c - 0xA0 + 0x0E00) : c);
            return repaired.ToString();
        }

        /// <summary>What betrays text decoded with the wrong encoding (a sentence), or null.</summary>
        public static string? EncodingDamage(string value)
        {
            // Checked first: see ThaiCodePageDamage.
            var thaiText = ThaiCodePageDamage(value);
            if (thaiText != null)
                return $"looks like Thai text saved in the Thai Windows code page (874) and read as Windows-1252/Latin-1: read as 874 it says '{Shorten(thaiText)}'.";
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

        // Windows-1252's characters for bytes 0x80-0x9F (Latin-1 keeps them as C1 controls, which map back as they are).
        private const string Cp1252High = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
            "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

        /// <summary>The text's Windows-1252/Latin-1 bytes are valid UTF-8 with at least one multi-byte character.</summary>
        private static bool IsUtf8ReadAs1252(string value)
        {
            var bytes = new byte[value.Length];
            var multiByte = false;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                var high = Cp1252High.IndexOf(c);
                if (high >= 0) bytes[i] = (byte)(0x80 + high);
                else if (c <= '\u00FF') bytes[i] = (byte)c;
                else return false;
                multiByte |= bytes[i] >= 0x80;
            }
            if (!multiByte) return false;
            try
            {
                new UTF8Encoding(false, true).GetString(bytes);
                return true;
            }
            catch (ArgumentException) { return false; }
        }

        private static bool IsLatin1Continuation(char c) =>
            (c >= '\u0080' && c <= '\u00BF') || c == '\u0152' || c == '\u0153' || c == '\u0160' || c == '\u0161' || c == '\u0178'
            || c == '\u017D' || c == '\u017E' || c == '\u0192' || c == '\u02C6' || c == '\u02DC' || (c >= '\u2013' && c <= '\u2122');

        private static string Shorten(string value) => value.Length <= 40 ? value : value.Substring(0, 39) + "…";
    }
}
