using System;
using System.IO;
using System.Management.Automation;
using System.Text;
using OmiseLinks.QRCodes;

namespace OmiseLinks.Commands
{
    /// <summary>
    /// Export-OmiseLinkQRCode: one QR code image per link (or CSV row) that encodes exactly its PaymentUri, named after
    /// its reference (invoice) or id. Makes no API call, so it needs no session.
    /// </summary>
    [Cmdlet(VerbsData.Export, "OmiseLinkQRCode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(QRCodeFile))]
    [OutputType(typeof(PSObject))]
    public sealed class ExportOmiseLinkQRCodeCommand : PSCmdlet
    {
        public const int DefaultPixelsPerModule = 10;
        public const int DefaultQuietZoneModules = 4;

        /// <summary>The folder the files go to; created if missing.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>What the QR code encodes: an absolute http or https URI (a link's PaymentUri).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("payment_uri")]
        [AllowNull]
        [AllowEmptyString]
        public string? PaymentUri { get; set; }

        /// <summary>Names the file when present (an invoice number, as New-OmiseLink writes it).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Invoice", "InvoiceId", "InvoiceNumber", "InvoiceNo", "OrderId", "Ref")]
        [AllowNull]
        [AllowEmptyString]
        public string? Reference { get; set; }

        /// <summary>The link id: names the file when there is no reference.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("LinkId")]
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

        /// <summary>Overwrite files that exist from before this run.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the input object itself with a QRCodePath note property instead of a QRCodeFile.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The whole input object: the target of its error record, and what -PassThru writes.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private readonly QRCodeFileNamer _namer = new QRCodeFileNamer();
        private string _folder = string.Empty;
        private bool _folderReady;
        private long _rows;

        protected override void BeginProcessing()
        {
            _folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (File.Exists(_folder))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"-Path '{_folder}' is a file; give a folder for the QR codes."),
                    "PathIsAFile", ErrorCategory.InvalidArgument, Path));
            }
        }

        protected override void ProcessRecord()
        {
            var number = ++_rows;
            var target = (object?)InputObject ?? PaymentUri;
            var reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference;
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

            var extension = Format == QRCodeFormat.Svg ? ".svg" : ".png";
            var name = _namer.Next(reference ?? id ?? LastSegment(uri!), extension);
            var path = System.IO.Path.Combine(_folder, name);
            var exists = File.Exists(path);
            if (exists && !Force)
            {
                WriteFileError(new IOException($"The file '{path}' exists."), "QRCodeFileExists", ErrorCategory.ResourceExists, target,
                    $"Cannot write the QR code of {row}: the file '{path}' exists. Use -Force to overwrite it.");
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
                using (var stream = new FileStream(path, Force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    stream.Write(bytes, 0, bytes.Length);
            }
            catch (IOException ex) when (!Force && File.Exists(path))
            {
                // Written by someone else between the check and now: still never overwritten without -Force.
                WriteFileError(ex, "QRCodeFileExists", ErrorCategory.ResourceExists, target,
                    $"Cannot write the QR code of {row}: the file '{path}' exists. Use -Force to overwrite it.");
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

        private void WriteResult(QRCodeFile file)
        {
            if (!PassThru)
            {
                WriteObject(file);
                return;
            }
            var output = InputObject ?? new PSObject(file);
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
            if (id == "QRCodeFileExists") record.ErrorDetails.RecommendedAction = "Add -Force to overwrite, or choose another -Path.";
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
