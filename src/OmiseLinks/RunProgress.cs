using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using Omise.Core;

namespace OmiseLinks
{
    /// <summary>
    /// Counts of a bulk run, the progress record that shows them (about once a second: a host redraws a bar slowly, and a
    /// runbook's progress stream should stay small) and the end-of-run summary that names every failed row.
    /// </summary>
    internal sealed class RunProgress
    {
        private const int ActivityId = 7301;
        private const int NamedInSummary = 10;
        private static readonly long Interval = Stopwatch.Frequency;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastShown = -Interval;
        private readonly List<(long Row, string Text)> _failures = new List<(long, string)>();
        private readonly List<long> _skipped = new List<long>();

        public long Created { get; private set; }
        public long Reused { get; private set; }
        public long Failed { get; private set; }
        public long Skipped => _skipped.Count;
        public long Done => Created + Reused + Failed + Skipped;
        public bool Shown { get; private set; }

        /// <summary>How many rows the run has in all, when known (an array given as -InputObject); null for a stream.</summary>
        public long? Total { get; set; }

        public void Count(LinkOrigin origin)
        {
            if (origin == LinkOrigin.Reused) Reused++;
            else Created++;
        }

        public void CountFailure() => Failed++;

        /// <summary>A failed row, as the summary names it: "row 7 INV-1007 (amount)".</summary>
        public void CountFailure(long? row, string label, string what)
        {
            Failed++;
            // Rows fail out of order (a bad cell at once, an API refusal when its request ends): keep the first rows.
            _failures.Add((row ?? 0, (label.Length > 0 ? Bare(label) : "the command") + $" ({what})"));
            _failures.Sort((a, b) => a.Row.CompareTo(b.Row));
            if (_failures.Count > NamedInSummary) _failures.RemoveAt(_failures.Count - 1);
        }

        // "Row 7 (INV-1007)" reads as "row 7 INV-1007" in a list of failures.
        private static string Bare(string label) =>
            label.StartsWith("Row ", StringComparison.Ordinal) ? "row " + label.Substring(4).Replace(" (", " ").TrimEnd(')') : label;

        public void Skip(long rowNumber) => _skipped.Add(rowNumber);

        public bool Due() => _clock.ElapsedTicks - _lastShown >= Interval;

        public ProgressRecord Record()
        {
            _lastShown = _clock.ElapsedTicks;
            Shown = true;
            var seconds = _clock.Elapsed.TotalSeconds;
            var rate = seconds > 0 ? Done / seconds : 0;
            var counts = $"{Created} created, {Reused} reused, {Failed} failed" + (Skipped > 0 ? $", {Skipped} blank skipped" : "") +
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

        /// <summary>
        /// One warning for the end of a run with failed or skipped rows, naming them; null when every row made its link.
        /// </summary>
        public string? Summary()
        {
            var parts = new List<string>();
            if (Failed > 0)
            {
                var named = string.Join(", ", _failures.Select(f => f.Text)) + (Failed > _failures.Count ? $", and {Failed - _failures.Count} more" : "");
                parts.Add($"{Failed} of {Done} rows failed: {named}. Each failed row is the TargetObject of its error: " +
                    "collect them with -ErrorVariable failed, then $failed.TargetObject | Export-Csv failed.csv.");
            }
            if (Skipped > 0)
                parts.Add($"{Skipped} blank row(s) skipped ({Ranges(_skipped)}): nothing was created for them.");
            return parts.Count == 0 ? null : string.Join(" ", parts);
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
