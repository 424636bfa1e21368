using System.Globalization;

namespace OmiseLinks.Demo;

/// <summary>
/// An amount in the smallest unit shown in major units: 250000 THB is "2,500.00 THB", 35000 JPY is "35,000 JPY".
/// (The module formats money the same way for its own messages; the demo loads the module only through
/// Import-Module, as a user would, so it cannot call that code.)
/// </summary>
public static class MoneyText
{
    public static string Format(long amount, string currency)
    {
        var code = currency.ToUpperInvariant();
        if (code == "JPY") return amount.ToString("N0", CultureInfo.InvariantCulture) + " " + code;
        var major = decimal.Divide(amount, 100m);
        return major.ToString("N2", CultureInfo.InvariantCulture) + " " + code;
    }

    /// <summary>As <see cref="Format(long, string)"/> for the text of a CSV cell; text that is not a whole number is shown as it is.</summary>
    public static string Format(string? amount, string? currency)
    {
        if (long.TryParse(amount, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && !string.IsNullOrEmpty(currency))
            return Format(value, currency);
        return $"{amount} {currency?.ToUpperInvariant()}".Trim();
    }
}
