using System;
using System.Management.Automation;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;
using OmiseLinks.Completion;

namespace OmiseLinks.Commands
{
    /// <summary>
    /// Remove-OmiseLink: deletes links so they can no longer be paid. The API keeps a deleted link (Deleted is True);
    /// removing it again, like removing an unknown id, is a non-terminating ObjectNotFound error for that id.
    /// -WhatIf and -Confirm name what is removed: the reference, the title, the amount and whether it was paid, from
    /// the piped link or row, or read from the API when only an id is given.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "OmiseLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Link))]
    public sealed class RemoveOmiseLinkCommand : LinkCommandBase
    {
        /// <summary>The id of a link to remove (link_...); ids, links and rows with an Id or LinkId column can be piped in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("LinkId")]
        [LinkId]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LinkIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary>The reference (invoice...) of the input row or link, shown in -WhatIf/-Confirm and errors and copied onto -PassThru output. Not sent to Omise.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Invoice", "InvoiceId", "InvoiceNumber", "InvoiceNo", "OrderId", "Ref",
            "Invoice No", "Invoice No.", "Invoice #", "Invoice Number", "Reference No", "Ref No")]
        public string? Reference { get; set; }

        /// <summary>Output each removed link (Deleted is True) instead of nothing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The piped object itself (a link or a row), read for its title and amount to name it in -WhatIf/-Confirm.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        protected override void BeginProcessing() => ResolveSession();

        protected override void ProcessRecord()
        {
            var reference = ReferenceOf(Reference);
            foreach (var id in Id)
            {
                if (!ShouldProcess(Describe(id, reference), "Remove payment link")) continue;
                try
                {
                    var link = Run(ct => Client.DeleteLinkAsync(id, ct));
                    WriteVerbose($"Removed {Named(link.Id, reference)} ('{link.Title}', {LinkOutput.FormatMoney(link.Amount, link.Currency)})");
                    if (PassThru) WriteLink(link, reference);
                }
                catch (OmiseApiException ex)
                {
                    var context = ex.StatusCode == 404
                        ? $"Could not remove the link {Named(id, reference)}: there is no such link, or it was removed already"
                        : $"Could not remove the link {Named(id, reference)}";
                    WriteApiError(ex, id, context);
                }
            }
        }

        /// <summary>"link_x [INV-1007] 'Invoice 1007' 1,500.50 THB, unpaid": what a person confirms.</summary>
        private string Describe(string id, string? reference)
        {
            string? title = null, money = null, state = null;
            var piped = Id.Length == 1 ? InputObject : null;
            if (piped?.BaseObject is Link || (piped != null && piped.Properties["Title"] != null))
            {
                title = piped.Properties["Title"]?.Value?.ToString();
                money = piped.Properties["AmountText"]?.Value?.ToString();
                if (money == null && LinkFields.TryParseAmountText(piped.Properties["Amount"]?.Value?.ToString(), out var amount, out _)
                    && piped.Properties["Currency"]?.Value is object currency)
                    money = LinkOutput.FormatMoney(amount, currency.ToString());
                bool Flag(string name) => string.Equals(piped.Properties[name]?.Value?.ToString(), "True", StringComparison.OrdinalIgnoreCase);
                state = Flag("Deleted") ? "removed already" : Flag("Multiple") ? "multiple-use" : Flag("Used") ? "paid" : piped.Properties["Used"] != null ? "unpaid" : null;
            }
            else
            {
                // Only an id: read the link (a GET changes nothing) so the question names what it removes.
                try
                {
                    var link = Run(ct => Client.GetLinkAsync(id, ct));
                    title = link.Title;
                    money = LinkOutput.FormatMoney(link.Amount, link.Currency);
                    state = link.Deleted ? "removed already" : link.Multiple ? "multiple-use" : link.Used ? "paid" : "unpaid";
                }
                catch (OmiseApiException) { }
            }
            var text = reference == null ? id : $"{id} [{reference}]";
            if (title != null) text += $" '{title}'";
            if (money != null) text += " " + money;
            if (state != null) text += ", " + state;
            return text;
        }
    }
}
