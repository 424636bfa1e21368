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

        private sealed class Row
        {
            public Row(object target, RowCreation creation, long? number, string? reference)
            {
                Target = target;
                Creation = creation;
                Number = number;
                Reference = reference;
            }

            public object Target { get; }
            public RowCreation Creation { get; }
            public LinkCreateRequest Request => Creation.Request;
            /// <summary>1 for the first input row (the first line after a CSV header); null for a command-line call.</summary>
            public long? Number { get; }
            public string? Reference { get; }
            public string Label => RowLabel.Of(Number, Reference);
            /// <summary>How Verbose names the row: its label, or the title for a command-line call.</summary>
            public string Name => Label.Length > 0 ? Label : Creation.Name;
            public string Describe() => $"'{Request.Title}' ({LinkOutput.FormatMoney(Request.Amount, Request.Currency)})";
        }

        // Rows the duplicate guard refused, with the existing link of each: one AlreadyRun error at the end tells them all.
        private readonly List<(Row Row, Link Existing)> _alreadyLinked = new List<(Row, Link)>();

        private const int NamedInAlreadyRun = 5;

        /// <summary>
        /// The rows the duplicate guard refused, as one error for the run: "this input was already run at ...: N of M rows
        /// have identical links". Its TargetObject holds every such row, so -ErrorVariable still collects them.
        /// </summary>
        private void WriteAlreadyRun()
        {
            if (_alreadyLinked.Count == 0) return;
            var first = _alreadyLinked.Min(r => r.Existing.CreatedAt);
            var named = string.Join(", ", _alreadyLinked.Take(NamedInAlreadyRun).Select(r =>
                (r.Row.Label.Length > 0 ? RowLabel.InList(r.Row.Label) : "the command") + " (" + r.Existing.Id + ")"));
            if (_alreadyLinked.Count > NamedInAlreadyRun) named += $" and {_alreadyLinked.Count - NamedInAlreadyRun} more (Verbose names each)";
            var rows = _progress.Rows;
            var text = $"This input looks already run: {_alreadyLinked.Count} of {rows} row{(rows == 1 ? "" : "s")} have an identical " +
                $"payable link created in the last {RecentDuplicateException.Hours(DuplicateWindow)}, the first at {Timestamps.Text(first)}: {named}. " +
                "Nothing was sent for them.";
            var exception = new RecentDuplicateException(_alreadyLinked[0].Existing, DuplicateWindow);
            var record = new ErrorRecord(exception, "AlreadyRun", ErrorCategory.ResourceExists, _alreadyLinked.Select(r => r.Row.Target).ToArray())
            {
                ErrorDetails = new ErrorDetails(text)
                {
                    RecommendedAction = "-ReuseExisting writes these rows' links again (the same links); -AllowDuplicate makes new ones. " +
                        "If an existing link is another invoice's (same fields, another customer), use -AllowDuplicate: -ReuseExisting " +
                        "would hand this row that invoice's link.",
                },
            };
            _alreadyLinked.Clear();
            WriteRowError(record, "");
        }

        private static readonly RowReader Columns = new RowReader(typeof(NewOmiseLinkCommand));
        private long _rowNumber;

        private OrderedWork<Row, CreateOutcome>? _work;
        private LinkCreator? _creator;
        private readonly RunProgress _progress = new RunProgress();
        private bool _endReported;
        // The references seen in this run, as 64-bit hashes (case-insensitive) with their first row: 16 bytes a row instead of
        // the string. A collision could only refuse a row as a copy (nothing is created, -AllowDuplicate lets it through).
        private readonly Dictionary<ulong, long> _references = new Dictionary<ulong, long>();

        private static readonly string[] RowFields = { nameof(Amount), nameof(Price), nameof(Currency), nameof(Title), nameof(Description), nameof(Reference), nameof(Multiple) };
        // The row fields given on the command line, each checked against every row's own column. Read in BeginProcessing,
        // where BoundParameters holds only the command line's (a row's columns are bound later, per record).
        private string[] _givenOnCommandLine = Array.Empty<string>();
        // -WhatIf: set once a read of the existing links failed; the preview stops asking.
        private bool _previewUnavailable;
        // SIGTERM during the run: set on the signal's thread, acted on by the pipeline thread (EndIfTerminating).
        private IDisposable? _termination;
        private volatile bool _terminating;
        /// <summary>How long rows in flight may finish after SIGTERM: container runtimes send SIGKILL about 10 s after it.</summary>
        private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(5);

        protected override void BeginProcessing()
        {
            _givenOnCommandLine = RowFields.Where(MyInvocation.BoundParameters.ContainsKey).ToArray();
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
            _work = new OrderedWork<Row, CreateOutcome>(ThrottleLimit, LookAhead(ThrottleLimit));
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

        /// <summary>
        /// How many checked rows wait before they are sent. A file read with the wrong encoding is usually seen on a later row
        /// than the first (ASCII rows come out fine, Thai ones damaged): a row is sent only once this many later rows have been
        /// checked or the input has ended, so a file whose first damaged row is row n has sent at most n - 1 - HeldRows rows
        /// (none for a file of up to 501 rows). Reading ahead costs no request, only the time to read and check that many rows
        /// before the first is sent (about 0.15-0.3 s once per run here); the rows wait in memory (a CSV row is small). Once a
        /// row's Thai text has been read intact the file's encoding is right, and rows are sent as soon as they are checked.
        /// </summary>
        internal const int HeldRows = 500;

        private sealed class Held
        {
            public Row? Row;
            public ErrorRecord? Error;
            public long? Number;
            public string Label = string.Empty;
            public string Keys = string.Empty;
        }

        private readonly Queue<Held> _held = new Queue<Held>();
        // Set once a row's Thai text was read intact: the file's encoding is right, nothing more is held back.
        private bool _encodingConfirmed;
        private long _sent;
        private long _checked;

        /// <summary>
        /// A checked row (to send) or a refused one (its error) joins the rows waiting to be sent, in input order; the oldest
        /// leaves once more than HeldRows wait. A refusal with nothing ahead of it is written at once, and a command-line call
        /// (no row) is never held.
        /// </summary>
        private void Hold(Held entry)
        {
            if (entry.Number == null || _encodingConfirmed || (entry.Error != null && _held.Count == 0))
            {
                ReleaseHeld();
                Release(entry);
                return;
            }
            _held.Enqueue(entry);
            while (_held.Count > HeldRows) Release(_held.Dequeue());
        }

        /// <summary>Every waiting row is sent (end of input).</summary>
        private void ReleaseHeld()
        {
            try
            {
                while (_held.Count > 0) Release(_held.Dequeue());
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

        /// <summary>The run ends early: rows still waiting are never sent (a refused one stays a failure).</summary>
        private void DropHeld()
        {
            while (_held.Count > 0)
            {
                var entry = _held.Dequeue();
                if (entry.Error != null) _progress.CountFailure(entry.Number, entry.Label, entry.Keys);
                else _progress.CountNeverSent();
            }
        }

        /// <summary>
        /// A problem of the whole input, not of one row (its encoding, a missing column): one terminating error naming the
        /// row where it was seen. Rows still waiting are never sent; the message says how many were sent before.
        /// </summary>
        private void StopForFile(ErrorRecord rowError, long? number, string label, string reason, string text, string advice)
        {
            var waiting = _held.Count(h => h.Row != null);
            DropHeld();
            _progress.CountFailure(number, label, reason);
            var sent = _sent == 0 ? "Nothing was sent: no row of the input was created."
                : $"{_sent} earlier row(s) had been sent before it (the run holds back {HeldRows} rows before sending them); " +
                  "their links are written above, and nothing after them was sent.";
            if (waiting > 0 && _sent > 0) sent += $" {waiting} checked row(s) waiting were not sent.";
            // The exception's message is what the end-of-run summary gives as the reason the run ended.
            var where = label.Length > 0 ? " at " + RowLabel.InSentence(label) : "";
            var record = new ErrorRecord(new ArgumentException(reason + where), rowError.FullyQualifiedErrorId.Split(',')[0], ErrorCategory.InvalidData, rowError.TargetObject)
            {
                ErrorDetails = new ErrorDetails((label.Length > 0 ? label + ": " : "") + text + " " + sent) { RecommendedAction = advice },
            };
            if (label.Length > 0) record.CategoryInfo.TargetName = label;
            if (_work != null) WriteFinished(wait: true);
            // Told before the throw: the pipeline sees only that it stopped.
            _progress.EndEarly(reason + where);
            ThrowTerminatingError(record);
        }

        private static bool Filled(object? value) =>
            value != null && !(value is string text && text.Trim().Length == 0) && !(value is PSObject ps && ps.BaseObject is string t && t.Trim().Length == 0);

        /// <summary>
        /// A row's value for a field: the command line's if given there (checked against the row's own cells elsewhere), else
        /// the row's column (by name or alias). Several columns for one field (Amount and AmountSatang, Reference and
        /// Invoice No): empty cells are ignored, equal values are one value, and different values are a problem naming both
        /// columns, so neither is taken. Null when there is no such column.
        /// </summary>
        private object? Read(string field, object? bound, PSObject? row, List<(string Id, string Key, string Text)> problems)
        {
            if (_givenOnCommandLine.Contains(field)) return bound;
            if (row == null) return null;
            var cells = Columns.Cells(row, field);
            if (cells.Count == 0) return null;
            var filled = cells.Where(c => Filled(c.Value)).ToList();
            if (filled.Count == 0) return cells[0].Value ?? string.Empty;
            var first = filled[0];
            foreach (var other in filled.Skip(1))
            {
                if (SameValue(field, first.Value, other.Value)) continue;
                var hint = field == nameof(Amount)
                    ? " An amount column holds the smallest unit (satang, cents): if one of them is in baht or dollars, name it price, or leave it out."
                    : "";
                problems.Add(("ConflictingColumns", field.ToLowerInvariant() + " in two columns",
                    $"The row gives the {field.ToLowerInvariant()} twice, differently: column '{first.Name}' is '{first.Value}' and column " +
                    $"'{other.Name}' is '{other.Value}'. Neither is taken: keep one of the columns.{hint}"));
                break;
            }
            return first.Value;
        }

        /// <summary>
        /// One row: skip it if wholly blank; check every field with the core's rule (LinkFields) so that any problem is
        /// one error naming the row (number, file line and reference) before anything is sent; then preview or hold it to
        /// be sent. A problem of the whole input (damaged text, a missing column) stops the run instead.
        /// </summary>
        private void ProcessRow(PSObject? row, long? number)
        {
            if (row != null && RowReader.IsBlank(row))
            {
                WriteVerbose($"{RowLabel.Of(number, null)}: every cell is empty; skipped (nothing created).");
                _progress.Skip(number ?? 0);
                return;
            }

            var problems = new List<(string Id, string Key, string Text)>();
            // Null: no reference column; "" : the column is there but this row's cell is empty.
            var reference = Read(nameof(Reference), Reference, row, problems)?.ToString().Trim();
            var label = RowLabel.Of(number, reference);

            foreach (var name in _givenOnCommandLine)
                if (ConflictWithCommandLine(name, row) is string conflict)
                    problems.Add(("ConflictingValue", name.ToLowerInvariant() + " given twice", conflict));
            var amountValue = Read(nameof(Amount), Amount, row, problems);
            var priceValue = Read(nameof(Price), Price, row, problems);
            // An empty amount cell beside a filled price is the price (and the other way round).
            var useAmount = Filled(amountValue) || (!Filled(priceValue) && amountValue != null);
            long amount = 0;
            if (Filled(amountValue) && Filled(priceValue))
                problems.Add(("AmountAndPrice", "amount and price",
                    $"The row gives both an amount ('{amountValue}', smallest unit) and a price ('{priceValue}', currency units): give one, so the sum cannot be read two ways."));
            else if (amountValue == null && priceValue == null) problems.Add(("MissingAmount", "no amount column", MissingAmountText(row)));
            else if (useAmount && !StrictAmount.TryRead(amountValue, out amount, out var amountProblem)) problems.Add(("InvalidAmount", "amount", amountProblem!));

            var currencyValue = Read(nameof(Currency), Currency, row, problems);
            string? currency = null;
            if (currencyValue == null) problems.Add(("MissingCurrency", "no currency column", Columns.Missing(row, nameof(Currency))));
            else
            {
                currency = LinkFields.NormalizeCurrency(currencyValue.ToString(), out var currencyProblem);
                if (currency == null) problems.Add(("InvalidCurrency", "currency", currencyProblem!));
            }
            // A price needs the currency to know its decimals (2 for THB, 0 for JPY); without one its problem is the currency's.
            if (!useAmount && priceValue != null && currency != null)
            {
                if (!StrictAmount.TryReadPrice(priceValue, currency, out amount, out var priceProblem))
                    problems.Add(("InvalidPrice", "price", priceProblem!));
                else if (amount == 0)
                    // In an accounting export 0.00 is a free or credited item; as a link it would let the customer type any amount.
                    problems.Add(("InvalidPrice", "price", $"Price '{priceValue}' is zero: a link with no amount lets the customer enter any amount. " +
                        "Leave free or credited items out; to let the customer choose the amount on purpose, give an amount of 0 instead of a price."));
            }

            string? damagedText = null;
            var title = CheckText(nameof(Title), Read(nameof(Title), Title, row, problems), row, problems, ref damagedText);
            var description = CheckText(nameof(Description), Read(nameof(Description), Description, row, problems), row, problems, ref damagedText);

            var multiple = Multiple.IsPresent;
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Multiple)) && row != null)
            {
                var cell = Read(nameof(Multiple), null, row, problems);
                if (!CsvBooleanAttribute.TryRead(nameof(Multiple), cell, out multiple, out var multipleProblem))
                    problems.Add(("InvalidMultiple", "multiple", multipleProblem!));
            }

            object target = (object?)row ?? new PSObject(new { Amount = amountValue, Currency = currencyValue, Title = title, Description = description });
            LinkCreateRequest? request = null;
            if (problems.Count == 0)
            {
                try { request = new LinkCreateRequest(amount, currency!, title!, description!, multiple); }
                catch (ArgumentException ex) { problems.Add(("InvalidArgument", "fields", ex.Message)); }
            }
            if (request != null && !AllowDuplicate.IsPresent && DuplicateOfInput(row, number, reference) is var duplicate && duplicate != null)
            {
                problems.Add(duplicate.Value);
                request = null;
            }
            var firstRow = _checked++ == 0;
            if (request == null)
            {
                var damaged = damagedText != null;
                var text = string.Join(" ", problems.Select(p => p.Text));
                var labelled = (label.Length > 0 ? label + ": " : "") + text + (damaged ? " Nothing was sent for this row." : "");
                var copy = problems[0].Id == "DuplicateReference" || problems[0].Id == "AlreadyALink";
                var record = new ErrorRecord(new ArgumentException(labelled), problems[0].Id, copy ? ErrorCategory.ResourceExists : ErrorCategory.InvalidData, target)
                {
                    ErrorDetails = new ErrorDetails(labelled)
                    {
                        RecommendedAction = damaged ? LinkFields.EncodingAdviceFor(damagedText!)
                            : copy ? "If the row is a copy, leave it out; to create another link for it on purpose, use -AllowDuplicate."
                            : number == null ? "Fix the value and run the command again."
                            : MyInvocation.BoundParameters.ContainsKey("WhatIf") ? "Fix the row; nothing was sent (-WhatIf)."
                            : "Fix the row, then run the file again with -ReuseExisting: rows already created are not created twice.",
                    },
                };
                if (label.Length > 0) record.CategoryInfo.TargetName = label;
                if (row != null && damaged)
                    // Text decoded with the wrong encoding is the file's problem: its other rows are as damaged, or wrong
                    // in ways no check can see (ASCII rows read fine), so nothing more of it is sent.
                    StopForFile(record, number, label, "the input was read with the wrong encoding", text + " The file was read with the wrong encoding, so the run stops here.", LinkFields.EncodingAdviceFor(damagedText!));
                var missing = problems.Where(p => p.Id.StartsWith("Missing", StringComparison.Ordinal)).ToList();
                if (row != null && firstRow && missing.Count > 0)
                    // The first row has no such column: every row of a CSV has the same columns, so one error for the input,
                    // not one per row.
                    StopForFile(record, number, label, "the input has " + string.Join(", ", missing.Select(p => p.Key)), string.Join(" ", missing.Select(p => p.Text)) +
                        " Every row of the input has the same columns, so the run stops at its first row.",
                        "Fix the header of the file (or give the value on the command line for every row, such as -Currency thb), then run it again.");
                Hold(new Held
                {
                    Error = record, Number = number, Label = label,
                    Keys = string.Join(", ", problems.Select(p => p.Key).Distinct()),
                });
                return;
            }

            var creation = new RowCreation(request, label.Length > 0 ? label : $"'{request.Title}'",
                identity: !string.IsNullOrEmpty(reference) ? "reference " + reference!.ToUpperInvariant() : number.HasValue ? "row " + number.Value : null);
            var rowState = new Row(target, creation, number, reference);
            var what = (label.Length > 0 ? label + ": " : "") +
                $"{rowState.Describe()}, {(request.Multiple ? "multiple-use" : "single-use")}, description '{request.Description}'";
            const string Action = "Create payment link";
            var operation = $"Performing the operation \"{Action}\" on target \"{what}\".";
            if (!ShouldProcess(operation, "Are you sure you want to perform this action?\n" + operation, "Confirm", out var reason))
            {
                _progress.Previewed++;
                if (reason == ShouldProcessReason.WhatIf) PreviewExisting(request, label);
                return;
            }
            if (row != null && !_encodingConfirmed && ReadsAsThai(request.Title + request.Description)) _encodingConfirmed = true;
            Hold(new Held { Row = rowState, Number = number, Label = label });
        }

        /// <summary>
        /// Text with three Thai letters or more that passed the encoding check: no wrong reading of a Thai file makes that
        /// (code page 874 read as 1252 gives Latin-1 letters; UTF-8 read as 874 gives the 'เธ' pairs the check refuses).
        /// </summary>
        private static bool ReadsAsThai(string text)
        {
            var thai = 0;
            foreach (var c in text)
                if (c >= '\u0E01' && c <= '\u0E5B' && ++thai >= 3) return true;
            return false;
        }

        /// <summary>
        /// -WhatIf: says what a real run would do instead of creating the row's link (reuse an existing link, or refuse the row
        /// as a recent duplicate), reading the same links a real run would. A failed read is told once and ends the check.
        /// </summary>
        private void PreviewExisting(LinkCreateRequest request, string label)
        {
            if (_previewUnavailable) return;
            (Link Link, ExistingLinkKind Kind)? existing;
            try { existing = Run(ct => _creator!.FindExistingAsync(request, ct)); }
            catch (OmiseApiException ex)
            {
                _previewUnavailable = true;
                WriteWarning($"-WhatIf could not read the existing links, so it cannot tell which rows a real run would reuse or refuse as duplicates: {ex.Message}");
                return;
            }
            if (existing == null) return;
            var name = label.Length > 0 ? label + ": " : "";
            var link = existing.Value.Link;
            switch (existing.Value.Kind)
            {
                case ExistingLinkKind.Reuse:
                    _progress.PreviewedReuse++;
                    WriteVerbose($"{name}a real run would reuse {link.Id} (created {Timestamps.Text(link.CreatedAt)}).");
                    return;
                case ExistingLinkKind.AlreadyPaid:
                    _progress.PreviewedDuplicate++;
                    WriteWarning($"{name}a real run would not create this link: {new AlreadyPaidException(link).Message} (AlreadyPaid). " +
                        "Use -AllowDuplicate only if this invoice must be paid again.");
                    return;
                default:
                    _progress.PreviewedDuplicate++;
                    WriteWarning($"{name}a real run would not create this link: {link.Id} with the same fields was created " +
                        $"{Timestamps.Text(link.CreatedAt)} (RecentDuplicate). Use -ReuseExisting to take it, or -AllowDuplicate to create another.");
                    return;
            }
        }

        /// <summary>
        /// A row that is surely not meant to make a new link: its reference (invoice) repeats an earlier row's in this run
        /// (a copied line), or it is a link already (an Id column holding a link id: a links.csv fed back in). Null otherwise.
        /// </summary>
        private (string Id, string Key, string Text)? DuplicateOfInput(PSObject? row, long? number, string? reference)
        {
            if (row != null)
            {
                foreach (var name in LinkIdAttribute.Columns)
                    if (row.Properties[name]?.Value?.ToString()?.Trim() is string id && Identifiers.IsLinkId(id))
                        return ("AlreadyALink", "already a link",
                            $"The row is a payment link already ({name} {id}): it looks like a links file fed back in. Get-OmiseLink shows that link; nothing was sent.");
            }
            if (string.IsNullOrEmpty(reference) || number == null) return null;
            var key = ReferenceHash(reference!);
            if (_references.TryGetValue(key, out var first))
                return ("DuplicateReference", "same reference as " + RowLabel.InSentence(RowLabel.Of(first, null)),
                    $"The reference {reference} was already used by {RowLabel.InSentence(RowLabel.Of(first, null))} of this run: a copied line would make a second link for one invoice. Nothing was sent for this row.");
            _references[key] = number.Value;
            return null;
        }

        private static ulong ReferenceHash(string reference)
        {
            var hash = 14695981039346656037UL; // FNV-1a over the upper-cased UTF-16 code units
            foreach (var c in reference.ToUpperInvariant()) hash = (hash ^ c) * 1099511628211UL;
            return hash;
        }

        /// <summary>Neither an amount nor a price: the near-miss column of either, else what is read.</summary>
        private static string MissingAmountText(PSObject? row)
        {
            var price = Columns.Missing(row, nameof(Price));
            if (price.IndexOf("looks like it", StringComparison.Ordinal) >= 0) return price;
            var amount = Columns.Missing(row, nameof(Amount));
            return amount + " A price in currency units (1500.50) can be given instead, in a price column or with -Price.";
        }

        /// <summary>
        /// A field given on the command line and, differently, in the row's own column: the binder would silently take the
        /// command line's, so the row is refused instead (an amount or a currency is money). Null when they agree or the
        /// row has no such cell.
        /// </summary>
        private string? ConflictWithCommandLine(string field, PSObject? row)
        {
            if (row == null) return null;
            object? given = field switch
            {
                nameof(Amount) => Amount,
                nameof(Price) => Price,
                nameof(Currency) => Currency,
                nameof(Title) => Title,
                nameof(Description) => Description,
                nameof(Reference) => Reference,
                _ => Multiple.IsPresent,
            };
            if (given is PSObject ps) given = ps.BaseObject;
            foreach (var (column, cell) in Columns.Cells(row, field))
            {
                if (!Filled(cell) || SameValue(field, cell, given)) continue;
                var shown = field == nameof(Multiple) ? ((bool)given! ? "-Multiple" : "-Multiple:$false") : $"-{field} '{given}'";
                var name = string.Equals(column, field, StringComparison.OrdinalIgnoreCase) ? "" : $" (column '{column}')";
                return $"The row's {field.ToLowerInvariant()}{name} is '{cell}' but {shown} was given on the command line: a value given in both places " +
                    "must be the same, so neither is taken. Remove the column or the parameter.";
            }
            return null;
        }

        /// <summary>Two values given for one field mean the same: amounts and prices as numbers, a currency in any case, a yes/no as one.</summary>
        private static bool SameValue(string field, object? a, object? b)
        {
            if (a is PSObject pa) a = pa.BaseObject;
            if (b is PSObject pb) b = pb.BaseObject;
            switch (field)
            {
                case nameof(Amount):
                    return StrictAmount.TryRead(a, out var first, out _) && StrictAmount.TryRead(b, out var second, out _) && first == second;
                case nameof(Price):
                    // Compared as two-decimal numbers ("100" = "100.00"); the row's own currency decides its decimals later.
                    return StrictAmount.TryReadPrice(a, "usd", out var firstPrice, out _) && StrictAmount.TryReadPrice(b, "usd", out var secondPrice, out _) && firstPrice == secondPrice;
                case nameof(Currency):
                    return string.Equals(a?.ToString().Trim(), b?.ToString().Trim(), StringComparison.OrdinalIgnoreCase);
                case nameof(Multiple):
                    return CsvBooleanAttribute.TryRead(field, a, out var firstMultiple, out _) && CsvBooleanAttribute.TryRead(field, b, out var secondMultiple, out _)
                        && firstMultiple == secondMultiple;
                default:
                    return string.Equals(a?.ToString().Trim(), b?.ToString().Trim(), StringComparison.Ordinal);
            }
        }

        private static string? CheckText(string field, object? value, PSObject? row, List<(string Id, string Key, string Text)> problems, ref string? damagedText)
        {
            if (value == null)
            {
                problems.Add(("Missing" + field, "no " + field.ToLowerInvariant() + " column", Columns.Missing(row, field)));
                return null;
            }
            var text = value.ToString();
            var problem = LinkFields.TextProblem(field, text, withAdvice: false);
            if (problem == null) return text;
            var damaged = LinkFields.EncodingDamage(text) != null;
            if (damaged && damagedText != null) problem = $"So does {field} '{text}'.";
            if (damaged) damagedText ??= text;
            problems.Add((damaged ? "TextEncodingDamaged" : "Invalid" + field, damaged ? "text encoding" : field.ToLowerInvariant(), problem));
            return null;
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
                _progress.EndEarly(ReasonOf(ex));
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


        private string ReasonOf(Exception ex)
        {
            // -ErrorAction Stop: the engine turns the row's error into PipelineStoppedException while the pipeline is not stopping.
            if (_writingErrorOf != null && (ex is ActionPreferenceStopException || (ex is PipelineStoppedException && !Stopping)))
                return $"-ErrorAction Stop at the error of {RowLabel.InSentence(_writingErrorOf)}";
            // A later command that needs no more rows (Select-Object -First) ends the pipeline without Ctrl+C's Stopping.
            if (ex.GetType().Name == "StopUpstreamCommandsException" || (ex is PipelineStoppedException && !Stopping))
                return "a later command in the pipeline needed no more rows (such as Select-Object -First)";
            if (Stopping || ex is PipelineStoppedException) return "the pipeline was stopped (Ctrl+C)";
            return ex.Message;
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

        private void Report(Row row, Task<CreateOutcome> task)
        {
            if (task.Status == TaskStatus.RanToCompletion)
            {
                var outcome = task.Result;
                var output = LinkOutput.Wrap(outcome.Link, row.Reference, outcome.Origin == LinkOrigin.Reused);
                ResolveSession().RememberLink(outcome.Link.Id);
                var how = outcome.Origin == LinkOrigin.Reused ? "reused" : outcome.Origin == LinkOrigin.Adopted ? "adopted" : "created";
                try
                {
                    WriteVerbose($"{row.Name}: {how} {outcome.Link.Id} ({LinkOutput.FormatMoney(outcome.Link.Amount, outcome.Link.Currency)})");
                    WriteObject(output);
                }
                catch (PipelineStoppedException) when (!Stopping)
                {
                    // A later command (Select-Object -First) took this link, then ended the pipeline: the link was written.
                    _progress.Count(outcome.Origin, outcome.Link.Id, row.Name);
                    throw;
                }
                catch (Exception) when (Stopping)
                {
                    // Ctrl+C: PowerShell refused the link before it reached the pipeline. It exists: the early-end account names it.
                    _progress.CountUnwritten(outcome.Link.Id, row.Name);
                    throw;
                }
                _progress.Count(outcome.Origin, outcome.Link.Id, row.Name);
                return;
            }
            var unreachable = _creator?.Unreachable;
            if (task.IsCanceled)
            {
                if (unreachable == null)
                {
                    // Taken off the queue already: counted here, or the early-end account would never see this row.
                    if (row.Creation.MayExist) _progress.CountMayExist();
                    else _progress.CountNeverSent();
                    throw new PipelineStoppedException();
                }
                _progress.CountNeverSent();
                StopUnreachable(row, unreachable);
            }
            var error = task.Exception!.GetBaseException();
            var prefix = row.Label.Length > 0 ? row.Label + ": " : "";
            if (error is RecentDuplicateException duplicate)
            {
                // Told once for the run (AlreadyRun at the end), not once a row: a repeated input would print thousands.
                _progress.CountFailure(row.Number, row.Label, "same as " + duplicate.Existing.Id);
                _alreadyLinked.Add((row, duplicate.Existing));
                WriteVerbose($"{row.Name}: not created: {duplicate.Existing.Id} with the same fields was created {Timestamps.Text(duplicate.Existing.CreatedAt)} (RecentDuplicate)");
                return;
            }
            if (error is AlreadyPaidException paid)
            {
                _progress.CountFailure(row.Number, row.Label, "paid " + paid.Paid.Id);
                var record = new ErrorRecord(paid, "AlreadyPaid", ErrorCategory.ResourceExists, row.Target)
                {
                    ErrorDetails = new ErrorDetails(prefix + paid.Message)
                    {
                        RecommendedAction = "Nothing to do if the invoice is paid. If it really must be paid again (a new charge with the " +
                            "same fields), run the row with -AllowDuplicate.",
                    },
                };
                if (row.Label.Length > 0) record.CategoryInfo.TargetName = row.Label;
                WriteRowError(record, row.Label);
                return;
            }
            if (error is OmiseApiException api)
            {
                _progress.CountFailure(row.Number, row.Label, api.StatusCode.HasValue ? $"HTTP {api.StatusCode} {api.Code}" : (api.Code ?? api.Kind.ToString()));
                if (unreachable != null && api.Kind == OmiseFailureKind.ConnectionRefused) StopUnreachable(row, unreachable);
                var record = ApiErrorRecord(api, row.Target, prefix + "Could not create the link " + row.Describe());
                if (row.Label.Length > 0) record.CategoryInfo.TargetName = row.Label;
                if (api.IsTransient)
                    record.ErrorDetails.RecommendedAction = "Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.";
                if (api.StatusCode == 401) _progress.EndEarly("the API refused the key");
                _writingErrorOf = row.Label.Length > 0 ? row.Label : "the row";
                WriteApiError(record, api);
                _writingErrorOf = null;
                return;
            }
            _progress.CountFailure(row.Number, row.Label, error.GetType().Name);
            _writingErrorOf = row.Label.Length > 0 ? row.Label : "the row";
            WriteError(new ErrorRecord(error, "CreateLinkFailed", ErrorCategory.NotSpecified, row.Target)
            {
                ErrorDetails = new ErrorDetails(prefix + "Could not create the link " + row.Describe() + ": " + error.Message),
            });
            _writingErrorOf = null;
        }

        /// <summary>
        /// Fail fast: the API could not be reached for several rows in a row, so the run stops once with one terminating
        /// error, as for a refused key: rows not yet sent are never sent, and the end-of-run account tells it.
        /// </summary>
        private void StopUnreachable(Row row, OmiseApiException failure)
        {
            var threshold = _creator!.UnreachableAfterRows;
            _progress.EndEarly("the API could not be reached");
            var prefix = row.Label.Length > 0 ? row.Label + ": " : "";
            var text = $"{prefix}The Omise API could not be reached for {threshold} rows in a row ({failure.Message}). " +
                "The run stops here: no further row is sent.";
            var record = new ErrorRecord(failure, "ApiUnreachable", ErrorCategory.ConnectionError, row.Target)
            {
                ErrorDetails = new ErrorDetails(text)
                {
                    RecommendedAction = "Check the network, proxy and -ApiUri, then run the same input again with -ReuseExisting: " +
                        "rows whose link exists get it, the rest are created once.",
                },
            };
            if (row.Label.Length > 0) record.CategoryInfo.TargetName = row.Label;
            ThrowTerminatingError(record);
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

                foreach (var item in _work.DrainAll())
                {
                    var row = item.State;
                    if (item.Task.Status == TaskStatus.RanToCompletion) _progress.CountUnwritten(item.Task.Result.Link.Id, row.Name);
                    else if (row.Creation.MayExist) _progress.CountMayExist();
                    else if (item.Task.IsFaulted && !(item.Task.Exception!.GetBaseException() is OperationCanceledException))
                        _progress.CountFailure(row.Number, row.Label, Key(item.Task.Exception.GetBaseException()));
                    else _progress.CountNeverSent();
                }
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
                if (item.State.Creation.MayExist) _progress.CountMayExist();
                else _progress.CountNeverSent();
            }
            _rowsCancellation.Cancel();
            var written = _progress.Created + _progress.Adopted + _progress.Reused;
            var text = $"New-OmiseLink stopped: {TerminationSignal.Reason}. No further row was sent; the rows in flight were given up to " +
                $"{TerminationGrace.TotalSeconds:0} s to finish, and {written} link(s) were written, in input order. " +
                "The warning and the summary line name any link created but not written.";
            var record = new ErrorRecord(new OperationCanceledException(text), "ProcessTerminating," + typeof(NewOmiseLinkCommand).FullName,
                ErrorCategory.OperationStopped, null)
            {
                ErrorDetails = new ErrorDetails(text)
                {
                    RecommendedAction = "Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.",
                },
            };
            // Ends the script as a throw statement would, not only this statement (ThrowTerminatingError): the process was asked
            // to stop, so a script's next statements must not run, and pwsh -File must not exit 0. try/catch still catches it.
            throw new RuntimeException(text, record.Exception, record) { WasThrownFromThrowStatement = true };
        }

        private static string Key(Exception error) => error switch
        {
            OmiseApiException api => api.StatusCode.HasValue ? $"HTTP {api.StatusCode} {api.Code}" : (api.Code ?? api.Kind.ToString()),
            RecentDuplicateException duplicate => "same as " + duplicate.Existing.Id,
            AlreadyPaidException paid => "paid " + paid.Paid.Id,
            _ => error.GetType().Name,
        };

        /// <summary>Runs when the pipeline ends for any reason; an early end not yet told (Ctrl+C, an upstream failure) is told here.</summary>
        public void Dispose()
        {
            _termination?.Dispose();
            EndEarly();
        }
    }
}
