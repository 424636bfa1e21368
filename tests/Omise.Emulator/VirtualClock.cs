using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Omise.Emulator;

/// <summary>
/// Virtual time for tests: a <see cref="FakeTimeProvider"/> that moves itself to the next timer once everything is
/// waiting, so a wait of 3 s (a settle wait, a backoff, a Retry-After, a hang, a deadline) costs no real time while
/// every timer still fires in the order of its due time.
/// <para>
/// "Everything is waiting" is judged from three signals, checked by a background thread every millisecond:
/// no call on this clock (a timer created, changed, fired or disposed; a timestamp or "now" read) for
/// <see cref="Quiet"/> of real time; no work the emulator declared (<see cref="Work"/>: a request being handled
/// or a late store running, each of which leaves its unit only while it waits on this clock); and no work item queued
/// on the thread pool. Then the clock moves to the earliest due timer and fires the timers due then (and only those),
/// and the watch starts again. A timer's callback runs on that thread before the next move, so what a timer starts
/// (the emulator's late store) has begun, and is counted as work, before any later timer (the client's settle
/// wait) can fire.
/// </para>
/// <para>
/// What the clock cannot see: bytes on their way through loopback between the client and the emulator. A move while
/// a request is in transit can only fire a timer that was already due next; <see cref="Quiet"/> (default 25 ms) is
/// much longer than a loopback exchange, so tests give the client a per-attempt timeout longer than the waits they
/// want to pass (a jump lands on the shorter wait first).
/// </para>
/// </summary>
public sealed class VirtualClock : TimeProvider, IDisposable
{
    private readonly FakeTimeProvider _fake;
    private readonly object _gate = new();
    private readonly HashSet<Timer> _timers = [];
    private readonly Thread _pump;
    private readonly DateTimeOffset _start;
    private long _activity;
    private int _working;
    private long _moves;
    private volatile bool _disposed;

    /// <param name="start">The first "now" (default: the real time now, so dates look ordinary).</param>
    /// <param name="quiet">Real time without any activity before the clock moves (default 25 ms).</param>
    public VirtualClock(DateTimeOffset? start = null, TimeSpan? quiet = null)
    {
        _start = start ?? DateTimeOffset.UtcNow;
        _fake = new FakeTimeProvider(_start);
        Quiet = quiet ?? TimeSpan.FromMilliseconds(25);
        _pump = new Thread(Pump) { IsBackground = true, Name = "VirtualClock" };
        _pump.Start();
    }

    public TimeSpan Quiet { get; }

    /// <summary>
    /// For a test of a few requests whose timing is the point: the clock moves only after 200 ms of quiet, so a request
    /// still in transit on a loaded machine (which this clock cannot see) is not overtaken by a move. A few moves cost
    /// a second or two; the many-row suites keep the default.
    /// </summary>
    public static VirtualClock Patient() => new VirtualClock(quiet: TimeSpan.FromMilliseconds(200));

    /// <summary>Virtual time passed since the clock was made.</summary>
    public TimeSpan Elapsed => _fake.GetUtcNow() - _start;

    /// <summary>How many times the clock moved itself to a timer.</summary>
    public long Moves => Interlocked.Read(ref _moves);

    public override DateTimeOffset GetUtcNow()
    {
        Touch();
        return _fake.GetUtcNow();
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override long GetTimestamp()
    {
        Touch();
        return _fake.GetTimestamp();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Touch();
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock by hand (e.g. past a deadline); the timers due meanwhile fire in order.</summary>
    public void Advance(TimeSpan by)
    {
        Touch();
        lock (_pump) _fake.Advance(by);
    }

    /// <summary>
    /// Declares real work in progress (the emulator handling a request): the clock does not move until it is disposed.
    /// Inside it, wait only with <see cref="Delay"/> or <see cref="WaitAsync"/>, which leave the unit while they wait.
    /// </summary>
    public IDisposable Work()
    {
        BeginWork();
        return new WorkUnit(this);
    }

    /// <summary>A wait on this clock that leaves the caller's <see cref="Work"/> unit while it waits and re-enters it before the caller resumes.</summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) => WaitAsync(null, delay, cancellationToken);

    /// <summary>Waits for <paramref name="task"/>, at most <paramref name="timeout"/> of this clock; true if it completed in time.</summary>
    public async Task<bool> WaitAsync(Task? task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resumed = 0;
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Whoever ends the wait re-enters the work unit at once, on its own thread, before the clock can move again.
        void Resume(bool completed, bool cancelled)
        {
            if (Interlocked.Exchange(ref resumed, 1) != 0) return;
            BeginWork();
            if (cancelled) done.TrySetCanceled(cancellationToken);
            else done.TrySetResult(completed);
        }
        using var timer = timeout == Timeout.InfiniteTimeSpan ? null : CreateTimer(_ => Resume(false, false), null, timeout, Timeout.InfiniteTimeSpan);
        using var registration = cancellationToken.Register(() => Resume(false, true));
        task?.ContinueWith(_ => Resume(true, false), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        EndWork();
        return await done.Task.ConfigureAwait(false);
    }

    private void BeginWork()
    {
        Interlocked.Increment(ref _working);
        Touch();
    }

    private void EndWork()
    {
        Interlocked.Decrement(ref _working);
        Touch();
    }

    private void Touch() => Interlocked.Increment(ref _activity);

    private void Pump()
    {
        var seen = Interlocked.Read(ref _activity);
        var quietSince = Stopwatch.GetTimestamp();
        while (!_disposed)
        {
            Thread.Sleep(1);
            var activity = Interlocked.Read(ref _activity);
            if (activity != seen || Volatile.Read(ref _working) > 0 || ThreadPool.PendingWorkItemCount > 0)
            {
                seen = activity;
                quietSince = Stopwatch.GetTimestamp();
                continue;
            }
            if (Stopwatch.GetElapsedTime(quietSince) < Quiet) continue;
            DateTimeOffset? next = null;
            lock (_gate)
                foreach (var t in _timers)
                    if (t.DueAt is { } due && (next == null || due < next)) next = due;
            if (next == null) continue;
            lock (_pump)
            {
                var now = _fake.GetUtcNow();
                _fake.Advance(next.Value > now ? next.Value - now : TimeSpan.Zero);
            }
            Interlocked.Increment(ref _moves);
            seen = Interlocked.Read(ref _activity);
            quietSince = Stopwatch.GetTimestamp();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        if (Thread.CurrentThread != _pump) _pump.Join();
    }

    private sealed class WorkUnit(VirtualClock clock) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) clock.EndWork();
        }
    }

    /// <summary>A timer of the fake clock, with its due time kept where the pump can see it.</summary>
    private sealed class Timer : ITimer
    {
        private readonly VirtualClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private ITimer? _inner;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public Timer(VirtualClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
        }

        public DateTimeOffset? DueAt { get; private set; }

        // The fake clock's own lock is never taken while holding _gate (its callbacks take _gate).
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _clock.Touch();
            var now = _clock._fake.GetUtcNow();
            lock (_clock._gate)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
                if (DueAt != null) _clock._timers.Add(this);
                else _clock._timers.Remove(this);
            }
            if (_inner == null) _inner = _clock._fake.CreateTimer(Fire, null, dueTime, period);
            else _inner.Change(dueTime, period);
            return true;
        }

        private void Fire(object? _)
        {
            var now = _clock._fake.GetUtcNow();
            lock (_clock._gate)
            {
                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
                {
                    DueAt = null;
                    _clock._timers.Remove(this);
                }
                else DueAt = now + _period;
            }
            _clock.Touch();
            _callback(_state);
        }

        public void Dispose()
        {
            lock (_clock._gate)
            {
                DueAt = null;
                _clock._timers.Remove(this);
            }
            _clock.Touch();
            _inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
