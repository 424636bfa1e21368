using System;
using System.Management.Automation;
using System.Threading.Tasks;
using Omise.Core;
using OmiseLinks.Binding;

namespace OmiseLinks.Creation
{
    /// <summary>
    /// The run's accounting when it ends before every row was written: why it ended, and what became of each row left (a
    /// link created but not written, a row that may have a link, a failure, a row never sent), kept in the RunProgress ledger.
    /// </summary>
    internal static class RunAccounting
    {
        /// <summary>Why the pipeline ended, in the words of the summary line.</summary>
        /// <param name="writingErrorOf">The row whose error was being written when the run ended, if any.</param>
        public static string ReasonOf(Exception ex, string? writingErrorOf, bool stopping)
        {
            // -ErrorAction Stop: the engine turns the row's error into PipelineStoppedException while the pipeline is not stopping.
            if (writingErrorOf != null && (ex is ActionPreferenceStopException || (ex is PipelineStoppedException && !stopping)))
                return $"-ErrorAction Stop at the error of {RowLabel.InSentence(writingErrorOf)}";
            // A later command that needs no more rows (Select-Object -First) ends the pipeline without Ctrl+C's Stopping.
            if (ex.GetType().Name == "StopUpstreamCommandsException" || (ex is PipelineStoppedException && !stopping))
                return "a later command in the pipeline needed no more rows (such as Select-Object -First)";
            if (stopping || ex is PipelineStoppedException) return "the pipeline was stopped (Ctrl+C)";
            return ex.Message;
        }

        /// <summary>A row given up before its answer (cancelled): it may have a link if its request had been sent.</summary>
        public static void CountGivenUp(this RunProgress progress, InputRow row)
        {
            if (row.Creation.MayExist) progress.CountMayExist(row.Creation.Name);
            else progress.CountNeverSent();
        }

        /// <summary>A row in flight or finished but not written when the run ended.</summary>
        public static void CountLeft(this RunProgress progress, InputRow row, Task<CreateOutcome> task)
        {
            if (task.Status == TaskStatus.RanToCompletion) progress.CountUnwritten(task.Result.Link.Id, row.Creation.Name);
            else if (row.Creation.MayExist) progress.CountMayExist(row.Creation.Name);
            else if (task.IsFaulted && !(task.Exception!.GetBaseException() is OperationCanceledException))
                progress.CountFailure(row.Number, row.Label, RowErrors.FailureKey(task.Exception.GetBaseException()));
            else progress.CountNeverSent();
        }

        /// <summary>A row still waiting to be sent when the run ended: never sent (a refused one stays a failure).</summary>
        public static void CountDropped(this RunProgress progress, Held entry)
        {
            if (entry.Error != null) progress.CountFailure(entry.Number, entry.Label, entry.Keys);
            else progress.CountNeverSent();
        }

        /// <summary>What a stop for the whole input says about the rows before it.</summary>
        public static string SentBefore(long sent, int waiting)
        {
            var text = sent == 0 ? "Nothing was sent: no row of the input was created."
                : $"{sent} earlier row(s) had been sent before it (the run holds back {HoldBack.Rows} rows before sending them); " +
                  "their links are written above, and nothing after them was sent.";
            if (waiting > 0 && sent > 0) text += $" {waiting} checked row(s) waiting were not sent.";
            return text;
        }

        /// <summary>
        /// SIGTERM's end of the run: thrown as a throw statement would be, not only ending this statement, so a script's next
        /// statements do not run and pwsh -File does not exit 0 (try/catch still catches it).
        /// </summary>
        public static RuntimeException Terminated(string reason, TimeSpan grace, long written, bool unordered, string errorId)
        {
            var text = $"New-OmiseLink stopped: {reason}. No further row was sent; the rows in flight were given up to " +
                $"{grace.TotalSeconds:0} s to finish, and {written} link(s) were written{(unordered ? "" : ", in input order")}. " +
                "The warning and the summary line name any link created but not written.";
            var record = new ErrorRecord(new OperationCanceledException(text), errorId, ErrorCategory.OperationStopped, null)
            {
                ErrorDetails = new ErrorDetails(text) { RecommendedAction = RowErrors.RerunAdvice },
            };
            return new RuntimeException(text, record.Exception, record) { WasThrownFromThrowStatement = true };
        }
    }
}
