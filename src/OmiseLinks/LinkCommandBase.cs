using System;
using System.Management.Automation;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core;
using Omise.Core.Models;

namespace OmiseLinks
{
    /// <summary>
    /// What the commands that read and remove existing links share: writing a link (remembered for tab completion unless removed),
    /// streaming a pager's pages to the pipeline, and reporting a failed call for one id.
    /// </summary>
    public abstract class LinkCommandBase : OmiseApiCmdlet
    {
        protected void WriteLink(Link link, string? reference = null)
        {
            if (link.Deleted) ResolveSession().ForgetLink(link.Id);
            else ResolveSession().RememberLink(link.Id);
            WriteObject(LinkOutput.Wrap(link, reference));
        }

        /// <summary>A reference given as a cell or parameter: trimmed; null when there is none.</summary>
        protected static string? ReferenceOf(string? reference) =>
            string.IsNullOrWhiteSpace(reference) ? null : reference!.Trim();

        /// <summary>"link_x (INV-1007)", how errors name an id that came with a reference.</summary>
        protected static string Named(string id, string? reference) => reference == null ? id : $"{id} ({reference})";

        /// <summary>The -Skip/-First window of a command with SupportsPaging.</summary>
        protected PageWindow RequestedWindow() => new PageWindow
        {
            Skip = (long)Math.Min(PagingParameters.Skip, long.MaxValue),
            First = PagingParameters.First == ulong.MaxValue ? (long?)null : (long)Math.Min(PagingParameters.First, long.MaxValue),
        };

        /// <summary>
        /// Writes every item the pager yields, page by page. The next page is requested before the current one is
        /// written, so the pipeline works while the network does; memory holds two pages at most. When the walk ends
        /// early (-First met, a downstream command such as Select-Object -First stopping the pipeline, Ctrl+C),
        /// the request in flight is cancelled and no other is sent. API failures are thrown to the caller.
        /// </summary>
        protected void WritePages<T>(Pager<T> pager, Action<T> write)
        {
            using var walk = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
            try
            {
                Task<IReadOnlyList<T>>? next = Start(_ => pager.NextPageAsync(walk.Token));
                var first = true;
                while (next != null)
                {
                    var page = Await(next);
                    if (first && PagingParameters.IncludeTotalCount)
                    {
                        // When deleted links are dropped here, the server's total counts them too: say it is an estimate.
                        WriteObject(PagingParameters.NewTotalCount((ulong)(pager.Total ?? 0), pager.TotalIsExact ? 1.0 : 0.5));
                    }
                    first = false;
                    next = pager.HasMore ? Start(_ => pager.NextPageAsync(walk.Token)) : null;
                    foreach (var item in page) write(item);
                }
            }
            finally
            {
                walk.Cancel();
                FlushTrace();
            }
        }

        /// <summary>
        /// True for a well-formed link id. Anything else ('.', '..', '../account', a title) is one clear error and no request:
        /// an id goes into a URL path, so only a link id may.
        /// </summary>
        protected bool IsLinkId(string id)
        {
            var why = Identifiers.WhyNotLinkId(id);
            if (why == null) return true;
            WriteError(new ErrorRecord(new ArgumentException(why), "InvalidLinkId", ErrorCategory.InvalidArgument, id));
            return false;
        }

        /// <summary>One id failed: a non-terminating error naming it (a refused key ends the command: see WriteApiError).</summary>
        protected void WriteApiError(OmiseApiException ex, string id, string context) =>
            WriteApiError(ApiErrorRecord(ex, id, context), ex);
    }
}
