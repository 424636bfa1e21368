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

        /// <summary>Output each removed link (Deleted is True) instead of nothing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing() => ResolveSession();

        protected override void ProcessRecord()
        {
            foreach (var id in Id)
            {
                if (!IsLinkId(id) || !ShouldProcess(id, "Remove payment link")) continue;
                try
                {
                    var link = Run(ct => Client.DeleteLinkAsync(id, ct));
                    WriteVerbose($"Removed {link.Id} ('{link.Title}', {LinkOutput.FormatMoney(link.Amount, link.Currency)})");
                    if (PassThru) WriteLink(link);
                }
                catch (OmiseApiException ex)
                {
                    var context = ex.StatusCode == 404
                        ? $"Could not remove the link {id}: there is no such link, or it was removed already"
                        : $"Could not remove the link {id}";
                    WriteApiError(ex, id, context);
                }
            }
        }
    }
}
