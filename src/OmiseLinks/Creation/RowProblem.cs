namespace OmiseLinks.Creation
{
    /// <summary>What is wrong with an input row. The name is the error's id (InvalidAmount,OmiseLinks.Commands.NewOmiseLinkCommand).</summary>
    internal enum RowProblemKind
    {
        ConflictingColumns,
        ConflictingValue,
        AmountAndPrice,
        MissingAmount,
        InvalidAmount,
        MissingCurrency,
        InvalidCurrency,
        InvalidPrice,
        MissingTitle,
        InvalidTitle,
        MissingDescription,
        InvalidDescription,
        TextEncodingDamaged,
        InvalidMultiple,
        InvalidArgument,
        AlreadyALink,
        DuplicateReference,
    }

    /// <summary>One problem of a row: its kind, the short key the end-of-run list gives ("amount"), and the sentence for the error.</summary>
    internal readonly struct RowProblem
    {
        public RowProblem(RowProblemKind kind, string key, string text)
        {
            Kind = kind;
            Key = key;
            Text = text;
        }

        public RowProblemKind Kind { get; }
        public string Key { get; }
        public string Text { get; }

        /// <summary>A required column the row does not have: the whole input's problem when the first row shows it.</summary>
        public bool IsMissingColumn => Kind == RowProblemKind.MissingAmount || Kind == RowProblemKind.MissingCurrency
            || Kind == RowProblemKind.MissingTitle || Kind == RowProblemKind.MissingDescription;

        /// <summary>A row that is a copy (of an earlier row, or of a link): refused as existing, not as invalid.</summary>
        public bool IsCopy => Kind == RowProblemKind.DuplicateReference || Kind == RowProblemKind.AlreadyALink;
    }
}
