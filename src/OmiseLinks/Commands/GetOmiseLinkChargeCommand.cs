using System;
using System.Management.Automation;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;
using OmiseLinks.Completion;

namespace OmiseLinks.Commands
{
    /// <summary>Get-OmiseLinkCharge: the charges customers made through links, oldest first, every page streamed.</summary>
    [Cmdlet(VerbsCommon.Get, "OmiseLinkCharge", SupportsPaging = true)]
    [OutputType(typeof(Charge))]
    public sealed class GetOmiseLinkChargeCommand : LinkCommandBase
    {
        /// <summary>The id of the link whose charges to get (link_...); ids, links and rows with an Id or LinkId column can be piped in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias(LinkIdAttribute.Alias)]
        [LinkId]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LinkIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary>The reference (invoice...) of the input row or link, copied onto what this command outputs, so results join back to their rows. Not sent to Omise.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Invoice", "InvoiceId", "InvoiceNumber", "InvoiceNo", "OrderId", "Ref",
            "Invoice No", "Invoice No.", "Invoice #", "Invoice Number", "Reference No", "Ref No")]
        public string? Reference { get; set; }

        protected override void BeginProcessing() => ResolveSession();

        protected override void ProcessRecord()
        {
            var reference = ReferenceOf(Reference);
            foreach (var id in Id)
            {
                if (!IsLinkId(id)) continue;
                try
                {
                    WritePages(LinkPaging.Charges(Client, id, RequestedWindow()), charge => WriteObject(LinkOutput.Wrap(charge, reference)));
                    ResolveSession().RememberLink(id);
                }
                catch (OmiseApiException ex)
                {
                    WriteApiError(ex, id, $"Could not get the charges of the link {Named(id, reference)}");
                }
            }
        }
    }
}
