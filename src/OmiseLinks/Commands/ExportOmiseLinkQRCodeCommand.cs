using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using Omise.Core;
using OmiseLinks.Binding;
using OmiseLinks.QRCodes;

namespace OmiseLinks.Commands
{
    /// <summary>
    /// Export-OmiseLinkQRCode: one QR code image per link (or CSV row) that encodes exactly its PaymentUri, named after
    /// its reference (invoice) or id; or (-Format Html) one printable sheet with a payment card per link. Makes no API
    /// call, so it needs no session.
    /// </summary>
    [Cmdlet(VerbsData.Export, "OmiseLinkQRCode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(QRCodeFile))]
    [OutputType(typeof(PSObject))]
    public sealed class ExportOmiseLinkQRCodeCommand : PSCmdlet
    {
        public const int DefaultPixelsPerModule = 10;
        public const int DefaultQuietZoneModules = 4;

        /// <summary>The folder the image files go to, or with -Format Html the sheet's file; a missing folder is created.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>What the QR code encodes: an absolute http or https URI (a link's PaymentUri).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("payment_uri")]
        [AllowNull]
        [AllowEmptyString]
        public string? PaymentUri { get; set; }

        /// <summary>
        /// Names the file when present (an invoice number, as New-OmiseLink writes it). A piped row's reference column is
        /// read under every name New-OmiseLink reads it by (Invoice, Invoice No, Invoice #...; see <see cref="Columns"/>),
        /// so there is no second list of those names here.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? Reference { get; set; }

        /// <summary>The link id: names the file when there is no reference.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias(LinkIdAttribute.Alias)]
        [AllowNull]
        [AllowEmptyString]
        public string? Id { get; set; }

        [Parameter]
        public QRCodeFormat Format { get; set; } = QRCodeFormat.Png;

        [Parameter]
        [ValidateRange(1, 100)]
        public int PixelsPerModule { get; set; } = DefaultPixelsPerModule;

        [Parameter]
        [ValidateRange(0, 40)]
        public int QuietZoneModules { get; set; } = DefaultQuietZoneModules;

        [Parameter]
        public QRCodeErrorCorrection ErrorCorrection { get; set; } = QRCodeErrorCorrection.M;

        /// <summary>-Format Html: the paper the sheet is laid out for.</summary>
        [Parameter]
        public QRCodePaperSize PaperSize { get; set; } = QRCodePaperSize.A4;

        /// <summary>-Format Html: the heading printed at the top of the sheet (and the HTML title).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Title { get; set; }

        /// <summary>Overwrite files that exist from before this run.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the input object itself with a QRCodePath note property instead of a QRCodeFile.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The whole input object: the target of its error record, and what -PassThru writes.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>
        /// How a piped row's columns are read for the cards and the file name: New-OmiseLink's own parameter names and
        /// [Alias] lists (Reference, Title, Description, Amount, Currency), the one list every input row is read with.
        /// </summary>
        private static readonly RowReader Columns = new RowReader(typeof(NewOmiseLinkCommand));

        private readonly QRCodeFileNamer _namer = new QRCodeFileNamer();
        private string _folder = string.Empty;
        private bool _folderReady;
        private long _rows;

        /// <summary>-Format Html: the sheet's full path, its cards in input order and what each card's row gets on the output.</summary>
        private string _sheet = string.Empty;
        private bool _sheetExisted;
        private readonly List<PaymentCard> _cards = new List<PaymentCard>();
        private readonly List<(QRCodeFile File, PSObject? Input)> _cardRows = new List<(QRCodeFile, PSObject?)>();

        private bool IsSheet => Format == QRCodeFormat.Html;

        protected override void BeginProcessing()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!IsSheet)
            {
                foreach (var htmlOnly in new[] { nameof(PaperSize), nameof(Title) })
                {
                    if (!MyInvocation.BoundParameters.ContainsKey(htmlOnly)) continue;
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException($"-{htmlOnly} is for a sheet of payment cards: add -Format Html, or leave -{htmlOnly} out."),
                        "ParameterNeedsFormatHtml", ErrorCategory.InvalidArgument, htmlOnly));
                }
                _folder = path;
                if (File.Exists(_folder))
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new IOException($"-Path '{_folder}' is a file; give a folder for the QR codes."),
                        "PathIsAFile", ErrorCategory.InvalidArgument, Path));
                }
                return;
            }

            _sheet = path;
            _folder = System.IO.Path.GetDirectoryName(path) ?? path;
            if (Directory.Exists(_sheet))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"-Path '{_sheet}' is a folder; with -Format Html, give the file the sheet is written to (cards.html)."),
                    "PathIsAFolder", ErrorCategory.InvalidArgument, Path));
            }
            _sheetExisted = NoFollowFile.Exists(_sheet);
            if (_sheetExisted && !Force)
            {
                // One file for the whole run: stop before reading any row.
                var record = new ErrorRecord(new IOException($"The file '{_sheet}' exists."), "QRCodeFileExists", ErrorCategory.ResourceExists, Path)
                {
                    ErrorDetails = new ErrorDetails($"Cannot write the payment card sheet: the file '{_sheet}' exists.")
                    {
                        RecommendedAction = OverwriteAdvice,
                    },
                };
                ThrowTerminatingError(record);
            }
        }

        protected override void ProcessRecord()
        {
            var number = ++_rows;
            var target = (object?)InputObject ?? PaymentUri;
            var reference = NotBlank(Reference) ?? NotBlank(ColumnText(nameof(Reference)));
            var id = string.IsNullOrWhiteSpace(Id) ? null : Id;
            var row = RowName(number, reference ?? id);

            if (!IsHttpUri(PaymentUri, out var uri))
            {
                var why = string.IsNullOrEmpty(PaymentUri)
                    ? $"Cannot make a QR code for {row}: it has no PaymentUri."
                    : $"Cannot make a QR code for {row}: the PaymentUri '{PaymentUri}' is not an absolute http or https URI.";
                WriteError(new ErrorRecord(new ArgumentException(why), "InvalidPaymentUri", ErrorCategory.InvalidData, target)
                {
                    ErrorDetails = new ErrorDetails(why),
                });
                return;
            }
            var text = PaymentUri!;

            if (IsSheet)
            {
                AddCard(row, target, id, reference, text);
                return;
            }

            var extension = Format == QRCodeFormat.Svg ? ".svg" : ".png";
            var name = _namer.Next(reference ?? id ?? LastSegment(uri!), extension);
            var path = System.IO.Path.Combine(_folder, name);
            var exists = NoFollowFile.Exists(path);
            if (exists && !Force)
            {
                WriteFileError(new IOException($"The file '{path}' exists."), "QRCodeFileExists", ErrorCategory.ResourceExists, target,
                    $"Cannot write the QR code of {row}: the file '{path}' exists.");
                return;
            }
            if (!ShouldProcess($"{path} ({text})", exists ? "Overwrite QR code file" : "Write QR code file")) return;

            byte[] bytes;
            ModuleGrid grid;
            try
            {
                grid = QRCodeRenderer.Encode(text, ErrorCorrection, QuietZoneModules);
                bytes = Format == QRCodeFormat.Svg
                    ? new UTF8Encoding(false).GetBytes(QRCodeRenderer.Svg(grid, PixelsPerModule))
                    : QRCodeRenderer.Png(grid, PixelsPerModule);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // The one way in practice: a URI longer than the largest QR code holds at this error-correction level.
                WriteError(new ErrorRecord(ex, "QRCodeEncodingFailed", ErrorCategory.InvalidData, target)
                {
                    ErrorDetails = new ErrorDetails($"Cannot make a QR code for {row}: {ex.Message}"),
                });
                return;
            }

            EnsureFolder();
            try
            {
                // A symbolic link at the name is replaced (with -Force) or refused, never written through.
                NoFollowFile.Write(path, bytes, Force);
            }
            catch (IOException ex) when (!Force && NoFollowFile.Exists(path))
            {
                // Written by someone else between the check and now: still never overwritten without -Force.
                WriteFileError(ex, "QRCodeFileExists", ErrorCategory.ResourceExists, target,
                    $"Cannot write the QR code of {row}: the file '{path}' exists.");
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                WriteFileError(ex, "QRCodeWriteFailed", ErrorCategory.WriteError, target,
                    $"Cannot write the QR code of {row} to '{path}': {ex.Message}");
                return;
            }

            WriteVerbose($"Wrote {path} ({bytes.Length:N0} bytes, version {grid.Version} QR code, {grid.Size} modules a side) for {row}");
            WriteResult(new QRCodeFile(id, reference, text, path));
        }

        /// <summary>
        /// -Format Html, one row: its amount read as the module's links CSV writes it (Amount in the smallest unit and
        /// Currency, or a link's typed values) and shown as the table shows it; the QR code made now, so a row that
        /// cannot have one is its own error and the sheet holds the rest.
        /// </summary>
        private void AddCard(string row, object? target, string? id, string? reference, string paymentUri)
        {
            var amountValue = ColumnValue("Amount");
            var currencyText = NotBlank(ColumnText("Currency"));
            string? amountText = null;
            if (!IsBlank(amountValue) || currencyText != null)
            {
                string? problem = null;
                var currency = LinkFields.NormalizeCurrency(currencyText, out var currencyProblem);
                if (!StrictAmount.TryRead(IsBlank(amountValue) ? null : amountValue, out var amount, out var amountProblem))
                    problem = amountProblem;
                else if (currency == null)
                    problem = currencyProblem;
                if (problem != null)
                {
                    var why = $"Cannot make a payment card for {row}: {problem}";
                    WriteError(new ErrorRecord(new ArgumentException(why), currency == null && amountProblem == null ? "InvalidCurrency" : "InvalidAmount",
                        ErrorCategory.InvalidData, target) { ErrorDetails = new ErrorDetails(why) });
                    return;
                }
                amountText = LinkOutput.FormatMoney(amount, currency!);
            }

            byte[] png;
            try
            {
                png = QRCodeRenderer.Png(QRCodeRenderer.Encode(paymentUri, ErrorCorrection, QuietZoneModules), PixelsPerModule);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteError(new ErrorRecord(ex, "QRCodeEncodingFailed", ErrorCategory.InvalidData, target)
                {
                    ErrorDetails = new ErrorDetails($"Cannot make a QR code for {row}: {ex.Message}"),
                });
                return;
            }
            _cards.Add(new PaymentCard(reference, NotBlank(ColumnText("Title")), NotBlank(ColumnText("Description")), amountText, paymentUri, png));
            _cardRows.Add((new QRCodeFile(id, reference, paymentUri, _sheet), InputObject));
        }

        protected override void EndProcessing()
        {
            if (!IsSheet) return;
            if (_cards.Count == 0)
            {
                WriteWarning($"No payment card to print: the sheet '{_sheet}' was not written.");
                return;
            }
            var cards = _cards.Count == 1 ? "1 payment card" : $"{_cards.Count.ToString("N0", CultureInfo.InvariantCulture)} payment cards";
            if (!ShouldProcess($"{_sheet} ({cards}, {PaperSize})", _sheetExisted ? "Overwrite payment card sheet" : "Write payment card sheet")) return;

            var bytes = new UTF8Encoding(false).GetBytes(PaymentCardSheet.Html(Title, PaperSize, _cards));
            EnsureFolder();
            try
            {
                NoFollowFile.Write(_sheet, bytes, Force);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                var taken = !Force && NoFollowFile.Exists(_sheet);
                ThrowTerminatingError(new ErrorRecord(ex, taken ? "QRCodeFileExists" : "QRCodeWriteFailed",
                    taken ? ErrorCategory.ResourceExists : ErrorCategory.WriteError, Path)
                {
                    ErrorDetails = taken
                        ? new ErrorDetails($"Cannot write the payment card sheet: the file '{_sheet}' exists.") { RecommendedAction = OverwriteAdvice }
                        : new ErrorDetails($"Cannot write the payment card sheet to '{_sheet}': {ex.Message}"),
                });
            }

            WriteVerbose($"Wrote {_sheet} ({bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, {cards}, {PaperSize})");
            foreach (var (file, input) in _cardRows) WriteResult(file, input);
        }

        private object? ColumnValue(string parameter) => Columns.Get(InputObject, parameter);

        private string? ColumnText(string parameter)
        {
            var value = ColumnValue(parameter);
            return value == null ? null : value as string ?? Convert.ToString(value is PSObject ps ? ps.BaseObject : value, CultureInfo.InvariantCulture);
        }

        private static bool IsBlank(object? value) => value == null || (value is string text && text.Trim().Length == 0);

        private static string? NotBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

        internal const string CardTypeName = "OmiseLinks.QRCodes.QRCodeFile#Card";

        private const string OverwriteAdvice = "Add -Force to overwrite it, or choose another -Path.";

        private void WriteResult(QRCodeFile file) => WriteResult(file, InputObject);

        private void WriteResult(QRCodeFile file, PSObject? input)
        {
            if (!PassThru)
            {
                if (!IsSheet)
                {
                    WriteObject(file);
                    return;
                }
                // A card of a sheet: the table shows the sheet once and a row per card (OmiseLinks.Format.ps1xml).
                var card = new PSObject(file);
                card.TypeNames.Insert(0, CardTypeName);
                WriteObject(card);
                return;
            }
            var output = input ?? new PSObject(file);
            var existing = output.Properties["QRCodePath"];
            // A row read back from an earlier run's CSV has a QRCodePath already: it gets the new one.
            if (existing == null) output.Properties.Add(new PSNoteProperty("QRCodePath", file.Path));
            else existing.Value = file.Path;
            WriteObject(output);
        }

        private void EnsureFolder()
        {
            if (_folderReady) return;
            try
            {
                Directory.CreateDirectory(_folder);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                // Every file would fail alike: one terminating error.
                ThrowTerminatingError(new ErrorRecord(ex, "CannotCreateFolder", ErrorCategory.WriteError, Path)
                {
                    ErrorDetails = new ErrorDetails($"Cannot create the folder '{_folder}': {ex.Message}"),
                });
            }
            _folderReady = true;
        }

        private void WriteFileError(Exception ex, string id, ErrorCategory category, object? target, string message)
        {
            var record = new ErrorRecord(ex, id, category, target) { ErrorDetails = new ErrorDetails(message) };
            if (id == "QRCodeFileExists") record.ErrorDetails.RecommendedAction = OverwriteAdvice;
            WriteError(record);
        }

        /// <summary>How messages name a row: its number in the input, and its reference or link id when it has one.</summary>
        private static string RowName(long number, string? name) =>
            string.IsNullOrEmpty(name) ? $"row {number}" : $"row {number} ({name})";

        /// <summary>
        /// True for an absolute http or https URI with a host, written as a URI is: printable ASCII only, no white space
        /// (other characters percent-encoded). So the code holds the text byte for byte, with no character set to guess.
        /// </summary>
        internal static bool IsHttpUri(string? text, out Uri? uri)
        {
            uri = null;
            if (string.IsNullOrEmpty(text)) return false;
            foreach (var c in text!)
                if (c <= ' ' || c > '~') return false;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed)) return false;
            if (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) return false;
            if (string.IsNullOrEmpty(parsed.Host)) return false;
            uri = parsed;
            return true;
        }

        private static readonly char[] PathSeparators = { '/' };

        /// <summary>A name for a row with neither reference nor id: the last segment of the URI's path (a link's code), or "qrcode".</summary>
        private static string LastSegment(Uri uri)
        {
            var segments = uri.AbsolutePath.Split(PathSeparators, StringSplitOptions.RemoveEmptyEntries);
            return segments.Length == 0 ? "qrcode" : Uri.UnescapeDataString(segments[segments.Length - 1]);
        }
    }
}
