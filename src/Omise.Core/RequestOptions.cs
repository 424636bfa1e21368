using System;

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
    }
}
