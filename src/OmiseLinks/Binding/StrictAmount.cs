using System;
using System.Globalization;
using System.Management.Automation;
using Omise.Core;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Reads what a CSV or a script gives for an amount without PowerShell's forgiving conversions
    /// ([long]"1500.50" is 1500, [long]"1,500" is 1500, [long]"1e3" is 1000, [long]"0x10" is 16, -0 is 0).
    /// Text goes through the core's one rule (digits only, no sign); a typed number must be integral and 0 or more.
    /// Nothing is ever rounded. Runs in ProcessRecord, so a refusal is that row's error, with its number.
    /// </summary>
    internal static class StrictAmount
    {
        public static bool TryRead(object? inputData, out long amount, out string? problem)
        {
            if (!TryReadWhole(inputData, out amount, out problem)) return false;
            problem = LinkFields.AmountProblem(amount);
            return problem == null;
        }

        /// <summary>A whole number, not rounded; a typed number may be negative (the range is checked apart).</summary>
        public static bool TryReadWhole(object? inputData, out long amount, out string? problem)
        {
            amount = 0;
            problem = null;
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    problem = "Amount is empty. " + LinkFields.AmountHint;
                    return false;
                case string text:
                    return LinkFields.TryParseAmountText(text, out amount, out problem);
                case long l: amount = l; break;
                case int i: amount = i; break;
                case short s: amount = s; break;
                case byte b: amount = b; break;
                case sbyte sb: amount = sb; break;
                case ushort us: amount = us; break;
                case uint ui: amount = ui; break;
                case ulong ul when ul <= long.MaxValue: amount = (long)ul; break;
                case decimal d when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue: amount = (long)d; break;
                case double db when db == Math.Floor(db) && Math.Abs(db) < 9007199254740992d: amount = (long)db; break;
                case float f when f == Math.Floor(f) && Math.Abs(f) < 16777216f: amount = (long)f; break;
                case decimal _:
                case double _:
                case float _:
                    problem = $"Amount '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not a whole number. " + LinkFields.AmountHint;
                    return false;
                default:
                    problem = $"Amount '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is a {value.GetType().Name}, not a whole number. " + LinkFields.AmountHint;
                    return false;
            }
            return true;
        }

        /// <summary>
        /// A price in currency units (a CSV cell, or a number typed in a script) to the smallest unit of <paramref name="currency"/>,
        /// exactly. A typed number goes through the same text rule in its invariant form, so 1500.5 and "1500.5" read alike.
        /// </summary>
        public static bool TryReadPrice(object? inputData, string currency, out long amount, out string? problem)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            string? text;
            switch (value)
            {
                case null: text = null; break;
                case string s: text = s; break;
                case decimal d: text = d.ToString(CultureInfo.InvariantCulture); break;
                case double db:
                    if (!TypedText(db.ToString("R", CultureInfo.InvariantCulture), "double", 15, out text, out problem)) { amount = 0; return false; }
                    break;
                case float f:
                    if (!TypedText(f.ToString("R", CultureInfo.InvariantCulture), "float", 6, out text, out problem)) { amount = 0; return false; }
                    break;
                case long _: case int _: case short _: case byte _: case sbyte _: case ushort _: case uint _: case ulong _:
                    text = Convert.ToString(value, CultureInfo.InvariantCulture); break;
                default:
                    amount = 0;
                    problem = $"Price '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is a {value.GetType().Name}, not a number. " + LinkFields.PriceHint;
                    return false;
            }
            return LinkFields.TryParsePriceText(text, currency, out amount, out problem);
        }

        /// <summary>
        /// A [double] or [float] price as the decimal text it was typed as. Its shortest round-trip form ("R") is that text
        /// whenever the typed number had no more significant digits than the type keeps exactly (15 for a double, 6 for a
        /// float): then it is read exactly, as the text would be. Past that the value may not be the one typed
        /// ([double]12345678901234.56, [float]123456.78 is 123456.78125), so it is refused rather than rounded.
        /// </summary>
        private static readonly char[] Exponent = { 'E', 'e' };

        private static bool TypedText(string roundTrip, string type, int exactDigits, out string? text, out string? problem)
        {
            text = null;
            problem = null;
            if (!decimal.TryParse(roundTrip, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
            {
                problem = $"Price {roundTrip} (a [{type}]) is not a price in currency units. " + LinkFields.PriceHint;
                return false;
            }
            var mantissa = roundTrip.TrimStart('-');
            var e = mantissa.IndexOfAny(Exponent);
            if (e >= 0) mantissa = mantissa.Substring(0, e);
            // The shortest round-trip digits: 1E+15 and 1000000000000000 are both one digit, 0.0015 two.
            var digits = mantissa.Replace(".", "").TrimStart('0').TrimEnd('0').Length;
            if (digits > exactDigits)
            {
                var asText = exact.ToString(CultureInfo.InvariantCulture);
                problem = $"Price {asText} was given as a [{type}], which holds only {exactDigits} significant digits exactly, so it may not be " +
                    $"the price that was typed. Give it as text ('{asText}') or as a [decimal] ({asText}d). " + LinkFields.PriceHint;
                return false;
            }
            text = exact.ToString(CultureInfo.InvariantCulture);
            return true;
        }
    }

    /// <summary>
    /// -Amount on the command line: the same strict reading, at binding, so 1500.50 or "1,500" fails with PowerShell's own
    /// error and is never rounded by the binder's conversion to long. The range (0 or more) is the parameter's ValidateRange.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class StrictAmountAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            // `-Amount -1` arrives as the text "-1": handed on as the number, so the range refuses it as it does (-1). "-0"
            // and "+5" stay refused here: a sign is never dropped.
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value is string text && text.Trim() is var trimmed && trimmed.StartsWith("-", StringComparison.Ordinal)
                && LinkFields.TryParseAmountText(trimmed.Substring(1), out var magnitude, out _) && magnitude > 0)
                return -magnitude;
            if (StrictAmount.TryReadWhole(inputData, out var amount, out var problem)) return amount;
            throw new ArgumentTransformationMetadataException(problem);
        }
    }
}
