using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using Xunit.Abstractions;

namespace OmiseLinks.Tests;

/// <summary>
/// Export-OmiseLinkQRCode through the hosted engine: every image written is read back (PNG by StbImageSharp, SVG
/// rasterized, both by ZXing.Net) and must hold exactly the PaymentUri of its link.
/// </summary>
public sealed class ExportOmiseLinkQRCodeTests(ITestOutputHelper log) : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("omiselinks-qr-");

    private string Folder(string name = "qr") => Path.Combine(_temp.FullName, name);

    public void Dispose() => _temp.Delete(recursive: true);

    private static PSObject Row(string? id, string? reference, string paymentUri)
    {
        var columns = new List<(string, string)>();
        if (id != null) columns.Add(("Id", id));
        if (reference != null) columns.Add(("Reference", reference));
        columns.Add(("PaymentUri", paymentUri));
        return TestBed.CsvRow(columns.ToArray());
    }

    private static string Uri(int i) => $"https://link.omise.co/{i:X8}TESTQRCODE{i % 97:00}";

    private static string Text(PSObject o, string name) => (string)o.Properties[name].Value;

    private static void AssertPngHolds(string path, string paymentUri)
    {
        var (text, width, height) = QRCodeReading.DecodePng(File.ReadAllBytes(path));
        Assert.Equal(paymentUri, text);
        Assert.Equal(width, height);
    }

    [Fact]
    public async Task New_OmiseLink_piped_in_gives_one_PNG_per_link_named_after_its_reference_holding_exactly_its_PaymentUri()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("amount", "250000"), ("currency", "thb"), ("title", "Thai lessons"), ("description", "November"), ("invoice", "INV-2026-0101")),
            TestBed.CsvRow(("amount", "35000"), ("currency", "jpy"), ("title", "Tokyo seat"), ("description", "Workshop"), ("invoice", "INV-2026-0102")),
            TestBed.CsvRow(("amount", "9900"), ("currency", "usd"), ("title", "No invoice"), ("description", "Walk-in")),
        });
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | New-OmiseLink | Export-OmiseLinkQRCode -Path $folder");

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Output.Count);
        var links = bed.Emulator.Links.OrderBy(l => l.CreatedAt).ToList();
        var expectedNames = new[] { "INV-2026-0101.png", "INV-2026-0102.png", links[2].Id + ".png" };
        for (var i = 0; i < 3; i++)
        {
            var file = result.Output[i];
            Assert.Equal("OmiseLinks.QRCodes.QRCodeFile", file.TypeNames[0]);
            Assert.Equal(["LinkId", "Reference", "PaymentUri", "Path"], file.Properties.Select(p => p.Name));
            Assert.Equal(links[i].Id, Text(file, "LinkId"));
            Assert.Equal(links[i].PaymentUri, Text(file, "PaymentUri"));
            Assert.Equal(Path.Combine(Folder(), expectedNames[i]), Text(file, "Path"));
            AssertPngHolds(Text(file, "Path"), links[i].PaymentUri);
        }
        Assert.Equal(["INV-2026-0101", "INV-2026-0102", null], result.Output.Select(o => (string?)o.Properties["Reference"].Value));
        Assert.Equal(expectedNames.Order(), Directory.GetFiles(Folder()).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Svg_holds_the_PaymentUri_and_has_the_PNGs_size_in_pixels()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        const string uri = "https://link.omise.co/A80KE2NDP7EE0HIY5HA";
        bed.Shell.SetVariable("rows", new[] { Row("link_test_a80ke2ndp7ee0hiy5ha", "INV-1", uri) });
        bed.Shell.SetVariable("folder", Folder());

        var svg = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder -Format Svg");
        var png = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder");

        Assert.Empty(svg.Errors);
        Assert.Empty(png.Errors);
        var svgPath = Text(svg.Output.Single(), "Path");
        var pngPath = Text(png.Output.Single(), "Path");
        Assert.Equal(Path.Combine(Folder(), "INV-1.svg"), svgPath);
        var (text, modules, width, height) = QRCodeReading.DecodeSvg(File.ReadAllText(svgPath));
        Assert.Equal(uri, text);
        var header = QRCodeReading.ReadPngHeader(File.ReadAllBytes(pngPath));
        Assert.Equal((header.Width.ToString(), header.Height.ToString()), (width, height));
        Assert.Equal(modules * 10, header.Width);
        Assert.Equal(29 + 2 * 4, modules); // version 3 at level M, 4 quiet modules a side
        AssertPngHolds(pngPath, uri);
        log.WriteLine($"Defaults for {uri} ({uri.Length} characters): PNG {new FileInfo(pngPath).Length} bytes, " +
            $"{header.Width}x{header.Height}, bit depth {header.BitDepth}, color type {header.ColorType}; SVG {new FileInfo(svgPath).Length} bytes");
    }

    [Theory]
    [InlineData("Png", 3, 0, "L")]
    [InlineData("Png", 4, 2, "Q")]
    [InlineData("Png", 12, 8, "H")]
    [InlineData("Svg", 5, 1, "H")]
    public async Task Size_quiet_zone_and_error_correction_shape_the_image_and_it_still_holds_the_PaymentUri(string format, int pixels, int quiet, string level)
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        const string uri = "https://link.omise.co/UKUOOJ5ELFG34SYG697";
        bed.Shell.SetVariable("rows", new[] { Row("link_test_ukuooj5elfg34syg697", null, uri) });
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run($"$rows | Export-OmiseLinkQRCode -Path $folder -Format {format} -PixelsPerModule {pixels} -QuietZoneModules {quiet} -ErrorCorrection {level}");

        Assert.Empty(result.Errors);
        var path = Text(result.Output.Single(), "Path");
        Assert.Equal("link_test_ukuooj5elfg34syg697." + format.ToLowerInvariant(), Path.GetFileName(path));
        // 41 bytes: version 3 holds them at L and M, version 4 at Q, version 5 at H.
        var core = level switch { "L" or "M" => 29, "Q" => 33, _ => 37 };
        if (format == "Png")
        {
            var (text, width, _) = QRCodeReading.DecodePng(File.ReadAllBytes(path));
            Assert.Equal(uri, text);
            Assert.Equal((core + 2 * quiet) * pixels, width);
        }
        else
        {
            var (text, modules, width, _) = QRCodeReading.DecodeSvg(File.ReadAllText(path));
            Assert.Equal(uri, text);
            Assert.Equal(core + 2 * quiet, modules);
            Assert.Equal(((core + 2 * quiet) * pixels).ToString(), width);
        }
    }

    [Fact]
    public async Task Rows_of_an_exported_links_csv_need_no_session_and_no_request()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("rows", new[]
        {
            Row("link_test_1", "INV-1", Uri(1)),
            Row("link_test_2", "", Uri(2)),
            Row(null, null, "https://link.omise.co/NOIDNOREF"),
        });
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode $folder");

        Assert.Empty(result.Errors);
        Assert.Equal(0, bed.Emulator.RequestCount);
        Assert.Equal(["INV-1.png", "link_test_2.png", "NOIDNOREF.png"], result.Output.Select(o => Path.GetFileName(Text(o, "Path"))));
        Assert.Equal(["INV-1", null, null], result.Output.Select(o => (string?)o.Properties["Reference"].Value));
        Assert.Equal(["link_test_1", "link_test_2", null], result.Output.Select(o => (string?)o.Properties["LinkId"].Value));
        AssertPngHolds(Path.Combine(Folder(), "INV-1.png"), Uri(1));
        AssertPngHolds(Path.Combine(Folder(), "link_test_2.png"), Uri(2));
        AssertPngHolds(Path.Combine(Folder(), "NOIDNOREF.png"), "https://link.omise.co/NOIDNOREF");
    }

    [Fact]
    public async Task Names_are_made_safe_for_every_file_system_Thai_kept_long_ones_cut_with_a_hash_and_none_overwrites_another()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var longA = "ใบแจ้งหนี้-" + new string('ก', 120) + "-A";
        var longB = "ใบแจ้งหนี้-" + new string('ก', 120) + "-B";
        var references = new[]
        {
            "ใบแจ้งหนี้ 2569/001",     // Thai with a slash
            @"INV<1>:\""*?|",          // every character Windows refuses
            "CON", "nul.txt", "Com1", "LPT9 ",
            "INV-7.", "..", "tab\tthere",
            longA, longB,
            "INV-9", "inv-9", "INV-9", // one name three times (case-insensitive file systems)
        };
        bed.Shell.SetVariable("rows", references.Select((r, i) => Row($"link_test_{i}", r, Uri(i))).ToArray());
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder");

        Assert.Empty(result.Errors);
        var names = result.Output.Select(o => Path.GetFileName(Text(o, "Path"))).ToList();
        Assert.Equal("ใบแจ้งหนี้ 2569_001.png", names[0]);
        Assert.Equal("INV_1_______.png", names[1]);
        Assert.Equal(["_CON.png", "_nul.txt.png", "_Com1.png", "LPT9_.png", "INV-7_.png", "__.png", "tab_there.png"], names.Skip(2).Take(7));
        Assert.All(new[] { names[9], names[10] }, n =>
        {
            Assert.Matches("^ใบแจ้งหนี้-ก+~[0-9a-f]{8}\\.png$", n);
            Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileNameWithoutExtension(n)) <= 150, n);
        });
        Assert.NotEqual(names[9], names[10]);
        Assert.Equal(["INV-9.png", "inv-9-2.png", "INV-9-3.png"], names.Skip(11));
        Assert.Equal(references.Length, Directory.GetFiles(Folder()).Length);
        for (var i = 0; i < references.Length; i++)
        {
            Assert.Equal(references[i], result.Output[i].Properties["Reference"].Value);
            AssertPngHolds(Path.Combine(Folder(), names[i]), Uri(i));
        }
    }
}
