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
            problem = LinkFields.AmountProblem(amount);
            return problem == null;
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
                case double db when !double.IsNaN(db) && !double.IsInfinity(db) && Math.Abs(db) < 7.9e27: text = ((decimal)db).ToString(CultureInfo.InvariantCulture); break;
                case float f when !float.IsNaN(f) && !float.IsInfinity(f): text = ((decimal)f).ToString(CultureInfo.InvariantCulture); break;
                case long _: case int _: case short _: case byte _: case sbyte _: case ushort _: case uint _: case ulong _:
                    text = Convert.ToString(value, CultureInfo.InvariantCulture); break;
                default:
                    amount = 0;
                    problem = $"Price '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is a {value.GetType().Name}, not a number. " + LinkFields.PriceHint;
                    return false;
            }
            return LinkFields.TryParsePriceText(text, currency, out amount, out problem);
        }
    }
}
