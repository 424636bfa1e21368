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
            public Row(object target, RowCreation creation, string? reference, long number)
            {
                Target = target;
                Creation = creation;
                Reference = reference;
                Number = number;
            }
            public object Target { get; }
            public RowCreation Creation { get; }
            public LinkCreateRequest Request => Creation.Request;
            public string? Reference { get; }
            public long Number { get; }
            public string Describe() => $"'{Request.Title}' ({LinkOutput.FormatMoney(Request.Amount, Request.Currency)})";
        }

        private OrderedWork<Row, CreateOutcome>? _work;
        private LinkCreator? _creator;
        private readonly RunProgress _progress = new RunProgress();
        private long _rows;
        private bool _endReported;

        /// <summary>How messages name a row: its number in the input, and its reference when it has one.</summary>
        private static string RowName(long number, string? reference) =>
            string.IsNullOrEmpty(reference) ? $"row {number}" : $"row {number} ({reference})";

        protected override void BeginProcessing()
        {
            var session = ResolveSession();
            _creator = new LinkCreator(session.Client, new LinkCreatorOptions
            {
                ReuseExisting = ReuseExisting.IsPresent,
                MaxAttempts = MaxAttempts,
                ReadParallelism = ThrottleLimit,
            });
            // Finished rows wait behind the oldest one (output keeps input order); a deep buffer keeps every slot busy while
            // the oldest row sits out a Retry-After, and still bounds memory.
            _work = new OrderedWork<Row, CreateOutcome>(ThrottleLimit, ThrottleLimit * 64);
        }

        protected override void ProcessRecord()
        {
            var number = ++_rows;
            var request = new LinkCreateRequest(Amount, Currency, Title, Description, Multiple.IsPresent);
            var creation = new RowCreation(request, RowName(number, Reference));
            var row = new Row((object?)InputObject ?? request, creation, Reference, number);
            var target = $"{row.Describe()}, {(request.Multiple ? "multiple-use" : "single-use")}, description '{request.Description}'";
            if (!ShouldProcess(target, "Create payment link")) return;

            var creator = _creator!;
            using (OmiseTrace.Use(QueueTrace))
                _work!.Submit(row, ct => creator.CreateAsync(creation, ct), CancellationToken);
            WhileRunning(() => WriteFinished(wait: false));
        }

        protected override void EndProcessing()
        {
            WhileRunning(() => WriteFinished(wait: true));
            if (_progress.Shown) WriteProgress(_progress.Completed());
        }

        protected override void StopProcessing()
        {
            _creator?.Close();
            base.StopProcessing();
        }

        /// <summary>
        /// Runs pipeline work; if the pipeline ends meanwhile (a downstream Select-Object -First, -ErrorAction Stop, a refused
        /// key), no queued row is sent any more and the rows' fate is told before the end goes on.
        /// </summary>
        private void WhileRunning(Action work)
        {
            try
            {
                work();
            }
            catch (Exception)
            {
                EndEarly();
                throw;
            }
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
            var where = RowName(row.Number, row.Reference);
            if (error is OmiseApiException api)
            {
                var record = ApiErrorRecord(api, row.Target, $"Could not create the link of {where}, {row.Describe()}");
                if (api.IsTransient)
                    record.ErrorDetails.RecommendedAction = "Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.";
                WriteApiError(record, api);
                return;
            }
            WriteError(new ErrorRecord(error, "CreateLinkFailed", ErrorCategory.NotSpecified, row.Target));
        }

        /// <summary>
        /// The pipeline is ending before every row was written. Queued rows are never sent; requests already sent may finish
        /// (bounded wait); then one warning tells which links exist but were not written, which rows may have a link, and
        /// how many were never sent. Through WriteWarning where the pipeline still allows it, else straight to the host.
        /// </summary>
        private void EndEarly()
        {
            if (_endReported || _work == null || _creator == null) return;
            _endReported = true;
            _creator.Close();
            if (_work.Count == 0) return;
            var settled = Task.WhenAll(_work.Pending().Select(t => (Task)t));
            try { if (!settled.Wait(TimeSpan.FromSeconds(Stopping ? 5 : 30))) CancelPending(); }
            catch (AggregateException) { }

            var created = new List<string>();
            var createdCount = 0;
            var mayExist = 0;
            var neverSent = 0;
            foreach (var item in _work.DrainAll())
            {
                if (item.Task.Status == TaskStatus.RanToCompletion)
                {
                    if (++createdCount <= 5)
                        created.Add(item.Task.Result.Link.Id + (item.State.Reference != null ? " (" + item.State.Reference + ")" : ""));
                }
                else if (item.State.Creation.MayExist) mayExist++;
                else neverSent++;
            }
            if (createdCount == 0 && mayExist == 0 && neverSent == 0) return;
            var parts = new List<string>();
            if (createdCount > 0)
                parts.Add($"{createdCount} link(s) were created but not written out: {string.Join(", ", created)}{(createdCount > created.Count ? $" and {createdCount - created.Count} more" : "")}");
            if (mayExist > 0) parts.Add($"{mayExist} row(s) were in flight and may have a link");
            if (neverSent > 0) parts.Add($"{neverSent} row(s) were never sent");
            var message = "New-OmiseLink ended before writing every row: " + string.Join("; ", parts) +
                ". Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.";
            try
            {
                if (Stopping) throw new PipelineStoppedException();
                WriteWarning(message);
            }
            catch (Exception)
            {
                try { Host?.UI?.WriteWarningLine(message); }
                catch (Exception) { }
            }
        }

        /// <summary>Runs when the pipeline ends for any reason; an early end not yet told (Ctrl+C, an upstream failure) is told here.</summary>
        public void Dispose() => EndEarly();
    }
}
