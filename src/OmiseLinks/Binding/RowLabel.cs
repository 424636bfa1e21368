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
    }
}
