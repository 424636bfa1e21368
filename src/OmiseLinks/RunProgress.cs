using System.Diagnostics;
using System.Management.Automation;
using Omise.Core;

namespace OmiseLinks
{
    /// <summary>Counts of a bulk run and the progress record that shows them, at most a few times a second.</summary>
    internal sealed class RunProgress
    {
        private const int ActivityId = 7301;
        private static readonly long Interval = Stopwatch.Frequency / 4;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastShown = -Interval;

        public long Created { get; private set; }
        public long Reused { get; private set; }
        public long Failed { get; private set; }
        public long Done => Created + Reused + Failed;
        public bool Shown { get; private set; }

        public void Count(LinkOrigin origin)
        {
            if (origin == LinkOrigin.Reused) Reused++;
            else Created++;
        }

        public void CountFailure() => Failed++;

        public bool Due() => _clock.ElapsedTicks - _lastShown >= Interval;

        public ProgressRecord Record()
        {
            _lastShown = _clock.ElapsedTicks;
            Shown = true;
            var seconds = _clock.Elapsed.TotalSeconds;
            var rate = seconds > 0 ? Done / seconds : 0;
            return new ProgressRecord(ActivityId, "Creating payment links",
                $"{Done} rows done: {Created} created, {Reused} reused, {Failed} failed ({rate:0.0} rows/s)");
        }

        public ProgressRecord Completed() =>
            new ProgressRecord(ActivityId, "Creating payment links", "Done") { RecordType = ProgressRecordType.Completed };
    }
}
