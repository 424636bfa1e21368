using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;

namespace OmiseLinks.Creation
{
    /// <summary>
    /// The error records New-OmiseLink writes about rows: each starts with the row's label ("Row 7 (line 8, INV-1007): "),
    /// carries it as the TargetName, and the row itself as the TargetObject. <see cref="FailureKey"/> is the one short
    /// reason the end-of-run list and the ledger give for a row that failed.
    /// </summary>
    internal static class RowErrors
    {
        public const string RerunAdvice = "Run the same input again with -ReuseExisting: rows whose link exists get it, the rest are created once.";

        /// <summary>Why a row failed, in a few words: "HTTP 503 service_unavailable", "same as link_...", "paid link_...".</summary>
        public static string FailureKey(Exception error) => error switch
        {
            OmiseApiException api => api.StatusCode.HasValue ? $"HTTP {api.StatusCode} {api.Code}" : (api.Code ?? api.Kind.ToString()),
            RecentDuplicateException duplicate => "same as " + duplicate.Existing.Id,
            AlreadyPaidException paid => "paid " + paid.Paid.Id,
            _ => error.GetType().Name,
        };

        /// <summary>"Row 7 (line 8): " before a row's message; nothing for a command-line call.</summary>
        public static string Prefix(string label) => label.Length > 0 ? label + ": " : "";

        /// <summary>The link a row asks for, as messages name it: 'Yoga class' (1,500.50 THB).</summary>
        public static string LinkText(LinkCreateRequest request) => $"'{request.Title}' ({LinkOutput.FormatMoney(request.Amount, request.Currency)})";

        private static ErrorRecord Named(ErrorRecord record, string label)
        {
            if (label.Length > 0) record.CategoryInfo.TargetName = label;
            return record;
        }

        /// <summary>A row its checks refused: every problem in one error, the first problem's kind as the error id.</summary>
        public static ErrorRecord Refused(ParsedRow row, bool whatIf)
        {
            var damaged = row.DamagedText != null;
            var labelled = Prefix(row.Label) + row.Text + (damaged ? " Nothing was sent for this row." : "");
            var first = row.Problems[0];
            return Named(new ErrorRecord(new ArgumentException(labelled), first.Kind.ToString(),
                first.IsCopy ? ErrorCategory.ResourceExists : ErrorCategory.InvalidData, row.Target)
            {
                ErrorDetails = new ErrorDetails(labelled)
                {
                    RecommendedAction = damaged ? LinkFields.EncodingAdviceFor(row.DamagedText!)
                        : first.IsCopy ? "If the row is a copy, leave it out; to create another link for it on purpose, use -AllowDuplicate."
                        : row.Number == null ? "Fix the value and run the command again."
                        : whatIf ? "Fix the row; nothing was sent (-WhatIf)."
                        : "Fix the row, then run the file again with -ReuseExisting: rows already created are not created twice.",
                },
            }, row.Label);
        }

        /// <summary>A problem of the whole input seen at a row (its encoding, a missing column), which stops the run.</summary>
        public static ErrorRecord StoppedForFile(ErrorRecord rowError, string label, string reason, string text, string advice) =>
            Named(new ErrorRecord(new ArgumentException(reason + (label.Length > 0 ? " at " + RowLabel.InSentence(label) : "")),
                rowError.FullyQualifiedErrorId.Split(',')[0], ErrorCategory.InvalidData, rowError.TargetObject)
            {
                ErrorDetails = new ErrorDetails(Prefix(label) + text) { RecommendedAction = advice },
            }, label);

        public static ErrorRecord AlreadyPaid(AlreadyPaidException paid, object target, string label) =>
            Named(new ErrorRecord(paid, "AlreadyPaid", ErrorCategory.ResourceExists, target)
            {
                ErrorDetails = new ErrorDetails(Prefix(label) + paid.Message)
                {
                    RecommendedAction = "Nothing to do if the invoice is paid. If it really must be paid again (a new charge with the " +
                        "same fields), run the row with -AllowDuplicate.",
                },
            }, label);

        /// <summary>The API refused or failed a row's create; <paramref name="record"/> is the cmdlets' common API error.</summary>
        public static ErrorRecord ApiFailure(ErrorRecord record, OmiseApiException api, string label)
        {
            if (api.IsTransient) record.ErrorDetails.RecommendedAction = RerunAdvice;
            return Named(record, label);
        }

        public static string CouldNotCreate(LinkCreateRequest request, string label) => Prefix(label) + "Could not create the link " + LinkText(request);

        public static ErrorRecord CreateFailed(Exception error, object target, LinkCreateRequest request, string label) =>
            new ErrorRecord(error, "CreateLinkFailed", ErrorCategory.NotSpecified, target)
            {
                ErrorDetails = new ErrorDetails(CouldNotCreate(request, label) + ": " + error.Message),
            };

        /// <summary>The API could not be reached for several rows in a row: the run stops.</summary>
        public static ErrorRecord Unreachable(OmiseApiException failure, int rows, object target, string label) =>
            Named(new ErrorRecord(failure, "ApiUnreachable", ErrorCategory.ConnectionError, target)
            {
                ErrorDetails = new ErrorDetails($"{Prefix(label)}The Omise API could not be reached for {rows} rows in a row ({failure.Message}). " +
                    "The run stops here: no further row is sent.")
                {
                    RecommendedAction = "Check the network, proxy and -ApiUri, then run the same input again with -ReuseExisting: " +
                        "rows whose link exists get it, the rest are created once.",
                },
            }, label);

        private const int NamedInAlreadyRun = 5;

        /// <summary>
        /// The rows the duplicate guard refused, as one error for the run: "this input was already run at ...: N of M rows
        /// have identical links". Its TargetObject holds every such row, so -ErrorVariable still collects them.
        /// </summary>
        public static ErrorRecord AlreadyRun(IReadOnlyList<(string Label, object Target, Link Existing)> refused, long rows, TimeSpan window)
        {
            var first = refused.Min(r => r.Existing.CreatedAt);
            var named = string.Join(", ", refused.Take(NamedInAlreadyRun).Select(r =>
                (r.Label.Length > 0 ? RowLabel.InList(r.Label) : "the command") + " (" + r.Existing.Id + ")"));
            if (refused.Count > NamedInAlreadyRun) named += $" and {refused.Count - NamedInAlreadyRun} more (Verbose names each)";
            var text = $"This input looks already run: {refused.Count} of {rows} row{(rows == 1 ? "" : "s")} have an identical " +
                $"payable link created in the last {RecentDuplicateException.Hours(window)}, the first at {Timestamps.Text(first)}: {named}. " +
                "Nothing was sent for them.";
            // The exception carries the whole text too: a runbook that logs $_.Exception.Message logs what the run was told.
            return new ErrorRecord(new RecentDuplicateException(refused[0].Existing, window, text), "AlreadyRun", ErrorCategory.ResourceExists,
                refused.Select(r => r.Target).ToArray())
            {
                ErrorDetails = new ErrorDetails(text)
                {
                    RecommendedAction = "-ReuseExisting writes these rows' links again (the same links); -AllowDuplicate makes new ones. " +
                        "If an existing link is another invoice's (same fields, another customer), use -AllowDuplicate: -ReuseExisting " +
                        "would hand this row that invoice's link.",
                },
            };
        }
    }
}
