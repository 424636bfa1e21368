using System;
using System.Globalization;
using System.Management.Automation;
using Omise.Core.Models;

namespace OmiseLinks
{
    /// <summary>
    /// How links and charges reach the pipeline. Type name OmiseLinks.Link (or OmiseLinks.Link#Reference when the input
    /// carried a reference, so the table shows that column only then). On top of the API's fields:
    /// Reference (the input row's), Reused (New-OmiseLink), AmountText ("1,500.50 THB"), and the times as text in ISO 8601
    /// with the local offset ("2026-12-01T13:17:02+07:00"): a person reads local time, and Export-Csv writes the same
    /// unambiguous text whatever the culture (a DateTime would be written as "1/12/2569 06:17:02" under th-TH).
    /// </summary>
    internal static class LinkOutput
    {
        public const string TypeName = "OmiseLinks.Link";
        public const string WithReference = "#Reference";
        public const string ChargeTypeName = "OmiseLinks.Charge";

        public static PSObject Wrap(Link link, string? reference = null, bool? reused = null)
        {
            var output = new PSObject(link);
            output.TypeNames.Insert(0, TypeName);
            if (reference != null) output.TypeNames.Insert(0, TypeName + WithReference);
            // Every field as a note property, in the order Format-List and Export-Csv show them; the times shadow the
            // API's UTC DateTime fields (the Link itself stays the base object).
            var p = output.Properties;
            p.Add(new PSNoteProperty("Reference", reference));
            if (reused.HasValue) p.Add(new PSNoteProperty("Reused", reused.Value));
            p.Add(new PSNoteProperty("Id", link.Id));
            p.Add(new PSNoteProperty("LiveMode", link.LiveMode));
            p.Add(new PSNoteProperty("Location", link.Location));
            p.Add(new PSNoteProperty("Amount", link.Amount));
            p.Add(new PSNoteProperty("Currency", link.Currency));
            p.Add(new PSNoteProperty("AmountText", FormatMoney(link.Amount, link.Currency)));
            p.Add(new PSNoteProperty("Used", link.Used));
            p.Add(new PSNoteProperty("Multiple", link.Multiple));
            p.Add(new PSNoteProperty("Title", link.Title));
            p.Add(new PSNoteProperty("Description", link.Description));
            p.Add(new PSNoteProperty("PaymentUri", link.PaymentUri));
            p.Add(new PSNoteProperty("CreatedAt", Timestamp(link.CreatedAt)));
            p.Add(new PSNoteProperty("UsedAt", Timestamp(link.UsedAt)));
            p.Add(new PSNoteProperty("Deleted", link.Deleted));
            p.Add(new PSNoteProperty("DeletedAt", Timestamp(link.DeletedAt)));
            p.Add(new PSNoteProperty("Charges", link.Charges));
            return output;
        }

        public static PSObject Wrap(Charge charge, string? reference = null)
        {
            var output = new PSObject(charge);
            output.TypeNames.Insert(0, ChargeTypeName);
            if (reference != null) output.TypeNames.Insert(0, ChargeTypeName + WithReference);
            var p = output.Properties;
            p.Add(new PSNoteProperty("Reference", reference));
            p.Add(new PSNoteProperty("Id", charge.Id));
            p.Add(new PSNoteProperty("LiveMode", charge.LiveMode));
            p.Add(new PSNoteProperty("Location", charge.Location));
            p.Add(new PSNoteProperty("Amount", charge.Amount));
            // Links say THB, charges say thb: one spelling for a person comparing them.
            p.Add(new PSNoteProperty("Currency", charge.Currency.ToUpperInvariant()));
            p.Add(new PSNoteProperty("AmountText", FormatMoney(charge.Amount, charge.Currency)));
            p.Add(new PSNoteProperty("Description", charge.Description));
            p.Add(new PSNoteProperty("Status", charge.Status));
            p.Add(new PSNoteProperty("Authorized", charge.Authorized));
            p.Add(new PSNoteProperty("Paid", charge.Paid));
            p.Add(new PSNoteProperty("PaidAt", Timestamp(charge.PaidAt)));
            p.Add(new PSNoteProperty("Transaction", charge.Transaction));
            p.Add(new PSNoteProperty("Link", charge.Link));
            p.Add(new PSNoteProperty("RefundedAmount", charge.RefundedAmount));
            p.Add(new PSNoteProperty("FailureCode", charge.FailureCode));
            p.Add(new PSNoteProperty("FailureMessage", charge.FailureMessage));
            p.Add(new PSNoteProperty("CreatedAt", Timestamp(charge.CreatedAt)));
            return output;
        }

        /// <summary>ISO 8601 with the local offset, seconds precision: "2026-12-01T13:17:02+07:00". Null stays null.</summary>
        public static string? Timestamp(DateTime? utc)
        {
            if (utc == null) return null;
            var value = DateTime.SpecifyKind(utc.Value, DateTimeKind.Utc);
            return new DateTimeOffset(value).ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        /// <summary>"1,500.50 THB": what a person reads in tables, -WhatIf and errors (JPY has no subunit).</summary>
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
