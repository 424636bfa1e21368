namespace Omise.Emulator;

/// <summary>The emulator's waits and "now" on <see cref="EmulatorOptions.TimeProvider"/>; with a <see cref="VirtualClock"/> they tell it when the emulator is working.</summary>
internal sealed class ServerClock(TimeProvider time)
{
    private readonly VirtualClock? _virtual = time as VirtualClock;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Real work in progress (null on another clock): see <see cref="VirtualClock.Work"/>.</summary>
    public IDisposable? Work() => _virtual?.Work();

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        _virtual?.Delay(delay, cancellationToken) ?? Task.Delay(delay, time, cancellationToken);

    /// <summary>True when <paramref name="task"/> completed within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_virtual != null) return await _virtual.WaitAsync(task, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            await task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
