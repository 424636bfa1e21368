using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Omise.Core
{
    /// <summary>
    /// Runs work items concurrently (at most <c>maxConcurrency</c> at once) and hands the finished ones back in the order
    /// they were submitted, or, in completion order, the earliest submitted of those finished (an item still running never
    /// holds back the ones after it). Nothing here writes anywhere: the caller's thread takes the results and reports them,
    /// so a PowerShell cmdlet keeps every Write* call on its pipeline thread. At most <c>maxBuffered</c> items are held
    /// (submitted and not yet taken), so memory stays flat however many are submitted.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
        "The semaphore's wait handle is never created, so there is nothing to release; work started here may still release a slot after its owner is done.")]
    public sealed class OrderedWork<TState, TResult>
    {
        // Submission order; at most maxBuffered items, so the scans of completion order stay short.
        private readonly List<Item> _items = new List<Item>();
        private readonly SemaphoreSlim _slots;
        private readonly int _maxBuffered;
        private readonly bool _completionOrder;

        /// <param name="completionOrder">Hand back any finished item (the earliest submitted first) instead of only the oldest.</param>
        public OrderedWork(int maxConcurrency, int maxBuffered, bool completionOrder = false)
        {
            if (maxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(maxConcurrency));
            _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
            _maxBuffered = Math.Max(maxBuffered, maxConcurrency);
            _completionOrder = completionOrder;
        }

        public sealed class Item
        {
            internal Item(TState state, Task<TResult> task) { State = state; Task = task; }
            public TState State { get; }
            public Task<TResult> Task { get; }
        }

        public int Count => _items.Count;
        public bool IsFull => _items.Count >= _maxBuffered;

        /// <summary>Starts the work now (it waits for a free slot before running).</summary>
        public void Submit(TState state, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
        {
            _items.Add(new Item(state, RunAsync(work, cancellationToken)));
        }

        private async Task<TResult> RunAsync(Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { return await work(cancellationToken).ConfigureAwait(false); }
            finally { _slots.Release(); }
        }

        /// <summary>
        /// Whether the next item to hand back has finished (the oldest; in completion order, any), waiting at most
        /// <paramref name="wait"/> for it; false if none has or nothing is held. The item stays held until <see cref="Take"/>.
        /// </summary>
        public bool WaitForNext(TimeSpan wait)
        {
            if (_items.Count == 0) return false;
            if (NextIndex() >= 0) return true;
            if (wait <= TimeSpan.Zero) return false;
            try
            {
                if (_completionOrder) System.Threading.Tasks.Task.WaitAny(_items.Select(i => (Task)i.Task).ToArray(), wait);
                else _items[0].Task.Wait(wait);
            }
            catch (AggregateException) { }
            return NextIndex() >= 0;
        }

        /// <summary>Takes the next finished item (see <see cref="WaitForNext"/>); in submission order, the oldest whatever its state.</summary>
        public Item Take()
        {
            var index = _completionOrder ? NextIndex() : 0;
            if (index < 0) throw new InvalidOperationException("No held item has finished.");
            var item = _items[index];
            _items.RemoveAt(index);
            return item;
        }

        private int NextIndex()
        {
            if (!_completionOrder) return _items[0].Task.IsCompleted ? 0 : -1;
            return _items.FindIndex(i => i.Task.IsCompleted);
        }

        /// <summary>The tasks still held, in submission order, left held.</summary>
        public IEnumerable<Task<TResult>> Pending()
        {
            foreach (var item in _items) yield return item.Task;
        }

        /// <summary>Everything still held, in submission order, without waiting (used when the pipeline is torn down).</summary>
        public IEnumerable<Item> DrainAll()
        {
            var all = _items.ToArray();
            _items.Clear();
            return all;
        }
    }
}
