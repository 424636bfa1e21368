using System;
using System.Threading;

namespace Omise.Core
{
    /// <summary>
    /// What one client call may differ in from the session's <see cref="OmiseClientOptions"/>; every call takes it as one
    /// optional parameter, so a new knob is a property here, not another overload.
    /// </summary>
    public sealed class RequestOptions
    {
        /// <summary>
        /// The Idempotency-Key of a POST, sent with each of that call's attempts. Null: the client makes a new one for the
        /// call. Ignored by other methods.
        /// </summary>
        public string? IdempotencyKey { get; set; }

        /// <summary>The attempts this call may take from, shared with other calls of the same work (wins over <see cref="MaxAttempts"/>).</summary>
        public AttemptBudget? Budget { get; set; }

        /// <summary>Attempts for this call alone (null: the session's MaxAttempts).</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>The call's whole time, retries included (null: <see cref="OmiseClientOptions.CallTimeout"/>).</summary>
        public TimeSpan? Within { get; set; }

        /// <summary>
        /// The request slots of a piece of work (a New-OmiseLink run's -ThrottleLimit): each attempt holds one while it is
        /// on the wire, never while it waits (a backoff, a Retry-After; and the caller's own waits, such as a settle
        /// interval, hold none). Null: no limit here.
        /// </summary>
        public SemaphoreSlim? Gate { get; set; }

        /// <summary>
        /// Called once the attempt has its request slot, just before it goes out, for every attempt; it may throw to send
        /// nothing (the slot is given back and the call ends with that exception).
        /// </summary>
        public Action? BeforeSend { get; set; }

        /// <summary>How trace lines name what the call is for, e.g. "row 7 (INV-1007)"; null: the method and path alone.</summary>
        public string? Label { get; set; }

        /// <summary>A copy for one more call of the same work: its gate, label and attempts, without a key or a budget.</summary>
        public RequestOptions ForRead(string? label = null) => new RequestOptions { MaxAttempts = MaxAttempts, Gate = Gate, Label = label ?? Label };
    }
}
