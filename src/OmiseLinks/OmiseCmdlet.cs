using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core;

namespace OmiseLinks
{
    /// <summary>
    /// What every OmiseLinks cmdlet shares: cancellation on Ctrl+C, the core's trace lines written as Verbose on the
    /// pipeline thread, waiting for the core without blocking Stop, and API failures turned into ErrorRecords.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
        "The token source has no timer to release, and requests started by the command may still observe its token after the command ends.")]
    public abstract class OmiseCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly ConcurrentQueue<string> _trace = new ConcurrentQueue<string>();

        protected CancellationToken CancellationToken => _cancellation.Token;

        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Cancels every request this command still has in flight (before a terminating error).</summary>
        protected void CancelPending() => _cancellation.Cancel();

        /// <summary>Starts core work with this command's trace sink attached, so its lines come back to this command.</summary>
        protected Task<T> Start<T>(Func<CancellationToken, Task<T>> work)
        {
            using (OmiseTrace.Use(QueueTrace))
                return work(CancellationToken);
        }

        /// <summary>The trace sink: queues a line to be written as Verbose on the pipeline thread. Safe from any thread.</summary>
        protected void QueueTrace(string line) => _trace.Enqueue(line);

        /// <summary>Waits for core work on the pipeline thread, writing its trace as Verbose meanwhile.</summary>
        protected T Await<T>(Task<T> task)
        {
            WaitWhileTracing(task, Timeout.InfiniteTimeSpan);
            if (task.IsCanceled && Stopping) throw new PipelineStoppedException();
            return task.GetAwaiter().GetResult();
        }

        protected T Run<T>(Func<CancellationToken, Task<T>> work) => Await(Start(work));

        /// <summary>Waits up to <paramref name="limit"/> for the task, writing trace lines as they come. True if it finished.</summary>
        protected bool WaitWhileTracing(Task task, TimeSpan limit)
        {
            var deadline = limit == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + limit;
            while (!task.IsCompleted)
            {
                var slice = TimeSpan.FromMilliseconds(100);
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) break;
                try { task.Wait(left < slice ? left : slice); }
                catch (AggregateException) { }
                FlushTrace();
            }
            FlushTrace();
            return task.IsCompleted;
        }

        protected void FlushTrace()
        {
            while (_trace.TryDequeue(out var line)) WriteVerbose(line);
        }

        /// <summary>The ErrorRecord for a failed API call: stable id from the Omise code, a fitting category, the item as target.</summary>
        protected static ErrorRecord ApiErrorRecord(OmiseApiException ex, object? target, string context)
        {
            var detail = ex.StatusCode.HasValue ? $" (HTTP {ex.StatusCode} {ex.Code})" : $" ({ex.Code})";
            var record = new ErrorRecord(ex, ErrorIdOf(ex), CategoryOf(ex), target)
            {
                ErrorDetails = new ErrorDetails(context + ": " + ex.Message + detail),
            };
            var action = RecommendedActionOf(ex);
            if (action != null) record.ErrorDetails.RecommendedAction = action;
            return record;
        }

        /// <summary>
        /// Writes a failed call's error: non-terminating, except a refused key (401) or a proxy asking for credentials,
        /// which would fail every item alike and end the command once. The one place that decides what a 401 does.
        /// </summary>
        protected void WriteApiError(ErrorRecord record, OmiseApiException ex)
        {
            if (ex.StatusCode == 401 || ex.IsProxyAuthenticationRequired)
            {
                CancelPending();
                ThrowTerminatingError(record);
            }
            WriteError(record);
        }

        internal static string ErrorIdOf(OmiseApiException ex) => PascalCase(ex.Code ?? ex.Kind.ToString());

        internal static ErrorCategory CategoryOf(OmiseApiException ex)
        {
            switch (ex.Kind)
            {
                case OmiseFailureKind.Timeout: return ErrorCategory.OperationTimeout;
                case OmiseFailureKind.ConnectionRefused:
                case OmiseFailureKind.ConnectionLost: return ErrorCategory.ConnectionError;
                case OmiseFailureKind.InvalidResponse: return ErrorCategory.InvalidResult;
            }
            switch (ex.StatusCode)
            {
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 429: return ErrorCategory.LimitsExceeded;
            }
            if (ex.StatusCode >= 500) return ErrorCategory.ResourceUnavailable;
            if (ex.Code == "invalid_amount" || ex.Code == "invalid_currency") return ErrorCategory.InvalidData;
            return ErrorCategory.InvalidArgument;
        }

        private static string? RecommendedActionOf(OmiseApiException ex)
        {
            if (ex.IsProxyAuthenticationRequired)
                return "The proxy wants a user name and password it accepts: run Connect-Omise again with -ProxyCredential (Get-Credential), " +
                    "or -ProxyUseDefaultCredentials to sign in as the current Windows user; -Proxy names the proxy.";
            if (ex.StatusCode == 401) return "Check the secret key (Omise dashboard, Keys) and run Connect-Omise again.";
            if (ex.StatusCode == 429) return "Lower -ThrottleLimit, or run again later.";
            if (ex.Kind == OmiseFailureKind.ConnectionRefused)
                return "Check the API address (Connect-Omise -ApiUri, or OMISE_API_URI) and the proxy (Connect-Omise -Proxy, or the " +
                    "system proxy settings), then run the same command again.";
            if (ex.IsServerError || ex.Kind != OmiseFailureKind.Api) return "Run the same command again later.";
            return null;
        }

        internal static string PascalCase(string snake)
        {
            var sb = new StringBuilder(snake.Length);
            var upper = true;
            foreach (var c in snake)
            {
                if (c == '_' || c == '-' || c == ' ') { upper = true; continue; }
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            return sb.ToString();
        }
    }

    /// <summary>A cmdlet that calls the API: it takes -Session, or uses the runspace's current session.</summary>
    public abstract class OmiseApiCmdlet : OmiseCmdlet
    {
        /// <summary>The session to use instead of the current one (from Connect-Omise -PassThru).</summary>
        [Parameter]
        [ValidateNotNull]
        [Binding.SessionTransformation]
        public OmiseSession? Session { get; set; }

        private OmiseSession? _resolved;

        protected OmiseClient Client => ResolveSession().Client;

        protected OmiseSession ResolveSession()
        {
            if (_resolved != null) return _resolved;
            _resolved = Session ?? SessionStore.Current(SessionState);
            if (_resolved == null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Not connected to Omise. Run Connect-Omise first (or pass -Session)."),
                    "NotConnected", ErrorCategory.ConnectionError, null)
                {
                    ErrorDetails = new ErrorDetails("Not connected to Omise. Run Connect-Omise first (or pass -Session).")
                    {
                        RecommendedAction = "Connect-Omise -SecretKey (Read-Host -AsSecureString), or set OMISE_SECRET_KEY and run Connect-Omise.",
                    },
                });
            }
            return _resolved!;
        }
    }
}
