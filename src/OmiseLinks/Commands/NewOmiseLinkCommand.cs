using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
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
    /// in input order: each row ends as exactly one Link or exactly one error.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "OmiseLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Link))]
    public sealed class NewOmiseLinkCommand : OmiseApiCmdlet, IDisposable
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

        /// <summary>
        /// The input rows. Piped rows arrive here one at a time; an array given as -InputObject $rows is read row by row
        /// (each column by parameter name or alias, as the binder would), and its count gives progress a percentage.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject[]? InputObject { get; set; }

        // Rows the duplicate guard refused, with the existing link of each: one AlreadyRun error at the end tells them all.
        private readonly List<(string Label, object Target, Link Existing)> _alreadyLinked = new List<(string, object, Link)>();

        private void WriteAlreadyRun()
        {
            if (_alreadyLinked.Count == 0) return;
            var record = RowErrors.AlreadyRun(_alreadyLinked, _progress.Rows, DuplicateWindow);
            _alreadyLinked.Clear();
            WriteRowError(record, "");
        }

        private RowParser? _parser;
        private WhatIfPreview? _preview;
        private long _rowNumber;

        private OrderedWork<InputRow, CreateOutcome>? _work;
        private LinkCreator? _creator;
        private readonly RunProgress _progress = new RunProgress();
        private bool _endReported;
        // SIGTERM during the run: set on the signal's thread, acted on by the pipeline thread (EndIfTerminating).
        private IDisposable? _termination;
        private volatile bool _terminating;
        /// <summary>How long rows in flight may finish after SIGTERM: container runtimes send SIGKILL about 10 s after it.</summary>
        private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(5);

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
            });
            _work = new OrderedWork<InputRow, CreateOutcome>(ThrottleLimit, LookAhead(ThrottleLimit));
            _termination = TerminationSignal.Register(() =>
            {
                _terminating = true;
                _creator?.Close();
            });
        }

        protected override void ProcessRecord()
        {
            WhileRunning(() =>
            {
                EndIfTerminating();
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
                DropHeld();
                throw;
            }
        }

        private readonly HoldBack _holdBack = new HoldBack();
        private long _sent;
        private long _checked;

        private void Hold(Held entry)
        {
            foreach (var ready in _holdBack.Admit(entry)) Release(ready);
        }

        /// <summary>Every waiting row is sent (end of input).</summary>
        private void ReleaseHeld()
        {
            try
            {
                foreach (var ready in _holdBack.Drain()) Release(ready);
            }
            catch (Exception)
            {
                DropHeld();
                throw;
            }
        }

        private void Release(Held entry)
        {
            if (entry.Error != null)
            {
                // The rows before it are written first (waiting for those in flight), so output and errors keep input
                // order and -ErrorAction Stop on this row leaves every earlier link written (to links.csv), none after it sent.
                if (_work != null) WriteFinished(wait: true);
                _progress.CountFailure(entry.Number, entry.Label, entry.Keys);
                WriteRowError(entry.Error, entry.Label);
                return;
            }
            var rowState = entry.Row!;
            var creator = _creator!;
            _sent++;
            using (OmiseTrace.Use(QueueTrace))
                _work!.Submit(rowState, ct => creator.CreateAsync(rowState.Creation, ct), _rowsCancellation.Token);
            WriteFinished(wait: false);
        }

        private void DropHeld()
        {
            foreach (var entry in _holdBack.Drain()) _progress.CountDropped(entry);
        }

        /// <summary>
        /// A problem of the whole input, not of one row (its encoding, a missing column): one terminating error naming the
        /// row where it was seen. Rows still waiting are never sent; the message says how many were sent before.
        /// </summary>
        private void StopForFile(ErrorRecord rowError, long? number, string label, string reason, string text, string advice)
        {
            var sent = RunAccounting.SentBefore(_sent, _holdBack.WaitingRows);
            DropHeld();
            _progress.CountFailure(number, label, reason);
            // The exception's message is what the end-of-run summary gives as the reason the run ended.
            var record = RowErrors.StoppedForFile(rowError, label, reason, text + " " + sent, advice);
            if (_work != null) WriteFinished(wait: true);
            // Told before the throw: the pipeline sees only that it stopped.
            _progress.EndEarly(record.Exception.Message);
            ThrowTerminatingError(record);
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
                    StopForFile(record, number, label, "the input was read with the wrong encoding", parsed.Text + " The file was read with the wrong encoding, so the run stops here.", LinkFields.EncodingAdviceFor(parsed.DamagedText));
                var missing = parsed.Problems.Where(p => p.IsMissingColumn).ToList();
                if (row != null && firstRow && missing.Count > 0)
                    // The first row has no such column: every row of a CSV has the same columns, so one error for the input,
                    // not one per row.
                    StopForFile(record, number, label, "the input has " + string.Join(", ", missing.Select(p => p.Key)), string.Join(" ", missing.Select(p => p.Text)) +
                        " Every row of the input has the same columns, so the run stops at its first row.",
                        "Fix the header of the file (or give the value on the command line for every row, such as -Currency thb), then run it again.");
                Hold(new Held { Error = record, Number = number, Label = label, Keys = parsed.Keys });
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
                if (reason == ShouldProcessReason.WhatIf && _preview!.Tell(label, () => Run(ct => _creator!.FindExistingAsync(request, ct))) is var (text, warning))
                {
                    if (warning) WriteWarning(text);
                    else WriteVerbose(text);
                }
                return;
            }
            _holdBack.Checked(row, request.Title + request.Description);
            Hold(new Held { Row = rowState, Number = number, Label = label });
        }

        protected override void EndProcessing()
        {
            WhileRunning(() => { ReleaseHeld(); WriteFinished(wait: true); });
            WhileRunning(WriteAlreadyRun);
            if (_progress.Shown) WriteProgress(RunProgress.Completed());
            var summary = _progress.FailedRowsWarning();
            if (summary != null && _rowNumber > 0) WriteWarning(summary);
            _endReported = true;
            WriteSummaryLine(viaHost: false);
            _termination?.Dispose();
        }

        /// <summary>
        /// The run's one-line summary, as an information record tagged PSHOST (what Write-Host writes): shown on the console,
        /// kept by Start-Transcript and by *> and 6> redirection, never in the output stream. Where the pipeline no longer
        /// takes records (Ctrl+C), straight to the host, which a transcript still keeps.
        /// </summary>
        // Write-Host's tag: the line shows on the console and lands in transcripts and *> logs, never in the output.
        private static readonly string[] HostTags = { "PSHOST" };

        private void WriteSummaryLine(bool viaHost)
        {
            var line = _progress.SummaryLine();
            if (!viaHost)
            {
                try
                {
                    WriteInformation(new HostInformationMessage { Message = line }, HostTags);
                    return;
                }
                catch (Exception) when (Stopping) { }
            }
            try { Host?.UI?.WriteLine(line); }
            catch (Exception) { }
        }

        /// <summary>
        /// Ctrl+C: no row is sent any more, but requests already sent are not cancelled at once: they finish (bounded, in
        /// <see cref="EndEarly"/>) so the links they make are written or named, never lost in a cancelled answer.
        /// </summary>
        protected override void StopProcessing()
        {
            _creator?.Close();
            base.StopProcessing();
        }

        /// <summary>How long an early end waits for the rows already sent before cancelling them.</summary>
        private static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(8);

        // The rows' own token, apart from the command's (which Ctrl+C cancels at once for reads on the pipeline thread):
        // cancelled only when the rows already sent have had their grace.
        private readonly CancellationTokenSource _rowsCancellation = new CancellationTokenSource();

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
            catch (Exception ex)
            {
                _progress.EndEarly(RunAccounting.ReasonOf(ex, _writingErrorOf, Stopping));
                EndEarly();
                throw;
            }
        }

        private string? _writingErrorOf;

        /// <summary>A row's error; if -ErrorAction Stop turns it into the end of the run, the end's account names the row.</summary>
        private void WriteRowError(ErrorRecord record, string label)
        {
            _writingErrorOf = label.Length > 0 ? label : "the row";
            WriteError(record);
            _writingErrorOf = null;
        }


        /// <summary>Writes finished rows in input order; waits for the oldest one when asked to, or when the buffer is full.</summary>
        private void WriteFinished(bool wait)
        {
            EndIfTerminating();
            while (_work!.Count > 0)
            {
                EndIfTerminating();
                var mustWait = wait || _work.IsFull;
                var ready = _work.WaitForOldest(mustWait ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
                // While the oldest row is still queued: a write that throws here (the pipeline stopping) leaves it to the
                // early end's account.
                FlushTrace();
                if (_progress.Due()) WriteProgress(_progress.Record());
                if (!ready)
                {
                    if (!mustWait) return;
                    if (Stopping) throw new PipelineStoppedException();
                    continue;
                }
                var item = _work.Take();
                Report(item.State, item.Task);
            }
        }

        private void Report(InputRow row, Task<CreateOutcome> task)
        {
            if (task.Status == TaskStatus.RanToCompletion)
            {
                var outcome = task.Result;
                var output = LinkOutput.Wrap(outcome.Link, row.Reference, outcome.Origin == LinkOrigin.Reused);
                ResolveSession().RememberLink(outcome.Link.Id);
                var how = outcome.Origin == LinkOrigin.Reused ? "reused" : outcome.Origin == LinkOrigin.Adopted ? "adopted" : "created";
                try
                {
                    WriteVerbose($"{row.Creation.Name}: {how} {outcome.Link.Id} ({LinkOutput.FormatMoney(outcome.Link.Amount, outcome.Link.Currency)})");
                    WriteObject(output);
                }
                catch (PipelineStoppedException) when (!Stopping)
                {
                    // A later command (Select-Object -First) took this link, then ended the pipeline: the link was written.
                    _progress.Count(outcome.Origin, outcome.Link.Id, row.Creation.Name);
                    throw;
                }
                catch (Exception) when (Stopping)
                {
                    // Ctrl+C: PowerShell refused the link before it reached the pipeline. It exists: the early-end account names it.
                    _progress.CountUnwritten(outcome.Link.Id, row.Creation.Name);
                    throw;
                }
                _progress.Count(outcome.Origin, outcome.Link.Id, row.Creation.Name);
                return;
            }
            var unreachable = _creator?.Unreachable;
            if (task.IsCanceled)
            {
                if (unreachable == null)
                {
                    // Taken off the queue already: counted here, or the early-end account would never see this row.
                    _progress.CountGivenUp(row);
                    throw new PipelineStoppedException();
                }
                _progress.CountNeverSent();
                StopUnreachable(row, unreachable);
            }
            var error = task.Exception!.GetBaseException();
            if (error is RecentDuplicateException duplicate)
            {
                // Told once for the run (AlreadyRun at the end), not once a row: a repeated input would print thousands.
                _progress.CountFailure(row.Number, row.Label, RowErrors.FailureKey(duplicate));
                _alreadyLinked.Add((row.Label, row.Target, duplicate.Existing));
                WriteVerbose($"{row.Creation.Name}: not created: {duplicate.Existing.Id} with the same fields was created {Timestamps.Text(duplicate.Existing.CreatedAt)} (RecentDuplicate)");
                return;
            }
            _progress.CountFailure(row.Number, row.Label, RowErrors.FailureKey(error));
            if (error is AlreadyPaidException paid)
            {
                WriteRowError(RowErrors.AlreadyPaid(paid, row.Target, row.Label), row.Label);
                return;
            }
            var request = row.Creation.Request;
            if (error is OmiseApiException api)
            {
                if (unreachable != null && api.Kind == OmiseFailureKind.ConnectionRefused) StopUnreachable(row, unreachable);
                var record = RowErrors.ApiFailure(ApiErrorRecord(api, row.Target, RowErrors.CouldNotCreate(request, row.Label)), api, row.Label);
                if (api.StatusCode == 401) _progress.EndEarly("the API refused the key");
                _writingErrorOf = row.Label.Length > 0 ? row.Label : "the row";
                WriteApiError(record, api);
                _writingErrorOf = null;
                return;
            }
            WriteRowError(RowErrors.CreateFailed(error, row.Target, request, row.Label), row.Label);
        }

        /// <summary>
        /// Fail fast: the API could not be reached for several rows in a row, so the run stops once with one terminating
        /// error, as for a refused key: rows not yet sent are never sent, and the end-of-run account tells it.
        /// </summary>
        private void StopUnreachable(InputRow row, OmiseApiException failure)
        {
            _progress.EndEarly("the API could not be reached");
            ThrowTerminatingError(RowErrors.Unreachable(failure, _creator!.UnreachableAfterRows, row.Target, row.Label));
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
            DropHeld();
            _creator.Close();
            _progress.EndEarly("the pipeline ended");
            if (_work.Count > 0)
            {
                var settled = Task.WhenAll(_work.Pending().Select(t => (Task)t));
                try
                {
                    if (!settled.Wait(InFlightGrace))
                    {
                        _rowsCancellation.Cancel();
                        settled.Wait(TimeSpan.FromSeconds(2));
                    }
                }
                catch (AggregateException) { }

                foreach (var item in _work.DrainAll()) _progress.CountLeft(item.State, item.Task);
            }
            var warning = _progress.EarlyEndWarning();
            var viaHost = Stopping;
            if (warning != null)
            {
                try
                {
                    if (Stopping) throw new PipelineStoppedException();
                    WriteWarning(warning);
                }
                catch (Exception)
                {
                    viaHost = true;
                    try { Host?.UI?.WriteWarningLine(warning); }
                    catch (Exception) { }
                }
            }
            WriteSummaryLine(viaHost);
        }

        /// <summary>
        /// SIGTERM: no row is sent any more (the signal closed the creator); rows in flight get TerminationGrace to finish;
        /// every finished row is written in input order (a row given up is counted, like a failed one, and the rows after it
        /// still written); then one terminating error ends the run, and WhileRunning's EndEarly names what is left (links
        /// created but not written, rows that may have a link) and writes the summary line.
        /// </summary>
        private void EndIfTerminating()
        {
            if (!_terminating || _work == null) return;
            _progress.EndEarly(TerminationSignal.Reason);
            WaitWhileTracing(Task.WhenAll(_work.Pending().Select(t => (Task)t).ToArray()), TerminationGrace);
            while (_work.Count > 0 && _work.Pending().First().IsCompleted)
            {
                var item = _work.Take();
                if (!item.Task.IsCanceled)
                {
                    Report(item.State, item.Task);
                    continue;
                }
                // Given up when the signal closed the run (a retry not sent): counted, and the finished rows after it are
                // still written, as after a failed row.
                _progress.CountGivenUp(item.State);
            }
            _rowsCancellation.Cancel();
            var written = _progress.Created + _progress.Adopted + _progress.Reused;
            throw RunAccounting.Terminated(TerminationSignal.Reason, TerminationGrace, written, "ProcessTerminating," + typeof(NewOmiseLinkCommand).FullName);
        }

        /// <summary>Runs when the pipeline ends for any reason; an early end not yet told (Ctrl+C, an upstream failure) is told here.</summary>
        public void Dispose()
        {
            _termination?.Dispose();
            EndEarly();
        }
    }
}
