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
    /// removing an unknown id is a non-terminating ObjectNotFound error for that id.
    /// -WhatIf and -Confirm name what is removed: the reference, the title, the amount and whether it was paid, from
    /// a piped link, or read from the API (a GET) for an id or a CSV row, whose copy may be stale. A link removed already
    /// is a warning, not an error, and -PassThru writes it: a removal script can be run again.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "OmiseLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Link))]
    public sealed class RemoveOmiseLinkCommand : LinkCommandBase
    {
        /// <summary>The id of a link to remove (link_...); ids, links and rows with an Id or LinkId column can be piped in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias(LinkIdAttribute.Alias)]
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
                if (!IsLinkId(id)) continue;
                try
                {
                    // An unknown id is reported as not found here, before -WhatIf or -Confirm would offer to remove it.
                    if (!ShouldProcess(Describe(id, reference), "Remove payment link")) continue;
                    var link = Run(ct => Client.DeleteLinkAsync(id, null, ct));
                    ResolveSession().ForgetLink(link.Id);
                    WriteVerbose($"Removed {Named(link.Id, reference)} ('{link.Title}', {LinkOutput.FormatMoney(link.Amount, link.Currency)})");
                    if (PassThru) WriteLink(link, reference);
                }
                catch (OmiseApiException ex)
                {
                    Link? removed = null;
                    OmiseApiException? readFailure = null;
                    if (ex.StatusCode == 404) removed = RemovedAlready(id, out readFailure);
                    // A refused key while reading goes the one way a refused key goes: it ends the command.
                    if (readFailure != null && (readFailure.IsKeyRefused || readFailure.IsProxyAuthenticationRequired))
                        WriteApiError(readFailure, id, $"Could not remove the link {Named(id, reference)}");
                    if (removed != null)
                    {
                        // Removing what is gone already is the state asked for: a removal script can be run again.
                        var when = removed.DeletedAt.HasValue ? " at " + Timestamp.FromUtc(removed.DeletedAt) : string.Empty;
                        WriteWarning($"The link {Named(removed.Id, reference)} ('{removed.Title}', {LinkOutput.FormatMoney(removed.Amount, removed.Currency)}) was removed already{when}; nothing to do.");
                        ResolveSession().ForgetLink(removed.Id);
                        if (PassThru) WriteLink(removed, reference);
                        continue;
                    }
                    var context = ex.StatusCode != 404 ? $"Could not remove the link {Named(id, reference)}"
                        : readFailure == null ? $"Could not remove the link {Named(id, reference)}: there is no such link"
                        : $"Could not remove the link {Named(id, reference)}: reading it to tell whether it was removed already failed ({readFailure.Message})";
                    WriteApiError(ex, id, context);
                }
            }
        }

        /// <summary>
        /// After a 404 to DELETE: the link when the API still has it as removed (Deleted), else null: no such link, or
        /// <paramref name="failure"/> when the read itself failed (other than 404).
        /// </summary>
        private Link? RemovedAlready(string id, out OmiseApiException? failure)
        {
            failure = null;
            try
            {
                var link = Run(ct => Client.GetLinkAsync(id, null, ct));
                return link.Deleted ? link : null;
            }
            catch (OmiseApiException ex)
            {
                if (ex.StatusCode != 404) failure = ex;
                return null;
            }
        }

        /// <summary>"link_x [INV-1007] 'Invoice 1007' 1,500.50 THB, unpaid": what a person confirms.</summary>
        private string Describe(string id, string? reference)
        {
            string? title = null, money = null, state = null;
            // A piped Link is current; a row of an exported CSV may be stale (paid since), and a bare id says nothing:
            // then read the link (a GET changes nothing) so the question names what it removes as it is now.
            var link = Id.Length == 1 ? InputObject?.BaseObject as Link : null;
            if (link == null)
            {
                // 404 goes on to the caller (no such link), and so does a refused key (it ends the command); any other
                // failure only costs the description.
                try { link = Run(ct => Client.GetLinkAsync(id, null, ct)); }
                catch (OmiseApiException ex) when (ex.StatusCode != 404 && !ex.IsKeyRefused && !ex.IsProxyAuthenticationRequired)
                {
                    WriteWarning($"Could not read the link {Named(id, reference)} to describe it ({ex.Message}); it is named by its id only.");
                }
            }
            if (link != null)
            {
                title = link.Title;
                money = LinkOutput.FormatMoney(link.Amount, link.Currency);
                state = link.Deleted ? "removed already" : link.Multiple ? "multiple-use" : link.Used ? "paid" : "unpaid";
            }
            var text = reference == null ? id : $"{id} [{reference}]";
            if (title != null) text += $" '{title}'";
            if (money != null) text += " " + money;
            if (state != null) text += ", " + state;
            return text;
        }
    }
}
