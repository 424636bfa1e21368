using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace OmiseLinks.Tests;

/// <summary>
/// Reads QR code files back as a phone would: the PNG decoded by StbImageSharp (an independent decoder), the SVG
/// rasterized from its rectangles, and the pixels read by ZXing.Net. Nothing here knows how the module draws them.
/// </summary>
public static class QRCodeReading
{
    public sealed record PngHeader(int Width, int Height, int BitDepth, int ColorType, int Interlace);

    /// <summary>The IHDR of a PNG, after checking the signature and that IHDR comes first.</summary>
    public static PngHeader ReadPngHeader(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG signature");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)),
            png[24], png[25], png[28]);
    }

    /// <summary>The text of the QR code in a PNG file, and the image size.</summary>
    public static (string Text, int Width, int Height) DecodePng(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.Grey);
        return (Decode(image.Data, image.Width, image.Height), image.Width, image.Height);
    }

    /// <summary>
    /// The text of the QR code in an SVG file: the viewBox gives the size in modules, every &lt;rect&gt; and every
    /// rectangle of a path made of M/h/v/z commands is painted with its fill, at <paramref name="scale"/> pixels per unit.
    /// </summary>
    public static (string Text, int Modules, string Width, string Height) DecodeSvg(string svg, int scale = 4)
    {
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var root = doc.Root!;
        Assert.Equal(ns + "svg", root.Name);
        var viewBox = ((string)root.Attribute("viewBox")!).Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(0, viewBox[0]);
        Assert.Equal(0, viewBox[1]);
        Assert.Equal(viewBox[2], viewBox[3]);
        var n = viewBox[2];
        var size = n * scale;
        var pixels = new byte[size * size];
        Array.Fill(pixels, (byte)128); // unpainted is neither black nor white: the background rect must cover it

        foreach (var element in root.Elements())
        {
            var fill = Luminance((string?)element.Attribute("fill") ?? "#000");
            if (element.Name == ns + "rect")
            {
                Paint(pixels, size, scale, 0, 0, Number(element, "width", n), Number(element, "height", n), fill);
            }
            else if (element.Name == ns + "path")
            {
                var d = (string)element.Attribute("d")!;
                var commands = Regex.Matches(d, @"([MmHhVvZz])\s*(-?\d+(?:\s+-?\d+)?)?");
                Assert.Equal(d.Replace(" ", ""), string.Concat(commands.Select(c => c.Value.Replace(" ", ""))));
                double x = 0, y = 0, x0 = 0, y0 = 0, minX = 0, maxX = 0, minY = 0, maxY = 0;
                foreach (Match c in commands)
                {
                    var args = c.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse).ToArray();
                    switch (c.Groups[1].Value)
                    {
                        case "M": x = x0 = minX = maxX = args[0]; y = y0 = minY = maxY = args[1]; break;
                        case "h": x += args[0]; break;
                        case "v": y += args[0]; break;
                        case "z":
                            Paint(pixels, size, scale, minX, minY, maxX - minX, maxY - minY, fill);
                            x = x0; y = y0;
                            break;
                        default: throw new InvalidOperationException("unexpected path command " + c.Value);
                    }
                    minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
                }
            }
        }
        Assert.DoesNotContain((byte)128, pixels);
        return (Decode(pixels, size, size), n, (string)root.Attribute("width")!, (string)root.Attribute("height")!);
    }

    private static double Number(XElement element, string name, int whole)
    {
        var value = (string)element.Attribute(name)!;
        return value == "100%" ? whole : double.Parse(value, CultureInfo.InvariantCulture);
    }

    private static byte Luminance(string fill) => fill.ToLowerInvariant() switch
    {
        "#000" or "#000000" or "black" => 0,
        "#fff" or "#ffffff" or "white" => 255,
        _ => throw new InvalidOperationException("unexpected fill " + fill),
    };

    private static void Paint(byte[] pixels, int size, int scale, double x, double y, double w, double h, byte value)
    {
        for (var py = (int)(y * scale); py < (int)((y + h) * scale); py++)
            for (var px = (int)(x * scale); px < (int)((x + w) * scale); px++)
                pixels[py * size + px] = value;
    }

    /// <summary>
    /// ZXing's reader as scanning apps use it: the full detector (finder patterns, not the clean-image shortcut), trying
    /// harder and rotated. Fails the test when no QR code is found.
    /// </summary>
    public static string Decode(byte[] luminance, int width, int height)
    {
        var source = new RGBLuminanceSource(luminance, width, height, RGBLuminanceSource.BitmapFormat.Gray8);
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = true,
            Options = new DecodingOptions { TryHarder = true, PossibleFormats = [BarcodeFormat.QR_CODE] },
        };
        var result = reader.Decode(source);
        Assert.True(result != null, "ZXing found no QR code in the image");
        return result!.Text;
    }
}
