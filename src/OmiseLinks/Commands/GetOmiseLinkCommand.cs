using System;
using System.Management.Automation;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;
using OmiseLinks.Completion;

namespace OmiseLinks.Commands
{
    /// <summary>
    /// Get-OmiseLink: links by id; or every link (GET /links), streamed page by page; or a search (GET /search)
    /// by text and filters. Deleted links are left out of lists and searches unless -IncludeDeleted.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OmiseLink", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [OutputType(typeof(Link))]
    public sealed class GetOmiseLinkCommand : LinkCommandBase
    {
        private const string IdSet = "Id";
        private const string ListSet = "List";
        private const string SearchSet = "Search";

        /// <summary>The id of a link to get (link_...); ids, links and rows with an Id or LinkId column can be piped in.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias(LinkIdAttribute.Alias)]
        [LinkId]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LinkIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary>The reference (invoice...) of the input row or link, copied onto what this command outputs, so results join back to their rows. Not sent to Omise.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [Alias("Invoice", "InvoiceId", "InvoiceNumber", "InvoiceNo", "OrderId", "Ref",
            "Invoice No", "Invoice No.", "Invoice #", "Invoice Number", "Reference No", "Ref No")]
        public string? Reference { get; set; }

        /// <summary>Only links created at or after this time (a date without a zone is local time; text is read as ISO 8601, Gregorian calendar).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [InvariantDate]
        public DateTime? From { get; set; }

        /// <summary>Only links created at or before this time (a date without a zone is local time; text is read as ISO 8601, Gregorian calendar).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [InvariantDate]
        public DateTime? To { get; set; }

        /// <summary>Text to search for in the links' titles, descriptions and ids, such as an invoice number.</summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateNotNullOrEmpty]
        public string? Query { get; set; }

        /// <summary>Search only links that are used ($true: single-use links already paid) or not used ($false).</summary>
        [Parameter(ParameterSetName = SearchSet)]
        public bool? Used { get; set; }

        /// <summary>Search only multiple-use links ($true) or only single-use links ($false).</summary>
        [Parameter(ParameterSetName = SearchSet)]
        public bool? Multiple { get; set; }

        /// <summary>Search only links in this currency.</summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateSet("thb", "jpy", "sgd", "myr", "usd", IgnoreCase = true)]
        public string? Currency { get; set; }

        /// <summary>Oldest first (Chronological, the default) or newest first (ReverseChronological).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = SearchSet)]
        public ListOrder Order { get; set; } = ListOrder.Chronological;

        /// <summary>Also list links that were removed (Deleted is True); they are left out by default.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = SearchSet)]
        public SwitchParameter IncludeDeleted { get; set; }

        protected override void BeginProcessing() => ResolveSession();

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case IdSet:
                    foreach (var id in Id) GetOne(id, ReferenceOf(Reference));
                    break;
                case ListSet:
                    WalkAll(LinkPaging.Links(Client,
                        new LinkListFilter { From = From, To = To, Order = Order, IncludeDeleted = IncludeDeleted.IsPresent },
                        RequestedWindow()));
                    break;
                case SearchSet:
                    WalkAll(LinkPaging.Search(Client, BuildSearch(), IncludeDeleted.IsPresent, RequestedWindow()));
                    break;
            }
        }

        private void GetOne(string id, string? reference)
        {
            if (!IsLinkId(id)) return;
            try
            {
                WriteLink(Run(ct => Client.GetLinkAsync(id, null, ct)), reference);
            }
            catch (OmiseApiException ex)
            {
                WriteApiError(ex, id, $"Could not get the link {Named(id, reference)}");
            }
        }

        private void WalkAll(Pager<Link> pager)
        {
            try
            {
                WritePages(pager, link => WriteLink(link));
            }
            catch (OmiseApiException ex)
            {
                // A walk cannot skip a page it failed to read: stop here, after what was already written.
                ThrowTerminatingError(ApiErrorRecord(ex, null, ParameterSetName == SearchSet ? "Could not search the links" : "Could not list the links"));
            }
        }

        private SearchQuery BuildSearch()
        {
            var search = new SearchQuery { Query = Query, Order = Order };
            if (Used.HasValue) search.Filters["used"] = Used.Value ? "true" : "false";
            if (Multiple.HasValue) search.Filters["multiple"] = Multiple.Value ? "true" : "false";
            if (Currency != null) search.Filters["currency"] = LinkFields.NormalizeCurrency(Currency, out _)!;
            return search;
        }
    }
}
