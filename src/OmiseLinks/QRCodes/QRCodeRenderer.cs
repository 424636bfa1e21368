using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using QRCoder;

namespace OmiseLinks.QRCodes
{
    /// <summary>
    /// The modules of one QR code, quiet zone included: Dark[y][x] is true for a dark module. Size is the side in modules.
    /// </summary>
    internal sealed class ModuleGrid
    {
        public ModuleGrid(List<BitArray> rows, int version)
        {
            Rows = rows;
            Version = version;
        }

        public List<BitArray> Rows { get; }
        public int Version { get; }
        public int Size => Rows.Count;
        public bool this[int x, int y] => Rows[y][x];
    }

    /// <summary>
    /// Turns text into QR module grids and grids into PNG or SVG bytes. Only QRCoder's encoder (QRCodeGenerator) and its
    /// PNG writer (PngByteQRCode) are used: neither touches System.Drawing, so the module ships without it.
    /// </summary>
    internal static class QRCodeRenderer
    {
        /// <summary>QRCoder's matrices carry a fixed 4-module quiet zone on every side.</summary>
        private const int QRCoderPadding = 4;

        public static ModuleGrid Encode(string text, QRCodeErrorCorrection level, int quietZoneModules)
        {
            if (quietZoneModules < 0) throw new ArgumentOutOfRangeException(nameof(quietZoneModules));
            using var data = QRCodeGenerator.GenerateQrCode(text, ToEccLevel(level));
            var source = data.ModuleMatrix;
            var core = source.Count - 2 * QRCoderPadding;
            if (core != 17 + 4 * data.Version)
                throw new InvalidOperationException($"QRCoder returned a {source.Count}-module matrix for a version {data.Version} code.");

            var size = core + 2 * quietZoneModules;
            var rows = new List<BitArray>(size);
            for (var y = 0; y < size; y++)
            {
                var row = new BitArray(size);
                var sy = y - quietZoneModules;
                if (sy >= 0 && sy < core)
                {
                    var from = source[sy + QRCoderPadding];
                    for (var sx = 0; sx < core; sx++) row[sx + quietZoneModules] = from[sx + QRCoderPadding];
                }
                rows.Add(row);
            }
            return new ModuleGrid(rows, data.Version);
        }

        /// <summary>A black-on-white PNG, <paramref name="pixelsPerModule"/> pixels per module, the grid's quiet zone included.</summary>
        public static byte[] Png(ModuleGrid grid, int pixelsPerModule)
        {
            // PngByteQRCode draws the whole matrix when asked to draw quiet zones; the grid carries the quiet zone we want.
            using var data = new QRCodeData(grid.Version, false) { ModuleMatrix = grid.Rows };
            using var png = new PngByteQRCode(data);
            return png.GetGraphic(pixelsPerModule, drawQuietZones: true);
        }

        /// <summary>
        /// A black-on-white SVG: a viewBox in modules (so it scales without blur), width and height in pixels like the PNG,
        /// and one path made of a rectangle per horizontal run of dark modules.
        /// </summary>
        public static string Svg(ModuleGrid grid, int pixelsPerModule)
        {
            var n = grid.Size;
            var side = (n * pixelsPerModule).ToString(CultureInfo.InvariantCulture);
            var sb = new StringBuilder(4096);
            sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").Append(side).Append("\" height=\"").Append(side)
              .Append("\" viewBox=\"0 0 ").Append(n).Append(' ').Append(n).Append("\" shape-rendering=\"crispEdges\">\n");
            sb.Append("<rect width=\"").Append(n).Append("\" height=\"").Append(n).Append("\" fill=\"#fff\"/>\n");
            sb.Append("<path fill=\"#000\" d=\"");
            for (var y = 0; y < n; y++)
            {
                var x = 0;
                while (x < n)
                {
                    if (!grid[x, y]) { x++; continue; }
                    var start = x;
                    while (x < n && grid[x, y]) x++;
                    sb.Append('M').Append(start).Append(' ').Append(y).Append('h').Append(x - start).Append("v1h-").Append(x - start).Append('z');
                }
            }
            sb.Append("\"/>\n</svg>\n");
            return sb.ToString();
        }

        private static QRCodeGenerator.ECCLevel ToEccLevel(QRCodeErrorCorrection level)
        {
            switch (level)
            {
                case QRCodeErrorCorrection.L: return QRCodeGenerator.ECCLevel.L;
                case QRCodeErrorCorrection.M: return QRCodeGenerator.ECCLevel.M;
                case QRCodeErrorCorrection.Q: return QRCodeGenerator.ECCLevel.Q;
                case QRCodeErrorCorrection.H: return QRCodeGenerator.ECCLevel.H;
                default: throw new ArgumentOutOfRangeException(nameof(level));
            }
        }
    }
}
