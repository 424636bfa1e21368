using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;
using OmiseLinks.Creation;

namespace OmiseLinks.Commands
{
    /// <summary>
    /// New-OmiseLink: one payment link per input row. Rows are sent concurrently (-ThrottleLimit) and reported
    /// in input order (-Unordered: as they finish): each row ends as exactly one Link or exactly one error.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "OmiseLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Link))]
    public sealed class NewOmiseLinkCommand : OmiseApiCmdlet, IRunHost, IDisposable
    {
        public const int DefaultThrottleLimit = 4;

        /// <summary>
        /// How many rows may be submitted beyond the oldest row not yet written: twice the throttle. However a run ends (a
        /// refused row under -ErrorAction Stop, Select-Object -First, Ctrl+C, SIGTERM, an unreachable API), at most this many
        /// links can exist that nobody received, and each is named. One throttle's worth keeps every slot busy; the second
        /// lets the slots go on while the oldest row waits out a retry or a settle interval, so a slow row costs the run only
        /// the part of its wait that the window cannot cover.
        /// </summary>
        public static int LookAhead(int throttleLimit) => 2 * throttleLimit;

        /// <summary>
        /// The duplicate guard's window: a row whose identical payable link was created this recently, before the run began,
        /// is not created again without -ReuseExisting or -AllowDuplicate. A day covers the accidental second run of a daily
        /// job (a retried or double-triggered schedule, a re-run after a failure) and matches the API's Idempotency-Key
        /// lifetime, while last month's identical invoice is not held back, and the guard reads only one day of links.
        /// </summary>
        public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(24);

        /// <summary>
        /// In the smallest currency unit (satang, cents; yen as is). 0 lets the customer enter the amount. The command line's
        /// value is checked by the binder (StrictAmount, then the range); a piped row's cell is read and checked per row.
        /// </summary>
        [Parameter(Position = 0)]
        [Alias("AmountSatang", "AmountCents", "AmountMinor", "MinorAmount")]
        [StrictAmount]
        [ValidateRange(0L, long.MaxValue)]
        public long Amount { get; set; }

        /// <summary>
        /// The amount in currency units instead of -Amount: 1500.50 (baht) is 150050 satang, 1500 (yen) is 1500 yen. Converted
        /// exactly with the currency's decimals; a value with more decimals, a sign, a separator or an exponent fails its row.
        /// </summary>
        [Parameter]
        [Alias("PriceInUnits", "AmountInUnits", "MajorAmount")]
        public object? Price { get; set; }

        /// <summary>
        /// Any case; a piped row's cell is checked per row by the same list (LinkFields.Currencies, which a test keeps equal
        /// to this set).
        /// </summary>
        [Parameter(Position = 1)]
        [Alias("Ccy", "CurrencyCode")]
        [ValidateSet("thb", "jpy", "sgd", "myr", "usd", IgnoreCase = true)]
        public string? Currency { get; set; }

        [Parameter(Position = 2)]
        [Alias("Subject", "LinkTitle")]
        public string? Title { get; set; }

        [Parameter(Position = 3)]
        [Alias("Desc", "Details", "Memo")]
        public string? Description { get; set; }

        /// <summary>
        /// A multiple-use link (can be paid more than once). A row's multiple column (or its aliases) is read per row in
        /// ProcessRecord, not by the binder: a switch cannot take a cell leniently, and a bad cell must name its row.
        /// </summary>
        [Parameter]
        [Alias("MultipleUse", "MultiUse", "Reusable")]
        [CsvBoolean("Multiple")]
        public SwitchParameter Multiple { get; set; }

        /// <summary>Your own reference for the row (invoice number...), copied onto the output Link to join it back. Not sent to Omise.</summary>
        [Parameter]
        [Alias("Invoice", "InvoiceId", "InvoiceNumber", "InvoiceNo", "OrderId", "Ref",
            "Invoice No", "Invoice No.", "Invoice #", "Invoice Number", "Reference No", "Ref No")]
        public string? Reference { get; set; }

        /// <summary>How many requests may be in flight at once (1 to 10; Omise asks for at most 10).</summary>
        [Parameter]
        [ValidateRange(1, 10)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>
        /// Attempts per row in all, the first included (1 = no retry). Retries: 429, 5xx, timeouts, network errors. Each
        /// read made for the row (look-up, reuse check) may take as many attempts, at least the client's default.
        /// </summary>
        [Parameter]
        [ValidateRange(1, 10)]
        public int MaxAttempts { get; set; } = 5;

        /// <summary>Rows whose link already exists (same amount, currency, title, description, multiple; not deleted) get that link, marked Reused, instead of a new one: re-running an interrupted import is safe.</summary>
        [Parameter]
        public SwitchParameter ReuseExisting { get; set; }

        /// <summary>
        /// With -ReuseExisting, take only links created at or after this time (a date without a zone is local time). Default:
        /// 24 hours before the run, the duplicate guard's window: older links with the same fields belong to other invoices.
        /// </summary>
        [Parameter]
        [InvariantDate]
        public DateTime? ReuseSince { get; set; }

        /// <summary>
        /// Creates a row's link even when an identical payable link was created in the last 24 hours (the duplicate guard
        /// would otherwise make that row an error naming the existing link).
        /// </summary>
        [Parameter]
        public SwitchParameter AllowDuplicate { get; set; }

        /// <summary>Keeps the input row's other columns (email, customer...) on the output link for a one-file mail merge.</summary>
        [Parameter]
        public SwitchParameter IncludeInputColumns { get; set; }

        /// <summary>
        /// Writes each row's link or error as soon as the row is done instead of in input order, so a row waiting on the server
        /// (a retry, a settle interval after a lost answer) never holds back the rows after it. The look-ahead then bounds the
        /// rows sent and not yet written, so an early end still leaves at most 2 x ThrottleLimit links unreceived.
        /// </summary>
        [Parameter]
        public SwitchParameter Unordered { get; set; }

        /// <summary>
        /// The input rows. Piped rows arrive here one at a time; an array given as -InputObject $rows is read row by row
        /// (each column by parameter name or alias, as the binder would), and its count gives progress a percentage.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject[]? InputObject { get; set; }

        private RowParser? _parser;
        private WhatIfPreview? _preview;
        private long _rowNumber;

        private LinkCreator? _creator;
        private LinkRun? _run;
        private readonly RunProgress _progress = new RunProgress();
        private IDisposable? _termination;
        private long _checked;

        protected override void BeginProcessing()
        {
            var commandLine = new Dictionary<string, object?>();
            foreach (var field in RowParser.Fields)
                if (MyInvocation.BoundParameters.TryGetValue(field, out var given))
                    commandLine[field] = given is SwitchParameter flag ? flag.IsPresent : given;
            _parser = new RowParser(commandLine, AllowDuplicate.IsPresent);
            _preview = new WhatIfPreview(_progress);
            var session = ResolveSession();
            _progress.Mode = session.Mode.ToLowerInvariant();
            _progress.Clock = session.Client.Options.TimeProvider;
            _creator = new LinkCreator(session.Client, new LinkCreatorOptions
            {
                ReuseExisting = ReuseExisting.IsPresent,
                ReuseWindow = DuplicateWindow,
                ReuseSince = ReuseSince.HasValue
                    ? (ReuseSince.Value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(ReuseSince.Value, DateTimeKind.Local) : ReuseSince.Value)
                    : (DateTime?)null,
                DuplicateWindow = AllowDuplicate.IsPresent ? (TimeSpan?)null : DuplicateWindow,
                RefusePaid = !AllowDuplicate.IsPresent,
                DerivedIdempotencyKeys = !AllowDuplicate.IsPresent,
                MaxAttempts = MaxAttempts,
                ReadParallelism = ThrottleLimit,
                MaxConcurrentRequests = ThrottleLimit,
            });
            var run = _run = new LinkRun(this, _creator, _progress, LookAhead(ThrottleLimit), DuplicateWindow, Unordered.IsPresent)
            {
                IncludeInputColumns = IncludeInputColumns.IsPresent,
            };
            _termination = TerminationSignal.Register(run.Terminate);
        }

        protected override void ProcessRecord()
        {
            _run!.WhileRunning(() =>
            {
                _run.EndIfTerminating();
                ProcessInput();
            });
        }

        private void ProcessInput()
        {
            try
            {
                if (MyInvocation.ExpectingInput)
                {
                    // Piped: InputObject is the row itself. Its columns are read from the row (Read), not from what the binder
                    // bound, so that two columns for one field and empty cells are seen.
                    var row = InputObject != null && InputObject.Length > 0 ? InputObject[0] : null;
                    ProcessRow(row, ++_rowNumber);
                }
                else if (InputObject != null)
                {
                    _progress.Total = InputObject.Length;
                    foreach (var row in InputObject) ProcessRow(row, ++_rowNumber);
                }
                else
                {
                    ProcessRow(null, null);
                }
            }
            catch (Exception)
            {
                _run!.DropHeld();
                throw;
            }
        }

        /// <summary>
        /// One row: skip it if wholly blank; read and check it (RowParser) so that any problem is one error naming the row
        /// before anything is sent; then preview or hold it to be sent. A problem of the whole input (damaged text, a missing
        /// column) stops the run instead.
        /// </summary>
        private void ProcessRow(PSObject? row, long? number)
        {
            if (row != null && RowParser.IsBlank(row))
            {
                WriteVerbose($"{RowLabel.Of(number, null)}: every cell is empty; skipped (nothing created).");
                _progress.Skip(number ?? 0);
                return;
            }
            var parsed = _parser!.Parse(row, number);
            var label = parsed.Label;
            var firstRow = _checked++ == 0;
            var request = parsed.Request;
            if (request == null)
            {
                var record = RowErrors.Refused(parsed, MyInvocation.BoundParameters.ContainsKey("WhatIf"));
                if (row != null && parsed.DamagedText != null)
                    // Text decoded with the wrong encoding is the file's problem: its other rows are as damaged, or wrong
                    // in ways no check can see (ASCII rows read fine), so nothing more of it is sent.
                    _run!.StopForFile(record, number, label, "the input was read with the wrong encoding", parsed.Text + " The file was read with the wrong encoding, so the run stops here.", LinkFields.EncodingAdviceFor(parsed.DamagedText));
                var missing = parsed.Problems.Where(p => p.IsMissingColumn).ToList();
                if (row != null && firstRow && missing.Count > 0)
                    // The first row has no such column: every row of a CSV has the same columns, so one error for the input,
                    // not one per row.
                    _run!.StopForFile(record, number, label, "the input has " + string.Join(", ", missing.Select(p => p.Key)), string.Join(" ", missing.Select(p => p.Text)) +
                        " Every row of the input has the same columns, so the run stops at its first row.",
                        "Fix the header of the file (or give the value on the command line for every row, such as -Currency thb), then run it again.");
                _run!.Hold(new Held { Error = record, Number = number, Label = label, Keys = parsed.Keys });
                return;
            }

            var creation = new RowCreation(request, label.Length > 0 ? label : $"'{request.Title}'",
                identity: !string.IsNullOrEmpty(parsed.Reference) ? "reference " + parsed.Reference!.ToUpperInvariant() : number.HasValue ? "row " + number.Value : null);
            var rowState = new InputRow(parsed, creation);
            var what = RowErrors.Prefix(label) +
                $"{RowErrors.LinkText(request)}, {(request.Multiple ? "multiple-use" : "single-use")}, description '{request.Description}'";
            const string Action = "Create payment link";
            var operation = $"Performing the operation \"{Action}\" on target \"{what}\".";
            if (!ShouldProcess(operation, "Are you sure you want to perform this action?\n" + operation, "Confirm", out var reason))
            {
                _progress.Previewed++;
                if (reason != ShouldProcessReason.WhatIf) return;
                try
                {
                    if (_preview!.Tell(label, () => Run(ct => _creator!.FindExistingAsync(request, ct))) is var (text, warning))
                    {
                        if (warning) WriteWarning(text);
                        else WriteVerbose(text);
                    }
                }
                catch (OmiseApiException refused)
                {
                    WriteApiError(ApiErrorRecord(refused, row, "-WhatIf could not read the existing links"), refused);
                }
                return;
            }
            _run!.Checked(row, request.Title + request.Description);
            _run.Hold(new Held { Row = rowState, Number = number, Label = label });
        }

        protected override void EndProcessing()
        {
            _run!.Finish(anyRows: _rowNumber > 0);
            _termination?.Dispose();
        }

        /// <summary>
        /// Ctrl+C: no row is sent any more, but requests already sent are not cancelled at once: they finish (bounded, in
        /// <see cref="LinkRun.EndEarly"/>) so the links they make are written or named, never lost in a cancelled answer.
        /// </summary>
        protected override void StopProcessing()
        {
            _creator?.Close();
            base.StopProcessing();
        }

        bool IRunHost.Stopping => Stopping;
        PSHost? IRunHost.Host => Host;
        void IRunHost.Output(object link) => WriteObject(link);
        void IRunHost.Verbose(string text) => WriteVerbose(text);
        void IRunHost.Warning(string text) => WriteWarning(text);
        void IRunHost.Error(ErrorRecord record) => WriteError(record);
        void IRunHost.ApiError(ErrorRecord record, OmiseApiException error) => WriteApiError(record, error);
        ErrorRecord IRunHost.ApiErrorRecord(OmiseApiException error, object? target, string context) => ApiErrorRecord(error, target, context);
        void IRunHost.Progress(ProgressRecord record) => WriteProgress(record);
        void IRunHost.Information(object message, string[] tags) => WriteInformation(message, tags);
        void IRunHost.ThrowTerminating(ErrorRecord record) => ThrowTerminatingError(record);
        void IRunHost.QueueTrace(string line) => QueueTrace(line);
        void IRunHost.FlushTrace() => FlushTrace();
        bool IRunHost.WaitWhileTracing(Task task, TimeSpan limit) => WaitWhileTracing(task, limit);
        void IRunHost.RememberLink(string id) => ResolveSession().RememberLink(id);

        /// <summary>Runs when the pipeline ends for any reason; an early end not yet told (Ctrl+C, an upstream failure) is told here.</summary>
        public void Dispose()
        {
            _termination?.Dispose();
            _run?.Dispose();
        }
    }
}
