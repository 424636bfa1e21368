namespace Omise.Emulator;

/// <summary>
/// The Idempotency-Key records of POST /links, behind one lock. A record is made when a request with a new key starts
/// being processed (pending), and gets its answer (status + body) when the processing ends. Also keeps the counters
/// the tests read.
/// </summary>
internal sealed class IdempotencyTable
{
    internal enum Outcome
    {
        /// <summary>No usable record: the caller processes the request and must Complete or Abandon the entry.</summary>
        Fresh,

        /// <summary>A stored answer: send it.</summary>
        Replay,

        /// <summary>The key is known with other parameters.</summary>
        Mismatch,

        /// <summary>The key's first request is still being processed: wait on the entry.</summary>
        Pending,
    }

    internal sealed class Entry
    {
        public Entry(string key, string fingerprint)
        {
            Key = key;
            Fingerprint = fingerprint;
        }

        public string Key { get; }
        public string Fingerprint { get; }

        /// <summary>When the answer was stored; the lifetime counts from here.</summary>
        public DateTimeOffset StoredAt { get; set; }

        /// <summary>The stored answer; null once the entry was abandoned (server reset or disposed before processing ended).</summary>
        public TaskCompletionSource<StoredAnswer?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What a replay sends: the status and the exact body bytes of the first answer.</summary>
    internal sealed record StoredAnswer(int Status, byte[] Body);

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private long _keyedRequests;
    private long _replays;

    public long KeyedRequests => Interlocked.Read(ref _keyedRequests);

    public int DistinctKeys
    {
        get { lock (_gate) return _seen.Count; }
    }

    public long Replays => Interlocked.Read(ref _replays);

    /// <summary>Counts a POST /links that carried the key (on arrival, whatever happens to it next).</summary>
    public void NoteArrival(string key)
    {
        Interlocked.Increment(ref _keyedRequests);
        lock (_gate) _seen.Add(key);
    }

    public void NoteReplay() => Interlocked.Increment(ref _replays);

    public (Outcome Outcome, Entry Entry) Begin(string key, string fingerprint, DateTimeOffset now, TimeSpan lifetime)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var e))
            {
                var task = e.Answer.Task;
                var expired = task.IsCompleted && now - e.StoredAt > lifetime;
                if (!expired)
                {
                    if (!string.Equals(e.Fingerprint, fingerprint, StringComparison.Ordinal)) return (Outcome.Mismatch, e);
                    return (task.IsCompleted ? Outcome.Replay : Outcome.Pending, e);
                }
                _entries.Remove(key);
            }
            var fresh = new Entry(key, fingerprint);
            _entries.Add(key, fresh);
            return (Outcome.Fresh, fresh);
        }
    }

    /// <summary>Stores the answer of a fresh entry; waiters and later requests with the key get it.</summary>
    public void Complete(Entry entry, int status, byte[] body, DateTimeOffset now)
    {
        lock (_gate) entry.StoredAt = now;
        entry.Answer.TrySetResult(new StoredAnswer(status, body));
    }

    /// <summary>The entry's processing will never end (reset, dispose): forget the key, release the waiters.</summary>
    public void Abandon(Entry entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry)) _entries.Remove(entry.Key);
        }
        entry.Answer.TrySetResult(null);
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _keyedRequests, 0);
        Interlocked.Exchange(ref _replays, 0);
        lock (_gate) _seen.Clear();
    }

    /// <summary>Forgets every record (pending ones are abandoned) and resets the counters.</summary>
    public void Clear()
    {
        Entry[] entries;
        lock (_gate)
        {
            entries = _entries.Values.ToArray();
            _entries.Clear();
        }
        foreach (var e in entries) e.Answer.TrySetResult(null);
        ResetCounters();
    }
}
