namespace OmiseLinks.Benchmark;

/// <summary>
/// Samples GC.GetTotalMemory(false) with the rows done so far, every <c>interval</c>, on its own thread. At each checkpoint
/// (a number of rows done) it also reads the live managed memory once, after a full GC, and takes no sample at that tick.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly RowCounter _counter;
    private readonly TimeSpan _interval;
    private readonly Queue<long> _checkpoints;
    private readonly List<(long RowsDone, long Bytes)> _samples = new();
    private readonly List<(long Checkpoint, long RowsDone, long LiveBytes)> _live = new();
    private readonly Thread _thread;
    private volatile bool _stop;

    public MemorySampler(RowCounter counter, TimeSpan interval, IEnumerable<long> checkpoints)
    {
        _counter = counter;
        _interval = interval;
        _checkpoints = new Queue<long>(checkpoints.OrderBy(c => c));
        _thread = new Thread(Loop) { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    private void Loop()
    {
        while (!_stop)
        {
            var done = _counter.Done;
            if (_checkpoints.Count > 0 && done >= _checkpoints.Peek())
            {
                var checkpoint = _checkpoints.Dequeue();
                var live = GC.GetTotalMemory(forceFullCollection: true);
                lock (_samples) _live.Add((checkpoint, done, live));
            }
            else
            {
                var bytes = GC.GetTotalMemory(false);
                lock (_samples) _samples.Add((done, bytes));
            }
            Thread.Sleep(_interval);
        }
    }

    public IReadOnlyList<(long RowsDone, long Bytes)> Samples
    {
        get { lock (_samples) return _samples.ToList(); }
    }

    public IReadOnlyList<(long Checkpoint, long RowsDone, long LiveBytes)> Live
    {
        get { lock (_samples) return _live.ToList(); }
    }

    public void Stop()
    {
        _stop = true;
        _thread.Join();
    }

    public void Dispose() => Stop();
}
