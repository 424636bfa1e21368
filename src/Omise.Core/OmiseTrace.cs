using System;
using System.Threading;

namespace Omise.Core
{
    /// <summary>
    /// Where the core's trace lines go. The caller sets a sink around the calls it starts; it flows with
    /// the async calls (AsyncLocal), so two commands sharing one client each get their own lines.
    /// A sink may be called from any thread; it must only queue.
    /// </summary>
    public static class OmiseTrace
    {
        private static readonly AsyncLocal<Action<string>?> Sink = new AsyncLocal<Action<string>?>();

        public static void Write(string message) => Sink.Value?.Invoke(message);

        public static IDisposable Use(Action<string>? sink)
        {
            var previous = Sink.Value;
            Sink.Value = sink;
            return new Restore(previous);
        }

        private sealed class Restore : IDisposable
        {
            private readonly Action<string>? _previous;
            public Restore(Action<string>? previous) => _previous = previous;
            public void Dispose() => Sink.Value = _previous;
        }
    }
}
