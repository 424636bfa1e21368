using System;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// How an error, a -WhatIf line or the end-of-run summary names an input row: "Row 7 (line 8, INV-1007)". Row 1 is the
    /// first row after a CSV header, which is line 2 of the file and Excel's row 2: the line is what a person finds in Excel
    /// or an editor (when no cell holds a line break).
    /// </summary>
    internal static class RowLabel
    {
        /// <param name="number">1 for the first input row (the line after a CSV header, Excel row 2); null off the pipeline.</param>
        public static string Of(long? number, string? reference)
        {
            var hasReference = !string.IsNullOrWhiteSpace(reference);
            if (number == null) return hasReference ? reference!.Trim() : string.Empty;
            return hasReference ? $"Row {number} (line {number + 1}, {reference!.Trim()})" : $"Row {number} (line {number + 1})";
        }

        /// <summary>"Row 7 (line 8, INV-1007)" inside a sentence: "row 7 (line 8, INV-1007)".</summary>
        public static string InSentence(string label) =>
            label.StartsWith("Row ", StringComparison.Ordinal) ? "row" + label.Substring(3) : label;

        /// <summary>"Row 7 (line 8, INV-1007)" in a list of rows, before a note in parentheses: "row 7 (line 8) INV-1007".</summary>
        public static string InList(string label)
        {
            if (!label.StartsWith("Row ", StringComparison.Ordinal)) return label;
            var comma = label.IndexOf(", ", StringComparison.Ordinal);
            if (comma < 0) return "row" + label.Substring(3);
            return "row" + label.Substring(3, comma - 3) + ") " + label.Substring(comma + 2, label.Length - comma - 3);
        }
    }
}
