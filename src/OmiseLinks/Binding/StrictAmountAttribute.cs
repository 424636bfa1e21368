using System;
using System.Globalization;
using System.Management.Automation;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Turns what a CSV or a script gives for an amount into a long without PowerShell's forgiving conversions
    /// ([long]"1500.50" is 1500, [long]"1,500" is 1500, [long]"1e3" is 1000, [long]"0x10" is 16).
    /// Only plain digits (an optional leading minus, white space around) or an integral number are accepted;
    /// anything else fails binding for that row. Nothing is ever rounded.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class StrictAmountAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => Parse(inputData);

        internal static long Parse(object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    throw Fail("(empty)", "is empty");
                case long l: return l;
                case int i: return i;
                case short s: return s;
                case byte b: return b;
                case sbyte sb: return sb;
                case ushort us: return us;
                case uint ui: return ui;
                case ulong ul when ul <= long.MaxValue: return (long)ul;
                case decimal d when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue: return (long)d;
                case double db when db == Math.Floor(db) && Math.Abs(db) < 9007199254740992d: return (long)db;
                case float f when f == Math.Floor(f) && Math.Abs(f) < 16777216f: return (long)f;
                case string text: return ParseText(text);
                case decimal _:
                case double _:
                case float _:
                    throw Fail(Convert.ToString(value, CultureInfo.InvariantCulture), "is not a whole number");
                default:
                    throw Fail(Convert.ToString(value, CultureInfo.InvariantCulture), $"is a {value.GetType().Name}, not a whole number");
            }
        }

        private static long ParseText(string text)
        {
            var trimmed = text.Trim();
            if (trimmed.Length == 0) throw Fail(text, "is empty");
            var digitsFrom = trimmed[0] == '-' ? 1 : 0;
            if (digitsFrom == trimmed.Length) throw Fail(text, "is not a number");
            for (var i = digitsFrom; i < trimmed.Length; i++)
            {
                if (trimmed[i] < '0' || trimmed[i] > '9')
                    throw Fail(text, trimmed.IndexOfAny(new[] { '.', ',' }) >= 0
                        ? "is not a whole number of the smallest currency unit (no decimal point or thousands separator)"
                        : "is not a whole number");
            }
            if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
                throw Fail(text, "is too large");
            return amount;
        }

        private static ArgumentTransformationMetadataException Fail(string? shown, string problem) =>
            new ArgumentTransformationMetadataException(
                $"Amount '{shown}' {problem}. Write the amount in the smallest currency unit as digits only " +
                "(satang or cents: 150050 for 1,500.50 THB; yen as they are); amounts are never rounded.");
    }
}
