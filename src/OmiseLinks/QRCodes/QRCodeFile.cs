namespace OmiseLinks.QRCodes
{
    /// <summary>One QR code file written by Export-OmiseLinkQRCode: which link it is for and where it is.</summary>
    public sealed class QRCodeFile
    {
        public QRCodeFile(string? linkId, string? reference, string paymentUri, string path)
        {
            LinkId = linkId;
            Reference = reference;
            PaymentUri = paymentUri;
            Path = path;
        }

        public string? LinkId { get; }
        public string? Reference { get; }

        /// <summary>What the QR code encodes, exactly.</summary>
        public string PaymentUri { get; }

        /// <summary>The full path of the file (under -WhatIf: the file that would be written).</summary>
        public string Path { get; }

        public override string ToString() => Path;
    }

    /// <summary>What Export-OmiseLinkQRCode writes: an image file per link (Png, Svg), or one sheet of payment cards (Html).</summary>
    public enum QRCodeFormat
    {
        Png,
        Svg,
        Html,
    }

    /// <summary>The paper a sheet of payment cards (-Format Html) is laid out for.</summary>
    public enum QRCodePaperSize
    {
        A4,
        Letter,
    }

    /// <summary>QR error-correction levels: the share of the code that may be damaged and still read (about 7, 15, 25, 30 %).</summary>
    public enum QRCodeErrorCorrection
    {
        L,
        M,
        Q,
        H,
    }
}
