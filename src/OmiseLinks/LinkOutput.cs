using System.Globalization;
using System.Management.Automation;
using Omise.Core.Models;

namespace OmiseLinks
{
    /// <summary>How links reach the pipeline: type name OmiseLinks.Link, so the format file's table applies.</summary>
    internal static class LinkOutput
    {
        public const string TypeName = "OmiseLinks.Link";
        public const string ChargeTypeName = "OmiseLinks.Charge";

        public static PSObject Wrap(Link link)
        {
            var output = new PSObject(link);
            output.TypeNames.Insert(0, TypeName);
            return output;
        }

        public static PSObject Wrap(Charge charge)
        {
            var output = new PSObject(charge);
            output.TypeNames.Insert(0, ChargeTypeName);
            return output;
        }

        /// <summary>"1,500.50 THB": what a person reads in -WhatIf and errors (JPY has no subunit).</summary>
        public static string FormatMoney(long amount, string currency)
        {
            var upper = currency.ToUpperInvariant();
            if (upper == "JPY") return amount.ToString("N0", CultureInfo.InvariantCulture) + " " + upper;
            var units = amount / 100;
            var cents = amount % 100;
            return units.ToString("N0", CultureInfo.InvariantCulture) + "." + cents.ToString("00", CultureInfo.InvariantCulture) + " " + upper;
        }
    }
}
