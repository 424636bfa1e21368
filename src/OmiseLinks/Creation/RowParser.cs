using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Omise.Core;
using Omise.Core.Models;
using OmiseLinks.Binding;
using OmiseLinks.Commands;

namespace OmiseLinks.Creation
{
    /// <summary>
    /// An input row read and checked: the request to send, or the problems that refuse it (never both).
    /// </summary>
    internal sealed class ParsedRow
    {
        public ParsedRow(PSObject? row, long? number, string? reference, object target, LinkCreateRequest? request,
            IReadOnlyList<RowProblem> problems, string? damagedText)
        {
            Row = row;
            Number = number;
            Reference = reference;
            Label = RowLabel.Of(number, reference);
            Target = target;
            Request = request;
            Problems = problems;
            DamagedText = damagedText;
        }

        public PSObject? Row { get; }
        /// <summary>1 for the first input row (the first line after a CSV header); null for a command-line call.</summary>
        public long? Number { get; }
        /// <summary>Null: no reference column; "": the column is there but this row's cell is empty.</summary>
        public string? Reference { get; }
        /// <summary>The row's one name in errors, Verbose and the ledger: "Row 7 (line 8, INV-1007)"; "" for a command-line call without -Reference.</summary>
        public string Label { get; }
        /// <summary>The error's TargetObject: the row itself, or the command line's values.</summary>
        public object Target { get; }
        public LinkCreateRequest? Request { get; }
        public IReadOnlyList<RowProblem> Problems { get; }
        /// <summary>The first text that reads as decoded with the wrong encoding, if any.</summary>
        public string? DamagedText { get; }

        /// <summary>The problems' keys for the end-of-run list ("amount, currency").</summary>
        public string Keys => string.Join(", ", Problems.Select(p => p.Key).Distinct());
        public string Text => string.Join(" ", Problems.Select(p => p.Text));
    }

    /// <summary>
    /// Reads New-OmiseLink's fields from a row (each column by parameter name or alias, through the one RowReader) or from
    /// the command line, and checks each with the core's rule (LinkFields), so that every problem is named for its row.
    /// </summary>
    internal sealed class RowParser
    {
        private const string Amount = nameof(NewOmiseLinkCommand.Amount), Price = nameof(NewOmiseLinkCommand.Price),
            Currency = nameof(NewOmiseLinkCommand.Currency), Title = nameof(NewOmiseLinkCommand.Title),
            Description = nameof(NewOmiseLinkCommand.Description), Reference = nameof(NewOmiseLinkCommand.Reference),
            Multiple = nameof(NewOmiseLinkCommand.Multiple);

        /// <summary>The fields a row gives, each also a parameter of the cmdlet.</summary>
        public static readonly string[] Fields = { Amount, Price, Currency, Title, Description, Reference, Multiple };

        private static readonly RowReader Columns = new RowReader(typeof(NewOmiseLinkCommand));

        // The fields given on the command line with their values: they fill every row, and a row's own different cell is a problem.
        private readonly IReadOnlyDictionary<string, object?> _commandLine;
        private readonly bool _allowDuplicate;

        // The references seen in this run, as 64-bit hashes (case-insensitive) with their first row: 16 bytes a row instead of
        // the string. A collision could only refuse a row as a copy (nothing is created, -AllowDuplicate lets it through).
        private readonly Dictionary<ulong, long> _references = new Dictionary<ulong, long>();

        public RowParser(IReadOnlyDictionary<string, object?> commandLine, bool allowDuplicate)
        {
            _commandLine = commandLine;
            _allowDuplicate = allowDuplicate;
        }

        public static bool IsBlank(PSObject? row) => RowReader.IsBlank(row);

        /// <summary>Whether New-OmiseLink reads a column of that name (a parameter's name or alias).</summary>
        public static bool IsReadByNewOmiseLink(string column) => Columns.IsParameterColumn(column);

        /// <summary>One row (null: the command line alone), numbered from 1 on the pipeline.</summary>
        public ParsedRow Parse(PSObject? row, long? number)
        {
            var problems = new List<RowProblem>();
            var reference = Read(Reference, row, problems)?.ToString().Trim();

            foreach (var name in _commandLine.Keys)
                if (ConflictWithCommandLine(name, row) is string conflict)
                    problems.Add(new RowProblem(RowProblemKind.ConflictingValue, name.ToLowerInvariant() + " given twice", conflict));
            var amountValue = Read(Amount, row, problems);
            var priceValue = Read(Price, row, problems);
            // An empty amount cell beside a filled price is the price (and the other way round).
            var useAmount = Filled(amountValue) || (!Filled(priceValue) && amountValue != null);
            long amount = 0;
            if (Filled(amountValue) && Filled(priceValue))
                problems.Add(new RowProblem(RowProblemKind.AmountAndPrice, "amount and price",
                    $"The row gives both an amount ('{amountValue}', smallest unit) and a price ('{priceValue}', currency units): give one, so the sum cannot be read two ways."));
            else if (amountValue == null && priceValue == null) problems.Add(new RowProblem(RowProblemKind.MissingAmount, "no amount column", MissingAmountText(row)));
            else if (useAmount && !StrictAmount.TryRead(amountValue, out amount, out var amountProblem))
                problems.Add(new RowProblem(RowProblemKind.InvalidAmount, "amount", amountProblem!));

            var currencyValue = Read(Currency, row, problems);
            string? currency = null;
            if (currencyValue == null) problems.Add(new RowProblem(RowProblemKind.MissingCurrency, "no currency column", Columns.Missing(row, Currency)));
            else
            {
                currency = LinkFields.NormalizeCurrency(currencyValue.ToString(), out var currencyProblem);
                if (currency == null) problems.Add(new RowProblem(RowProblemKind.InvalidCurrency, "currency", currencyProblem!));
            }
            // A price needs the currency to know its decimals (2 for THB, 0 for JPY); without one its problem is the currency's.
            if (!useAmount && priceValue != null && currency != null)
            {
                if (!StrictAmount.TryReadPrice(priceValue, currency, out amount, out var priceProblem))
                    problems.Add(new RowProblem(RowProblemKind.InvalidPrice, "price", priceProblem!));
                else if (amount == 0)
                    // In an accounting export 0.00 is a free or credited item; as a link it would let the customer type any amount.
                    problems.Add(new RowProblem(RowProblemKind.InvalidPrice, "price", $"Price '{priceValue}' is zero: a link with no amount lets the customer enter any amount. " +
                        "Leave free or credited items out; to let the customer choose the amount on purpose, give an amount of 0 instead of a price."));
            }

            string? damagedText = null;
            var title = CheckText(Title, Read(Title, row, problems), row, problems, ref damagedText);
            var description = CheckText(Description, Read(Description, row, problems), row, problems, ref damagedText);

            var multiple = _commandLine.TryGetValue(Multiple, out var given) && (bool)given!;
            if (!_commandLine.ContainsKey(Multiple) && row != null)
            {
                var cell = Read(Multiple, row, problems);
                if (!CsvBooleanAttribute.TryRead(Multiple, cell, out multiple, out var multipleProblem))
                    problems.Add(new RowProblem(RowProblemKind.InvalidMultiple, "multiple", multipleProblem!));
            }

            object target = (object?)row ?? new PSObject(new { Amount = amountValue, Currency = currencyValue, Title = title, Description = description });
            LinkCreateRequest? request = null;
            if (problems.Count == 0)
            {
                try { request = new LinkCreateRequest(amount, currency!, title!, description!, multiple); }
                catch (ArgumentException ex) { problems.Add(new RowProblem(RowProblemKind.InvalidArgument, "fields", ex.Message)); }
            }
            if (request != null && !_allowDuplicate && DuplicateOfInput(row, number, reference) is RowProblem duplicate)
            {
                problems.Add(duplicate);
                request = null;
            }
            return new ParsedRow(row, number, reference, target, request, problems, damagedText);
        }

        private static bool Filled(object? value) =>
            value != null && !(value is string text && text.Trim().Length == 0) && !(value is PSObject ps && ps.BaseObject is string t && t.Trim().Length == 0);

        /// <summary>
        /// A row's value for a field: the command line's if given there (checked against the row's own cells elsewhere), else
        /// the row's column (by name or alias). Several columns for one field (Amount and AmountSatang, Reference and
        /// Invoice No): empty cells are ignored, equal values are one value, and different values are a problem naming both
        /// columns, so neither is taken. Null when there is no such column.
        /// </summary>
        private object? Read(string field, PSObject? row, List<RowProblem> problems)
        {
            if (_commandLine.TryGetValue(field, out var given)) return given;
            if (row == null) return null;
            var cells = Columns.Cells(row, field);
            if (cells.Count == 0) return null;
            var filled = cells.Where(c => Filled(c.Value)).ToList();
            if (filled.Count == 0) return cells[0].Value ?? string.Empty;
            var first = filled[0];
            foreach (var other in filled.Skip(1))
            {
                if (SameValue(field, first.Value, other.Value)) continue;
                var hint = field == Amount
                    ? " An amount column holds the smallest unit (satang, cents): if one of them is in baht or dollars, name it price, or leave it out."
                    : "";
                problems.Add(new RowProblem(RowProblemKind.ConflictingColumns, field.ToLowerInvariant() + " in two columns",
                    $"The row gives the {field.ToLowerInvariant()} twice, differently: column '{first.Name}' is '{first.Value}' and column " +
                    $"'{other.Name}' is '{other.Value}'. Neither is taken: keep one of the columns.{hint}"));
                break;
            }
            return first.Value;
        }

        /// <summary>
        /// A row that is surely not meant to make a new link: its reference (invoice) repeats an earlier row's in this run
        /// (a copied line), or it is a link already (an Id column holding a link id: a links.csv fed back in). Null otherwise.
        /// </summary>
        private RowProblem? DuplicateOfInput(PSObject? row, long? number, string? reference)
        {
            if (row != null)
            {
                foreach (var name in LinkIdAttribute.Columns)
                    if (row.Properties[name]?.Value?.ToString()?.Trim() is string id && Identifiers.IsLinkId(id))
                        return new RowProblem(RowProblemKind.AlreadyALink, "already a link",
                            $"The row is a payment link already ({name} {id}): it looks like a links file fed back in. Get-OmiseLink shows that link; nothing was sent.");
            }
            if (string.IsNullOrEmpty(reference) || number == null) return null;
            var key = ReferenceHash(reference!);
            if (_references.TryGetValue(key, out var first))
                return new RowProblem(RowProblemKind.DuplicateReference, "same reference as " + RowLabel.InSentence(RowLabel.Of(first, null)),
                    $"The reference {reference} was already used by {RowLabel.InSentence(RowLabel.Of(first, null))} of this run: a copied line would make a second link for one invoice. Nothing was sent for this row.");
            _references[key] = number.Value;
            return null;
        }

        private static ulong ReferenceHash(string reference)
        {
            var hash = 14695981039346656037UL; // FNV-1a over the upper-cased UTF-16 code units
            foreach (var c in reference.ToUpperInvariant()) hash = (hash ^ c) * 1099511628211UL;
            return hash;
        }

        /// <summary>Neither an amount nor a price: the near-miss column of either, else what is read.</summary>
        private static string MissingAmountText(PSObject? row)
        {
            var price = Columns.Missing(row, Price);
            if (price.IndexOf("looks like it", StringComparison.Ordinal) >= 0) return price;
            var amount = Columns.Missing(row, Amount);
            return amount + " A price in currency units (1500.50) can be given instead, in a price column or with -Price.";
        }

        /// <summary>
        /// A field given on the command line and, differently, in the row's own column: the binder would silently take the
        /// command line's, so the row is refused instead (an amount or a currency is money). Null when they agree or the
        /// row has no such cell.
        /// </summary>
        private string? ConflictWithCommandLine(string field, PSObject? row)
        {
            if (row == null) return null;
            var given = _commandLine[field];
            if (given is PSObject ps) given = ps.BaseObject;
            foreach (var (column, cell) in Columns.Cells(row, field))
            {
                if (!Filled(cell) || SameValue(field, cell, given)) continue;
                var shown = field == Multiple ? ((bool)given! ? "-Multiple" : "-Multiple:$false") : $"-{field} '{given}'";
                var name = string.Equals(column, field, StringComparison.OrdinalIgnoreCase) ? "" : $" (column '{column}')";
                return $"The row's {field.ToLowerInvariant()}{name} is '{cell}' but {shown} was given on the command line: a value given in both places " +
                    "must be the same, so neither is taken. Remove the column or the parameter.";
            }
            return null;
        }

        /// <summary>Two values given for one field mean the same: amounts and prices as numbers, a currency in any case, a yes/no as one.</summary>
        private static bool SameValue(string field, object? a, object? b)
        {
            if (a is PSObject pa) a = pa.BaseObject;
            if (b is PSObject pb) b = pb.BaseObject;
            switch (field)
            {
                case Amount:
                    return StrictAmount.TryRead(a, out var first, out _) && StrictAmount.TryRead(b, out var second, out _) && first == second;
                case Price:
                    // Compared as two-decimal numbers ("100" = "100.00"); the row's own currency decides its decimals later.
                    return StrictAmount.TryReadPrice(a, "usd", out var firstPrice, out _) && StrictAmount.TryReadPrice(b, "usd", out var secondPrice, out _) && firstPrice == secondPrice;
                case Currency:
                    return string.Equals(a?.ToString().Trim(), b?.ToString().Trim(), StringComparison.OrdinalIgnoreCase);
                case Multiple:
                    return CsvBooleanAttribute.TryRead(field, a, out var firstMultiple, out _) && CsvBooleanAttribute.TryRead(field, b, out var secondMultiple, out _)
                        && firstMultiple == secondMultiple;
                default:
                    return string.Equals(a?.ToString().Trim(), b?.ToString().Trim(), StringComparison.Ordinal);
            }
        }

        private static string? CheckText(string field, object? value, PSObject? row, List<RowProblem> problems, ref string? damagedText)
        {
            if (value == null)
            {
                problems.Add(new RowProblem(field == Title ? RowProblemKind.MissingTitle : RowProblemKind.MissingDescription,
                    "no " + field.ToLowerInvariant() + " column", Columns.Missing(row, field)));
                return null;
            }
            var text = value.ToString();
            var problem = LinkFields.TextProblem(field, text, withAdvice: false);
            if (problem == null) return text;
            var damaged = LinkFields.EncodingDamage(text) != null;
            if (damaged && damagedText != null) problem = $"So does {field} '{text}'.";
            if (damaged) damagedText ??= text;
            problems.Add(damaged
                ? new RowProblem(RowProblemKind.TextEncodingDamaged, "text encoding", problem)
                : new RowProblem(field == Title ? RowProblemKind.InvalidTitle : RowProblemKind.InvalidDescription, field.ToLowerInvariant(), problem));
            return null;
        }
    }
}
