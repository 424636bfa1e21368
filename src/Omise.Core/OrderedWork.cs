using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Omise.Core
{
    /// <summary>
    /// Runs work items concurrently (at most <c>maxConcurrency</c> at once) and hands the finished ones back
    /// strictly in the order they were submitted. Nothing here writes anywhere: the caller's thread takes the
    /// results and reports them, so a PowerShell cmdlet keeps every Write* call on its pipeline thread.
    /// At most <c>maxBuffered</c> items are held, so memory stays flat however many are submitted.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
        "The semaphore's wait handle is never created, so there is nothing to release; work started here may still release a slot after its owner is done.")]
    public sealed class OrderedWork<TState, TResult>
    {
        private readonly Queue<Item> _queue = new Queue<Item>();
        private readonly SemaphoreSlim _slots;
        private readonly int _maxBuffered;

        public OrderedWork(int maxConcurrency, int maxBuffered)
        {
            if (maxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(maxConcurrency));
            _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
            _maxBuffered = Math.Max(maxBuffered, maxConcurrency);
        }

        public sealed class Item
        {
            internal Item(TState state, Task<TResult> task) { State = state; Task = task; }
            public TState State { get; }
            public Task<TResult> Task { get; }
        }

        public int Count => _queue.Count;
        public bool IsFull => _queue.Count >= _maxBuffered;

        /// <summary>Starts the work now (it waits for a free slot before running).</summary>
        public void Submit(TState state, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
        {
            _queue.Enqueue(new Item(state, RunAsync(work, cancellationToken)));
        }


        private async Task<TResult> RunAsync(Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { return await work(cancellationToken).ConfigureAwait(false); }
            finally { _slots.Release(); }
        }

        /// <summary>
        /// Whether the oldest item has finished, waiting at most <paramref name="wait"/> for it; false if it is still running
        /// or nothing is queued. The item stays queued until <see cref="Take"/>.
        /// </summary>
        public bool WaitForOldest(TimeSpan wait)
        {
            if (_queue.Count == 0) return false;
            var head = _queue.Peek();
            if (!head.Task.IsCompleted)
            {
                try { head.Task.Wait(wait); }
                catch (AggregateException) { }
            }
            return head.Task.IsCompleted;
        }

        /// <summary>Takes the oldest item off the queue.</summary>
        public Item Take() => _queue.Dequeue();

        /// <summary>The tasks still queued, in order, left in the queue.</summary>
        public IEnumerable<Task<TResult>> Pending()
        {
            foreach (var item in _queue) yield return item.Task;
        }

        /// <summary>Everything still queued, in order, without waiting (used when the pipeline is torn down).</summary>
        public IEnumerable<Item> DrainAll()
        {
            while (_queue.Count > 0) yield return _queue.Dequeue();
        }

    }
}
