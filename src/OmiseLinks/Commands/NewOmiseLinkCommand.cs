using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;

namespace OmiseLinks.Commands
{
    /// <summary>
    /// New-OmiseLink: one payment link per input row. Rows are sent concurrently (-ThrottleLimit) and reported
    /// in input order: each row ends as exactly one Link or exactly one error.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "OmiseLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Link))]
    public sealed class NewOmiseLinkCommand : OmiseApiCmdlet, IDisposable
    {
        public const int DefaultThrottleLimit = 4;

        /// <summary>In the smallest currency unit (satang, cents; yen as is). 0 lets the customer enter the amount.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("AmountSatang", "AmountCents", "AmountMinor", "MinorAmount")]
        [StrictAmount]
        [ValidateRange(0, long.MaxValue)]
        public long Amount { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Ccy", "CurrencyCode")]
        [ValidateSet("thb", "jpy", "sgd", "myr", "usd", IgnoreCase = true)]
        public string Currency { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("Subject", "LinkTitle")]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
        [Alias("Desc", "Details", "Memo")]
        [ValidateNotNullOrEmpty]
        public string Description { get; set; } = string.Empty;

        /// <summary>A multiple-use link (can be paid more than once).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("MultipleUse", "MultiUse", "Reusable")]
        [CsvBoolean("Multiple")]
        public SwitchParameter Multiple { get; set; }

        /// <summary>Your own reference for the row (invoice number...), copied onto the output Link to join it back. Not sent to Omise.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Invoice", "InvoiceId", "InvoiceNumber", "InvoiceNo", "OrderId", "Ref")]
        public string? Reference { get; set; }

        /// <summary>How many requests may be in flight at once (1 to 10; Omise asks for at most 10).</summary>
        [Parameter]
        [ValidateRange(1, 10)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>Attempts per row in all, the first included (1 = no retry). Retries: 429, 5xx, timeouts, network errors.</summary>
        [Parameter]
        [ValidateRange(1, 10)]
        public int MaxAttempts { get; set; } = 5;

        /// <summary>Rows whose link already exists (same amount, currency, title, description, multiple; not deleted) get that link, marked Reused, instead of a new one: re-running an interrupted import is safe.</summary>
        [Parameter]
        public SwitchParameter ReuseExisting { get; set; }

        /// <summary>The whole input row, kept as the target of its error record.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private sealed class Row
        {
            public Row(object target, LinkCreateRequest request, string? reference)
            {
                Target = target;
                Request = request;
                Reference = reference;
            }
            public object Target { get; }
            public LinkCreateRequest Request { get; }
            public string? Reference { get; }
            public string Describe() => $"'{Request.Title}' ({LinkOutput.FormatMoney(Request.Amount, Request.Currency)})";
        }

        private OrderedWork<Row, CreateOutcome>? _work;
        private LinkCreator? _creator;
        private readonly RunProgress _progress = new RunProgress();

        protected override void BeginProcessing()
        {
            var session = ResolveSession();
            var retry = new RetryPolicy { MaxAttempts = MaxAttempts };
            _creator = new LinkCreator(session.Client, ReuseExisting, retry);
            // Finished rows wait behind the oldest one (output keeps input order); a deep buffer keeps every slot busy while
            // the oldest row sits out a Retry-After, and still bounds memory.
            _work = new OrderedWork<Row, CreateOutcome>(ThrottleLimit, ThrottleLimit * 64);
        }

        protected override void ProcessRecord()
        {
            var request = new LinkCreateRequest(Amount, Currency, Title, Description, Multiple.IsPresent);
            var row = new Row((object?)InputObject ?? request, request, Reference);
            var target = $"{row.Describe()}, {(request.Multiple ? "multiple-use" : "single-use")}, description '{request.Description}'";
            if (!ShouldProcess(target, "Create payment link")) return;

            var creator = _creator!;
            using (OmiseTrace.Use(QueueTrace))
                _work!.Submit(row, ct => creator.CreateAsync(request, ct), CancellationToken);
            WriteFinished(wait: false);
        }

        protected override void EndProcessing()
        {
            WriteFinished(wait: true);
            if (_progress.Shown) WriteProgress(_progress.Completed());
        }

        /// <summary>Writes finished rows in input order; waits for the oldest one when asked to, or when the buffer is full.</summary>
        private void WriteFinished(bool wait)
        {
            while (_work!.Count > 0)
            {
                var mustWait = wait || _work.IsFull;
                var item = _work.TakeNext(mustWait ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
                FlushTrace();
                if (_progress.Due()) WriteProgress(_progress.Record());
                if (item == null)
                {
                    if (!mustWait) return;
                    if (Stopping) throw new PipelineStoppedException();
                    continue;
                }
                Report(item.State, item.Task);
            }
        }

        private void Report(Row row, Task<CreateOutcome> task)
        {
            if (task.Status == TaskStatus.RanToCompletion)
            {
                var outcome = task.Result;
                var output = LinkOutput.Wrap(outcome.Link);
                output.Properties.Add(new PSNoteProperty("Reference", row.Reference));
                output.Properties.Add(new PSNoteProperty("Reused", outcome.Origin == LinkOrigin.Reused));
                ResolveSession().RememberLink(outcome.Link.Id);
                _progress.Count(outcome.Origin);
                WriteObject(output);
                return;
            }
            if (task.IsCanceled) throw new PipelineStoppedException();
            _progress.CountFailure();
            var error = task.Exception!.GetBaseException();
            if (error is OmiseApiException api)
            {
                var record = ApiErrorRecord(api, row.Target, "Could not create the link " + row.Describe());
                if (api.IsTransient)
                    record.ErrorDetails.RecommendedAction = "Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.";
                // A refused key fails every row alike: stop once instead of repeating the same error per row.
                if (api.StatusCode == 401)
                {
                    CancelPending();
                    ThrowTerminatingError(record);
                }
                WriteError(record);
                return;
            }
            WriteError(new ErrorRecord(error, "CreateLinkFailed", ErrorCategory.NotSpecified, row.Target));
        }

        /// <summary>
        /// Runs when the pipeline ends for any reason. If it ended early (Ctrl+C, a terminating error downstream or on a
        /// later row), rows still queued cannot be written to the pipeline any more: wait for those in flight, then tell
        /// the host which links exist, so none is left unknown.
        /// </summary>
        public void Dispose()
        {
            if (_work == null || _work.Count == 0) return;
            // Ctrl+C has already cancelled what is in flight; after a terminating error the rest may finish (briefly).
            var settled = Task.WhenAll(_work.Pending().Select(t => (Task)t));
            try { if (!settled.Wait(TimeSpan.FromSeconds(Stopping ? 5 : 30))) CancelPending(); }
            catch (AggregateException) { }
            var unreported = new List<string>();
            var interrupted = 0;
            foreach (var item in _work.DrainAll())
            {
                if (item.Task.Status == TaskStatus.RanToCompletion)
                {
                    var link = item.Task.Result.Link;
                    unreported.Add($"{link.Id} for {item.State.Describe()}{(item.State.Reference != null ? " [" + item.State.Reference + "]" : "")}");
                }
                else if (item.Task.IsCanceled || !item.Task.IsCompleted)
                {
                    interrupted++;
                }
            }
            if (unreported.Count == 0 && interrupted == 0) return;
            var message = "New-OmiseLink ended before writing every row.";
            if (unreported.Count > 0)
                message += $" {unreported.Count} link(s) were created but not written out: {string.Join("; ", unreported)}.";
            if (interrupted > 0)
                message += $" {interrupted} row(s) were cancelled in flight; a request already sent may have created its link.";
            message += " Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.";
            try { Host?.UI?.WriteWarningLine(message); }
            catch (Exception) { }
        }
    }
}
