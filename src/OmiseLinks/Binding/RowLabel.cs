using System;

namespace OmiseLinks.Binding
{
    /// <summary>How an error, a -WhatIf line or the end-of-run summary names an input row: "Row 7 (INV-1007)".</summary>
    internal static class RowLabel
    {
        /// <param name="number">1 for the first input row (the line after a CSV header, Excel row 2); null off the pipeline.</param>
        public static string Of(long? number, string? reference)
        {
            var hasReference = !string.IsNullOrWhiteSpace(reference);
            if (number == null) return hasReference ? reference!.Trim() : string.Empty;
            return hasReference ? $"Row {number} ({reference!.Trim()})" : $"Row {number}";
        }

        /// <summary>"Row 7 (INV-1007)" inside a sentence: "row 7 (INV-1007)".</summary>
        public static string InSentence(string label) =>
            label.StartsWith("Row ", StringComparison.Ordinal) ? "row" + label.Substring(3) : label;

        /// <summary>"Row 7 (INV-1007)" in a list of rows: "row 7 INV-1007".</summary>
        public static string InList(string label) =>
            label.StartsWith("Row ", StringComparison.Ordinal) ? "row " + label.Substring(4).Replace(" (", " ").TrimEnd(')') : label;
    }
}
