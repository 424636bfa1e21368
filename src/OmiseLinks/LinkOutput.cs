using System;
using System.Globalization;
using System.Management.Automation;
using Omise.Core;
using Omise.Core.Models;

namespace OmiseLinks
{
    /// <summary>
    /// How links and charges reach the pipeline. Type name OmiseLinks.Link (or OmiseLinks.Link#Reference when the input
    /// carried a reference, so the table shows that column only then). On top of the API's fields:
    /// Reference (the input row's), Reused (New-OmiseLink), AmountText ("1,500.50 THB"), a link's Status (unpaid, paid, multi,
    /// removed), and the times as <see cref="OmiseLinks.Timestamp"/>: they compare and sort as times against Get-Date, and print
    /// and export as ISO 8601 with the local offset ("2026-12-01T13:17:02+07:00") whatever the culture (a DateTime would be
    /// written as "1/12/2569 06:17:02" under th-TH).
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
            p.Add(new PSNoteProperty("Status", StatusOf(link)));
            p.Add(new PSNoteProperty("Used", link.Used));
            p.Add(new PSNoteProperty("Multiple", link.Multiple));
            p.Add(new PSNoteProperty("Title", link.Title));
            p.Add(new PSNoteProperty("Description", link.Description));
            p.Add(new PSNoteProperty("PaymentUri", link.PaymentUri));
            p.Add(new PSNoteProperty("CreatedAt", Timestamp.FromUtc(link.CreatedAt)));
            p.Add(new PSNoteProperty("UsedAt", Timestamp.FromUtc(link.UsedAt)));
            p.Add(new PSNoteProperty("Deleted", link.Deleted));
            p.Add(new PSNoteProperty("DeletedAt", Timestamp.FromUtc(link.DeletedAt)));
            p.Add(new PSNoteProperty("Charges", link.Charges));
            return output;
        }

        /// <summary>
        /// Copies the input row's other columns (e-mail, customer name...) onto the output link, after its own properties, so
        /// one Export-Csv holds what a mail merge needs. Columns the command read, and names the link already has, are skipped.
        /// </summary>
        public static void AddInputColumns(PSObject output, PSObject row, Func<string, bool> readByCommand)
        {
            foreach (var column in row.Properties)
            {
                if (readByCommand(column.Name) || output.Properties[column.Name] != null) continue;
                object? value;
                try { value = column.Value; }
                catch (GetValueException) { continue; }
                output.Properties.Add(new PSNoteProperty(column.Name, value));
            }
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
            p.Add(new PSNoteProperty("PaidAt", Timestamp.FromUtc(charge.PaidAt)));
            p.Add(new PSNoteProperty("Transaction", charge.Transaction));
            p.Add(new PSNoteProperty("Link", charge.Link));
            p.Add(new PSNoteProperty("RefundedAmount", charge.RefundedAmount));
            p.Add(new PSNoteProperty("FailureCode", charge.FailureCode));
            p.Add(new PSNoteProperty("FailureMessage", charge.FailureMessage));
            p.Add(new PSNoteProperty("CreatedAt", Timestamp.FromUtc(charge.CreatedAt)));
            return output;
        }

        /// <summary>
        /// What a person asks of a link: removed (deleted), multi (multiple-use, payable until removed), paid (a single-use
        /// link that was paid) or unpaid. The default table's Status column, and a property for Where-Object and Export-Csv.
        /// </summary>
        public static string StatusOf(Link link) =>
            link.Deleted ? "removed" : link.Multiple ? "multi" : link.Used ? "paid" : "unpaid";

        /// <summary>"1,500.50 THB", "1,500 JPY": what a person reads in tables, -WhatIf and errors.</summary>
        public static string FormatMoney(long amount, string currency)
        {
            var upper = currency.ToUpperInvariant();
            var digits = LinkFields.MinorDigits(currency);
            if (digits == 0) return amount.ToString("N0", CultureInfo.InvariantCulture) + " " + upper;
            var scale = (long)Math.Pow(10, digits);
            var units = amount / scale;
            var minor = amount % scale;
            return units.ToString("N0", CultureInfo.InvariantCulture) + "." + minor.ToString(new string('0', digits), CultureInfo.InvariantCulture) + " " + upper;
        }
    }
}
