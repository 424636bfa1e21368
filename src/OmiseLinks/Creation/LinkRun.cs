using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using System.Threading.Tasks;
using Omise.Core;
using Omise.Core.Models;

namespace OmiseLinks.Creation
{
    /// <summary>What a run needs of its cmdlet: the pipeline's streams, the host, and the trace of the requests.</summary>
    internal interface IRunHost
    {
        bool Stopping { get; }
        PSHost? Host { get; }
        void Output(object link);
        void Verbose(string text);
        void Warning(string text);
        void Error(ErrorRecord record);
        void ApiError(ErrorRecord record, OmiseApiException error);
        ErrorRecord ApiErrorRecord(OmiseApiException error, object? target, string context);
        void Progress(ProgressRecord record);
        void Information(object message, string[] tags);
        void ThrowTerminating(ErrorRecord record);
        void QueueTrace(string line);
        void FlushTrace();
        bool WaitWhileTracing(Task task, TimeSpan limit);
        void RememberLink(string id);
    }

    /// <summary>
    /// A New-OmiseLink run: sends checked rows (after the encoding hold-back) -ThrottleLimit at a time and writes each row's
    /// outcome (a link, or one error) in input order; however the run ends (the input ends, -ErrorAction Stop, Select-Object
    /// -First, Ctrl+C, SIGTERM, an unreachable API), it tells every row's fate in one warning and the summary line.
    /// </summary>
    internal sealed class LinkRun : IDisposable
    {
        private readonly IRunHost _host;
        private readonly LinkCreator _creator;
        private readonly OrderedWork<InputRow, CreateOutcome> _work;
        private readonly RunProgress _progress;
        private readonly TimeSpan _duplicateWindow;
        private readonly HoldBack _holdBack = new HoldBack();
        private readonly bool _unordered;
        private long _sent;
        private bool _endReported;
        // SIGTERM during the run: set on the signal's thread, acted on by the pipeline thread (EndIfTerminating).
        private volatile bool _terminating;
        /// <summary>How long rows in flight may finish after SIGTERM: container runtimes send SIGKILL about 10 s after it.</summary>
        private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(5);

        /// <summary>-IncludeInputColumns: each link carries its row's other columns.</summary>
        public bool IncludeInputColumns { get; set; }

        /// <param name="unordered">-Unordered: each row is written as soon as it is done, a row still waiting on the server never
        /// holding back the rows after it (the look-ahead then bounds the rows sent and not yet written).</param>
        public LinkRun(IRunHost host, LinkCreator creator, RunProgress progress, int lookAhead, TimeSpan duplicateWindow, bool unordered = false)
        {
            _host = host;
            _creator = creator;
            _progress = progress;
            _duplicateWindow = duplicateWindow;
            // Every row of the look-ahead runs; the creator's request slots keep the requests on the wire to -ThrottleLimit,
            // and a row waiting (a backoff, a settle interval) holds none.
            _work = new OrderedWork<InputRow, CreateOutcome>(lookAhead, lookAhead, completionOrder: unordered);
            _unordered = unordered;
        }

        /// <summary>
        /// The pipeline is done with the run, however it ended: an early end not yet told is told. The rows' token is not
        /// disposed: requests given up may still be finishing on it.
        /// </summary>
        public void Dispose() => EndEarly();

        /// <summary>SIGTERM (on the signal's thread): no row is sent any more; the pipeline thread ends the run.</summary>
        public void Terminate()
        {
            _terminating = true;
            _creator.Close();
        }

        /// <summary>A row checked and to be sent: its text may show that the file's encoding is right (see HoldBack).</summary>
        public void Checked(PSObject? row, string text) => _holdBack.Checked(row, text);

        /// <summary>The input ended normally: the guard's refusals as one error, the failed rows' warning, the summary line.</summary>
        public void Finish(bool anyRows)
        {
            WhileRunning(() => { ReleaseHeld(); WriteFinished(wait: true); });
            WhileRunning(WriteAlreadyRun);
            if (_progress.Shown) _host.Progress(RunProgress.Completed());
            var summary = _progress.FailedRowsWarning();
            if (summary != null && anyRows) _host.Warning(summary);
            _endReported = true;
            WriteSummaryLine(viaHost: false);
        }

        // Rows the duplicate guard refused, with the existing link of each: one AlreadyRun error at the end tells them all.
        private readonly List<(long? Number, string Label, object Target, Link Existing)> _alreadyLinked = new List<(long?, string, object, Link)>();

        public void WriteAlreadyRun()
        {
            if (_alreadyLinked.Count == 0) return;
            // In input order, however the rows finished (-Unordered).
            var record = RowErrors.AlreadyRun(_alreadyLinked.OrderBy(r => r.Number).Select(r => (r.Label, r.Target, r.Existing)).ToList(),
                _progress.Rows, _duplicateWindow);
            _alreadyLinked.Clear();
            WriteRowError(record, "");
        }

        public void Hold(Held entry)
        {
            foreach (var ready in _holdBack.Admit(entry)) Release(ready);
        }

        /// <summary>Every waiting row is sent (end of input).</summary>
        public void ReleaseHeld()
        {
            try
            {
                foreach (var ready in _holdBack.Drain()) Release(ready);
            }
            catch (Exception)
            {
                DropHeld();
                throw;
            }
        }

        private void Release(Held entry)
        {
            if (entry.Error != null)
            {
                // The rows before it are written first (waiting for those in flight), so output and errors keep input
                // order and -ErrorAction Stop on this row leaves every earlier link written (to links.csv), none after it sent.
                WriteFinished(wait: true);
                _progress.CountFailure(entry.Number, entry.Label, entry.Keys);
                WriteRowError(entry.Error, entry.Label);
                return;
            }
            var rowState = entry.Row!;
            var creator = _creator;
            _sent++;
            using (OmiseTrace.Use(_host.QueueTrace))
                _work.Submit(rowState, ct => creator.CreateAsync(rowState.Creation, ct), _rowsCancellation.Token);
            WriteFinished(wait: false);
        }

        public void DropHeld()
        {
            foreach (var entry in _holdBack.Drain()) _progress.CountDropped(entry);
        }

        /// <summary>
        /// A problem of the whole input, not of one row (its encoding, a missing column): one terminating error naming the
        /// row where it was seen. Rows still waiting are never sent; the message says how many were sent before.
        /// </summary>
        public void StopForFile(ErrorRecord rowError, long? number, string label, string reason, string text, string advice)
        {
            var sent = RunAccounting.SentBefore(_sent, _holdBack.WaitingRows);
            DropHeld();
            _progress.CountFailure(number, label, reason);
            // The exception's message is what the end-of-run summary gives as the reason the run ended.
            var record = RowErrors.StoppedForFile(rowError, label, reason, text + " " + sent, advice);
            WriteFinished(wait: true);
            // Told before the throw: the pipeline sees only that it stopped.
            _progress.EndEarly(record.Exception.Message);
            _host.ThrowTerminating(record);
        }

        // Write-Host's tag: the line shows on the console and lands in transcripts and *> logs, never in the output.
        private static readonly string[] HostTags = { "PSHOST" };

        /// <summary>
        /// The run's one-line summary, as an information record tagged PSHOST (what Write-Host writes): shown on the console,
        /// kept by Start-Transcript and by *> and 6> redirection, never in the output stream. Where the pipeline no longer
        /// takes records (Ctrl+C), straight to the host, which a transcript still keeps.
        /// </summary>
        private void WriteSummaryLine(bool viaHost)
        {
            var line = _progress.SummaryLine();
            if (!viaHost)
            {
                try
                {
                    _host.Information(new HostInformationMessage { Message = line }, HostTags);
                    return;
                }
                catch (Exception) when (_host.Stopping) { }
            }
            HostTranscript.WriteLine(_host.Host, line);
        }

        /// <summary>How long an early end waits for the rows already sent before cancelling them.</summary>
        private static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(8);

        // The rows' own token, apart from the command's (which Ctrl+C cancels at once for reads on the pipeline thread):
        // cancelled only when the rows already sent have had their grace.
        private readonly CancellationTokenSource _rowsCancellation = new CancellationTokenSource();

        /// <summary>
        /// Runs pipeline work; if the pipeline ends meanwhile (a downstream Select-Object -First, -ErrorAction Stop, a refused
        /// key), no queued row is sent any more and the rows' fate is told before the end goes on.
        /// </summary>
        public void WhileRunning(Action work)
        {
            try
            {
                work();
            }
            catch (Exception ex)
            {
                _progress.EndEarly(RunAccounting.ReasonOf(ex, _writingErrorOf, _host.Stopping));
                EndEarly();
                throw;
            }
        }

        private string? _writingErrorOf;

        /// <summary>A row's error; if -ErrorAction Stop turns it into the end of the run, the end's account names the row.</summary>
        public void WriteRowError(ErrorRecord record, string label)
        {
            _writingErrorOf = label.Length > 0 ? label : "the row";
            _host.Error(record);
            _writingErrorOf = null;
        }


        /// <summary>
        /// Writes finished rows in input order (with -Unordered, as they finish); waits for the next one when asked to, or when
        /// the look-ahead is full.
        /// </summary>
        public void WriteFinished(bool wait)
        {
            EndIfTerminating();
            while (_work.Count > 0)
            {
                EndIfTerminating();
                var mustWait = wait || _work.IsFull;
                var ready = _work.WaitForNext(mustWait ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
                // While the next row is still held: a write that throws here (the pipeline stopping) leaves it to the
                // early end's account.
                _host.FlushTrace();
                if (_progress.Due()) _host.Progress(_progress.Record());
                if (!ready)
                {
                    if (!mustWait) return;
                    if (_host.Stopping) throw new PipelineStoppedException();
                    continue;
                }
                var item = _work.Take();
                Report(item.State, item.Task);
            }
        }

        private void Report(InputRow row, Task<CreateOutcome> task)
        {
            if (task.Status == TaskStatus.RanToCompletion)
            {
                var outcome = task.Result;
                var output = LinkOutput.Wrap(outcome.Link, row.Reference, outcome.Origin == LinkOrigin.Reused);
                if (IncludeInputColumns && row.Target is PSObject input) LinkOutput.AddInputColumns(output, input, RowParser.IsReadByNewOmiseLink);
                _host.RememberLink(outcome.Link.Id);
                var how = outcome.Origin == LinkOrigin.Reused ? "reused" : outcome.Origin == LinkOrigin.Adopted ? "adopted" : "created";
                try
                {
                    _host.Verbose($"{row.Creation.Name}: {how} {outcome.Link.Id} ({LinkOutput.FormatMoney(outcome.Link.Amount, outcome.Link.Currency)})");
                    _host.Output(output);
                }
                catch (PipelineStoppedException) when (!_host.Stopping)
                {
                    // A later command (Select-Object -First) took this link, then ended the pipeline: the link was written.
                    _progress.Count(outcome.Origin, outcome.Link.Id, row.Creation.Name);
                    throw;
                }
                catch (Exception) when (_host.Stopping)
                {
                    // Ctrl+C: PowerShell refused the link before it reached the pipeline. It exists: the early-end account names it.
                    _progress.CountUnwritten(outcome.Link.Id, row.Creation.Name);
                    throw;
                }
                _progress.Count(outcome.Origin, outcome.Link.Id, row.Creation.Name);
                return;
            }
            var unreachable = _creator.Unreachable;
            if (task.IsCanceled)
            {
                if (unreachable == null)
                {
                    // Taken off the queue already: counted here, or the early-end account would never see this row.
                    _progress.CountGivenUp(row);
                    throw new PipelineStoppedException();
                }
                _progress.CountNeverSent();
                StopUnreachable(row, unreachable);
            }
            var error = task.Exception!.GetBaseException();
            if (error is RecentDuplicateException duplicate)
            {
                // Told once for the run (AlreadyRun at the end), not once a row: a repeated input would print thousands.
                _progress.CountAlreadyRun();
                _alreadyLinked.Add((row.Number, row.Label, row.Target, duplicate.Existing));
                _host.Verbose($"{row.Creation.Name}: not created: {duplicate.Existing.Id} with the same fields was created {Timestamps.Text(duplicate.Existing.CreatedAt)} (RecentDuplicate)");
                return;
            }
            _progress.CountFailure(row.Number, row.Label, RowErrors.FailureKey(error));
            if (error is AlreadyPaidException paid)
            {
                WriteRowError(RowErrors.AlreadyPaid(paid, row.Target, row.Label), row.Label);
                return;
            }
            var request = row.Creation.Request;
            if (error is OmiseApiException api)
            {
                if (unreachable != null && api.Kind == OmiseFailureKind.ConnectionRefused) StopUnreachable(row, unreachable);
                var record = RowErrors.ApiFailure(_host.ApiErrorRecord(api, row.Target, RowErrors.CouldNotCreate(request, row.Label)), api, row.Label);
                if (api.StatusCode == 401) _progress.EndEarly("the API refused the key");
                _writingErrorOf = row.Label.Length > 0 ? row.Label : "the row";
                _host.ApiError(record, api);
                _writingErrorOf = null;
                return;
            }
            WriteRowError(RowErrors.CreateFailed(error, row.Target, request, row.Label), row.Label);
        }

        /// <summary>
        /// Fail fast: the API could not be reached for several rows in a row, so the run stops once with one terminating
        /// error, as for a refused key: rows not yet sent are never sent, and the end-of-run account tells it.
        /// </summary>
        private void StopUnreachable(InputRow row, OmiseApiException failure)
        {
            _progress.EndEarly("the API could not be reached");
            _host.ThrowTerminating(RowErrors.Unreachable(failure, _creator.UnreachableAfterRows, row.Target, row.Label));
        }

        /// <summary>
        /// The pipeline is ending before every row was written. Queued rows are never sent; requests already sent may finish
        /// (bounded wait); then one warning tells which links exist but were not written, which rows may have a link, and
        /// how many were never sent. Through WriteWarning where the pipeline still allows it, else straight to the host.
        /// </summary>
        public void EndEarly()
        {
            if (_endReported) return;
            _endReported = true;
            DropHeld();
            _creator.Close();
            _progress.EndEarly("the pipeline ended");
            if (_work.Count > 0)
            {
                var settled = Task.WhenAll(_work.Pending().Select(t => (Task)t));
                try
                {
                    if (!settled.Wait(InFlightGrace))
                    {
                        _rowsCancellation.Cancel();
                        settled.Wait(TimeSpan.FromSeconds(2));
                    }
                }
                catch (AggregateException) { }

                foreach (var item in _work.DrainAll()) _progress.CountLeft(item.State, item.Task);
            }
            var warning = _progress.EarlyEndWarning();
            var viaHost = _host.Stopping;
            if (warning != null)
            {
                try
                {
                    if (_host.Stopping) throw new PipelineStoppedException();
                    _host.Warning(warning);
                }
                catch (Exception)
                {
                    viaHost = true;
                    HostTranscript.WriteLine(_host.Host, warning, warning: true);
                }
            }
            WriteSummaryLine(viaHost);
        }

        /// <summary>
        /// SIGTERM: no row is sent any more (the signal closed the creator); rows in flight get TerminationGrace to finish;
        /// every finished row is written in the run's order (a row given up is counted, like a failed one, and the rows after it
        /// still written); then one terminating error ends the run, and WhileRunning's EndEarly names what is left (links
        /// created but not written, rows that may have a link) and writes the summary line.
        /// </summary>
        public void EndIfTerminating()
        {
            if (!_terminating) return;
            _progress.EndEarly(TerminationSignal.Reason);
            _host.WaitWhileTracing(Task.WhenAll(_work.Pending().Select(t => (Task)t).ToArray()), TerminationGrace);
            while (_work.WaitForNext(TimeSpan.Zero))
            {
                var item = _work.Take();
                if (!item.Task.IsCanceled)
                {
                    Report(item.State, item.Task);
                    continue;
                }
                // Given up when the signal closed the run (a retry not sent): counted, and the finished rows after it are
                // still written, as after a failed row.
                _progress.CountGivenUp(item.State);
            }
            _rowsCancellation.Cancel();
            var written = _progress.Created + _progress.Adopted + _progress.Reused;
            throw RunAccounting.Terminated(TerminationSignal.Reason, TerminationGrace, written, _unordered, "ProcessTerminating," + typeof(Commands.NewOmiseLinkCommand).FullName);
        }
    }
}
