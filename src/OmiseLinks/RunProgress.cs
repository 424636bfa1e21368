using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using Omise.Core;
using OmiseLinks.Binding;

namespace OmiseLinks
{
    /// <summary>
    /// Counts of a bulk run, the progress record that shows them (about once a second: a host redraws a bar slowly, and a
    /// runbook's progress stream should stay small), and every end-of-run text: the one-line summary written at the end of
    /// every run, the warning naming failed rows, and the account of an early end. One place builds them all, from the
    /// same counts and the same list of failed rows, so they never disagree.
    /// </summary>
    internal sealed class RunProgress
    {
        private const int ActivityId = 7301;
        private const int NamedInSummary = 10;
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        private TimeProvider _time = TimeProvider.System;
        private long _started = TimeProvider.System.GetTimestamp();
        private TimeSpan _lastShown = -Interval;

        /// <summary>
        /// The session's clock (tests drive it): progress pacing and the summary's run time follow it. Set when the run
        /// begins, which restarts the run's time.
        /// </summary>
        public TimeProvider Clock
        {
            get => _time;
            set
            {
                _time = value ?? TimeProvider.System;
                _started = _time.GetTimestamp();
            }
        }

        private TimeSpan Elapsed => _time.GetElapsedTime(_started);
        private readonly List<(long Row, string Text)> _failures = new List<(long, string)>();
        private readonly List<long> _skipped = new List<long>();

        private readonly List<string> _unwritten = new List<string>();

        public long Created { get; private set; }
        public long Adopted { get; private set; }
        public long Reused { get; private set; }
        public long Failed { get; private set; }
        public long Skipped => _skipped.Count;
        public long Done => Created + Adopted + Reused + Failed + Skipped;
        public bool Shown { get; private set; }

        /// <summary>Rows -WhatIf showed and did not send.</summary>
        public long Previewed { get; set; }

        /// <summary>Previewed rows a real run would give an existing link (-ReuseExisting), or refuse as recent duplicates.</summary>
        public long PreviewedReuse { get; set; }
        public long PreviewedDuplicate { get; set; }

        /// <summary>Why the run ended before every row was written ("-ErrorAction Stop at row 17", ...); null for a full run.</summary>
        public string? EndedEarly { get; private set; }
        public long CreatedNotWritten { get; private set; }
        public long MayExist { get; private set; }
        public long NeverSent { get; private set; }

        /// <summary>"test" or "live": the summary says which account kind the links were made in.</summary>
        public string? Mode { get; set; }

        /// <summary>How many rows the run has in all, when known (an array given as -InputObject); null for a stream.</summary>
        public long? Total { get; set; }

        /// <summary>
        /// The last link handed to the pipeline: an early end names it, because a stop that comes while it travels to the
        /// console or the file can lose it after New-OmiseLink let go of it.
        /// </summary>
        public string? LastWritten { get; private set; }

        public void Count(LinkOrigin origin, string linkId, string label)
        {
            LastWritten = linkId + (label.Length > 0 ? " (" + RowLabel.InList(label) + ")" : "");
            Count(origin);
        }

        public void Count(LinkOrigin origin)
        {
            if (origin == LinkOrigin.Reused) Reused++;
            else if (origin == LinkOrigin.Adopted) Adopted++;
            else Created++;
        }

        /// <summary>The run is ending early: <paramref name="reason"/> says why (first reason wins).</summary>
        public void EndEarly(string reason) => EndedEarly ??= reason;

        /// <summary>A link created by this run that the early end kept from the output: "link_x (row 18 INV-1018)".</summary>
        public void CountUnwritten(string linkId, string label)
        {
            CreatedNotWritten++;
            _unwritten.Add(linkId + (label.Length > 0 ? " (" + RowLabel.InList(label) + ")" : ""));
        }

        /// <summary>A row in flight when the run ended: its link may exist; named so a person can look for it.</summary>
        public void CountMayExist(string label)
        {
            MayExist++;
            _mayExist.Add(RowLabel.InList(label));
        }

        private readonly List<string> _mayExist = new List<string>();
        public void CountNeverSent() => NeverSent++;

        /// <summary>A failed row, as the summary names it: "row 7 INV-1007 (amount)".</summary>
        public void CountFailure(long? row, string label, string what)
        {
            Failed++;
            // Rows fail out of order (a bad cell at once, an API refusal when its request ends): keep the first rows.
            _failures.Add((row ?? 0, (label.Length > 0 ? RowLabel.InList(label) : "the command") + $" ({what})"));
            _failures.Sort((a, b) => a.Row.CompareTo(b.Row));
            if (_failures.Count > NamedInSummary) _failures.RemoveAt(_failures.Count - 1);
        }


        public void Skip(long rowNumber) => _skipped.Add(rowNumber);

        public bool Due() => Elapsed - _lastShown >= Interval;

        public ProgressRecord Record()
        {
            _lastShown = Elapsed;
            Shown = true;
            var seconds = Elapsed.TotalSeconds;
            var rate = seconds > 0 ? Done / seconds : 0;
            var counts = $"{Created} created, " + (Adopted > 0 ? $"{Adopted} adopted, " : "") + $"{Reused} reused, {Failed} failed" + (Skipped > 0 ? $", {Skipped} blank skipped" : "") +
                string.Format(CultureInfo.InvariantCulture, " ({0:0.0} rows/s)", rate);
            if (Total is long total && total > 0)
            {
                var record = new ProgressRecord(ActivityId, "Creating payment links", $"{Done} of {total} rows done: {counts}")
                {
                    PercentComplete = (int)Math.Min(100, Done * 100 / total),
                };
                if (rate > 0 && Done < total) record.SecondsRemaining = (int)Math.Ceiling((total - Done) / rate);
                return record;
            }
            return new ProgressRecord(ActivityId, "Creating payment links", $"{Done} rows done: {counts}");
        }

        public static ProgressRecord Completed() =>
            new ProgressRecord(ActivityId, "Creating payment links", "Done") { RecordType = ProgressRecordType.Completed };

        /// <summary>"row 7 INV-1007 (amount), row 9 INV-1009 (HTTP 400 invalid_amount), and 3 more": the failed rows, first ones first.</summary>
        private string FailedRows() =>
            string.Join(", ", (AlreadyRun > 0 ? new[] { $"{AlreadyRun} already linked in the last 24 hours" } : Array.Empty<string>()).Concat(_failures.Select(f => f.Text))) +
            (Failed - AlreadyRun > _failures.Count ? $", and {Failed - AlreadyRun - _failures.Count} more" : "");

        /// <summary>Rows refused because this input was already run (their one AlreadyRun error names them): counted, not listed.</summary>
        public long AlreadyRun { get; private set; }

        public void CountAlreadyRun()
        {
            Failed++;
            AlreadyRun++;
        }

        /// <summary>
        /// One warning for the end of a run with failed or skipped rows, naming them; null when every row made its link.
        /// </summary>
        public string? FailedRowsWarning()
        {
            var parts = new List<string>();
            // Rows told by the AlreadyRun error are not repeated here: a repeated input is told once.
            if (Failed > AlreadyRun)
                parts.Add($"{Failed - AlreadyRun} of {Rows} rows failed: {string.Join(", ", _failures.Select(f => f.Text))}" +
                    (Failed - AlreadyRun > _failures.Count ? $", and {Failed - AlreadyRun - _failures.Count} more" : "") + ". Each failed row is the TargetObject of its error: " +
                    "collect them with -ErrorVariable failed, then $failed.TargetObject | Export-Csv failed.csv.");
            if (Skipped > 0)
                parts.Add($"{Skipped} blank row(s) skipped ({Ranges(_skipped)}): nothing was created for them.");
            return parts.Count == 0 ? null : string.Join(" ", parts);
        }

        /// <summary>
        /// The account of an early end, as a warning: which links exist but were not written (the first five named, then a
        /// count: the summary line names every one), which rows may have a link, how many were never sent. Null when nothing
        /// was left unwritten.
        /// </summary>
        public string? EarlyEndWarning()
        {
            var parts = EarlyEndParts(compact: true);
            if (parts.Count == 0 || parts.Count == 1 && LastWritten != null) return null;
            return "New-OmiseLink ended before writing every row" + (EndedEarly != null ? $" ({EndedEarly})" : "") + ": " +
                string.Join("; ", parts) + $"; row {Rows} was the last row read" +
                ". Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once." +
                (CreatedNotWritten > 0 ? " A link you do not want can be withdrawn with Remove-OmiseLink -Id <id>." : "");
        }

        private const int NamedInWarning = 5;

        // The warning names the first few; the summary line (compact: false) names each.
        private static string Named(List<string> items, bool compact) =>
            compact && items.Count > NamedInWarning
                ? string.Join(", ", items.Take(NamedInWarning)) + $" and {items.Count - NamedInWarning} more (the summary line names each)"
                : string.Join(", ", items);

        private List<string> EarlyEndParts(bool compact)
        {
            var parts = new List<string>();
            if (CreatedNotWritten > 0) parts.Add($"{CreatedNotWritten} link(s) were created but not written out: {Named(_unwritten, compact)}");
            if (MayExist > 0) parts.Add($"{MayExist} row(s) were in flight and may have a link: {Named(_mayExist, compact)}");
            if (LastWritten != null) parts.Add($"the last link written was {LastWritten}");
            if (NeverSent > 0) parts.Add($"{NeverSent} row(s) were never sent");
            return parts;
        }

        /// <summary>Rows the run saw: finished, previewed, and those an early end left unwritten.</summary>
        public long Rows => Done + Previewed + CreatedNotWritten + MayExist + NeverSent;

        /// <summary>
        /// The one line that ends every run, for a person and for a scheduler's log:
        /// "New-OmiseLink summary: 300 rows; 295 links: 290 created, 2 adopted, 3 reused; 5 failed: row 7 INV-1007 (amount), ...;
        /// 1 blank skipped; 12.3 s." An early end adds why, the links created but not written (every id) and the rows in
        /// flight or never sent. "failed" counts every row that yielded no link: 0 failed and no early end is a clean run.
        /// </summary>
        public string SummaryLine()
        {
            var links = Created + Adopted + Reused;
            var parts = new List<string> { $"{Rows} row{(Rows == 1 ? "" : "s")}" };
            var origins = new List<string> { $"{Created} created" };
            if (Adopted > 0) origins.Add($"{Adopted} adopted");
            if (Reused > 0) origins.Add($"{Reused} reused");
            parts.Add($"{links} link{(links == 1 ? "" : "s")} written: {string.Join(", ", origins)}");
            parts.Add(Failed > 0 ? $"{Failed} failed: {FailedRows()}" : "0 failed");
            if (Skipped > 0) parts.Add($"{Skipped} blank skipped");
            if (Previewed > 0)
            {
                var would = new List<string>();
                if (PreviewedReuse > 0) would.Add($"{PreviewedReuse} would reuse an existing link");
                if (PreviewedDuplicate > 0) would.Add($"{PreviewedDuplicate} would be refused as recent duplicates");
                parts.Add($"{Previewed} previewed (-WhatIf), nothing sent" + (would.Count > 0 ? " (" + string.Join(", ", would) + ")" : ""));
            }
            if (EndedEarly != null)
            {
                parts.Add("ended early: " + EndedEarly);
                parts.AddRange(EarlyEndParts(compact: false));
            }
            parts.Add(string.Format(CultureInfo.InvariantCulture, "{0:0.0} s", Elapsed.TotalSeconds));
            return "New-OmiseLink summary: " + string.Join("; ", parts) + (Mode != null ? $" ({Mode} mode)" : "") + ".";
        }

        private static string Ranges(List<long> rows)
        {
            var text = new List<string>();
            for (var i = 0; i < rows.Count && text.Count < 10; i++)
            {
                var start = rows[i];
                while (i + 1 < rows.Count && rows[i + 1] == rows[i] + 1) i++;
                text.Add(start == rows[i] ? $"row {start}" : $"rows {start}-{rows[i]}");
            }
            return string.Join(", ", text) + (text.Count == 10 ? ", ..." : "");
        }
    }
}
