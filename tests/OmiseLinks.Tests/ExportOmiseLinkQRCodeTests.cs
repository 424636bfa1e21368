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
        // Output keeps input order; the emulator's store is in creation order, which concurrency may change.
        var links = result.Output.Select(o => bed.Emulator.Links.Single(l => l.Id == Text(o, "LinkId"))).ToList();
        var expectedNames = new[] { "INV-2026-0101.png", "INV-2026-0102.png", links[2].Id + ".png" };
        for (var i = 0; i < 3; i++)
        {
            var file = result.Output[i];
            Assert.Equal("OmiseLinks.QRCodes.QRCodeFile", file.TypeNames[0]);
            Assert.Equal(["LinkId", "Reference", "PaymentUri", "Path"], file.Properties.Select(p => p.Name));
            Assert.Equal(links[i].PaymentUri, Text(file, "PaymentUri"));
            Assert.Equal(Path.Combine(Folder(), expectedNames[i]), Text(file, "Path"));
            AssertPngHolds(Text(file, "Path"), links[i].PaymentUri);
        }
        Assert.Equal(["Thai lessons", "Tokyo seat", "No invoice"], links.Select(l => l.Title));
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

    [Fact]
    public async Task An_existing_file_is_an_error_naming_it_and_is_kept_unless_Force_and_the_other_rows_go_on()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        Directory.CreateDirectory(Folder());
        var kept = Path.Combine(Folder(), "INV-2.png");
        File.WriteAllText(kept, "an earlier file");
        bed.Shell.SetVariable("rows", new[] { Row("link_test_1", "INV-1", Uri(1)), Row("link_test_2", "INV-2", Uri(2)), Row("link_test_3", "INV-3", Uri(3)) });
        bed.Shell.SetVariable("folder", Folder());

        var first = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder");

        var error = Assert.Single(first.Errors);
        Assert.Equal("QRCodeFileExists,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Contains(kept, error.ToString());
        Assert.Equal($"Cannot write the QR code of row 2 (INV-2): the file '{kept}' exists.", error.ToString());
        Assert.Equal("Add -Force to overwrite it, or choose another -Path.", error.ErrorDetails.RecommendedAction);
        Assert.Same(((PSObject[])bed.Shell.Runspace.SessionStateProxy.GetVariable("rows"))[1], error.TargetObject);
        Assert.Equal("an earlier file", File.ReadAllText(kept));
        Assert.Equal(["INV-1.png", "INV-3.png"], first.Output.Select(o => Path.GetFileName(Text(o, "Path"))));

        var forced = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder -Force");

        Assert.Empty(forced.Errors);
        Assert.Equal(3, forced.Output.Count);
        for (var i = 1; i <= 3; i++) AssertPngHolds(Path.Combine(Folder(), $"INV-{i}.png"), Uri(i));
        Assert.Equal(3, Directory.GetFiles(Folder()).Length);
    }

    [Fact]
    public async Task Force_never_writes_through_a_symbolic_link_in_the_folder_it_replaces_the_link_and_the_file_outside_is_untouched()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var outside = Directory.CreateDirectory(Path.Combine(_temp.FullName, "outside")).FullName;
        var victim = Path.Combine(outside, "settings.conf");
        File.WriteAllText(victim, "keep me");
        Directory.CreateDirectory(Folder());
        var planted = Path.Combine(Folder(), "INV-1.png");
        File.CreateSymbolicLink(planted, victim);
        var dangling = Path.Combine(Folder(), "INV-2.png");
        File.CreateSymbolicLink(dangling, Path.Combine(outside, "new-file.png"));
        bed.Shell.SetVariable("rows", new[] { Row("link_test_1", "INV-1", Uri(1)), Row("link_test_2", "INV-2", Uri(2)) });
        bed.Shell.SetVariable("folder", Folder());

        var refused = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder");

        Assert.Equal(["QRCodeFileExists", "QRCodeFileExists"], refused.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal("keep me", File.ReadAllText(victim));

        var forced = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder -Force");

        Assert.Empty(forced.Errors);
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.Equal(["settings.conf"], Directory.GetFiles(outside).Select(Path.GetFileName));
        foreach (var (path, i) in new[] { (planted, 1), (dangling, 2) })
        {
            Assert.Null(new FileInfo(path).LinkTarget);
            AssertPngHolds(path, Uri(i));
        }
    }

    [Fact]
    public async Task A_reference_column_is_read_under_every_name_New_OmiseLink_reads_it_by()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var headers = new[] { "Invoice No", "Invoice No.", "Invoice #", "Invoice Number", "Reference No", "Ref No", "InvoiceId", "OrderId" };
        bed.Shell.SetVariable("rows", headers.Select((h, i) => TestBed.CsvRow(("Id", $"link_test_{i}"), (h, $"INV-{i}"), ("PaymentUri", Uri(i)))).ToArray());
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder");

        Assert.Empty(result.Errors);
        Assert.Equal(headers.Select((_, i) => $"INV-{i}.png"), result.Output.Select(o => Path.GetFileName(Text(o, "Path"))));
        Assert.Equal(headers.Select((_, i) => $"INV-{i}"), result.Output.Select(o => Text(o, "Reference")));

        // The list is New-OmiseLink's own: every name its -Reference takes, and no copy of the list on this cmdlet.
        var names = bed.Run("(Get-Command New-OmiseLink).Parameters['Reference'].Aliases; '--'; (Get-Command Export-OmiseLinkQRCode).Parameters['Reference'].Aliases")
            .Output.Select(o => o.ToString()).ToList();
        Assert.Equal(["--"], names.SkipWhile(n => n != "--"));
        Assert.Superset(headers.ToHashSet(), names.TakeWhile(n => n != "--").ToHashSet());
    }

    [Theory]
    [InlineData(120)]
    [InlineData(80)]
    public async Task The_table_shows_the_folder_once_and_each_whole_file_name_and_PaymentUri_at_120_and_80_columns(int width)
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var folder = Path.Combine(_temp.FullName, "qr-print", "front-counter");
        bed.Shell.SetVariable("rows", new[]
        {
            Row("link_test_65xz1ywc3cw3b8rfzcd", "INV-2026-0101", Uri(1)),
            Row("link_test_65xz1ywx0z1l8o1xqn6", "", Uri(2)),
        });
        bed.Shell.SetVariable("folder", folder);
        bed.Shell.SetVariable("sheet", Path.Combine(folder, "cards.html"));

        var files = Lines(bed.Run($"$rows | Export-OmiseLinkQRCode -Path $folder | Format-Table | Out-String -Width {width}"));
        var cards = Lines(bed.Run($"$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet | Format-Table | Out-String -Width {width}"));

        Assert.Equal(
        [
            $"   Folder: {folder}", "",
            $"{"File",-37}PaymentUri", $"{"----",-37}----------",
            $"{"INV-2026-0101.png",-37}{Uri(1)}",
            $"{"link_test_65xz1ywx0z1l8o1xqn6.png",-37}{Uri(2)}",
        ], files);
        Assert.Equal(
        [
            $"   Sheet: {Path.Combine(folder, "cards.html")}", "",
            $"{"Card",-37}PaymentUri", $"{"----",-37}----------",
            $"{"INV-2026-0101",-37}{Uri(1)}",
            $"{"link_test_65xz1ywx0z1l8o1xqn6",-37}{Uri(2)}",
        ], cards);
        Assert.All(files.Concat(cards), line => Assert.True(line.Length <= width, line));
    }

    /// <summary>The lines of rendered text without the blank lines around it, trailing spaces cut.</summary>
    private static List<string> Lines(PsResult result)
    {
        Assert.Empty(result.Errors);
        var lines = string.Concat(result.Output.Select(o => o.ToString())).Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    [Fact]
    public async Task WhatIf_names_each_file_and_writes_nothing_not_even_the_folder()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("rows", new[] { Row("link_test_1", "INV-1", Uri(1)), Row("link_test_2", "INV-1", Uri(2)) });
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(Folder()));
        var shown = string.Join("\n", bed.Shell.Host.Lines);
        Assert.Contains(Path.Combine(Folder(), "INV-1.png") + " (" + Uri(1) + ")", shown);
        Assert.Contains(Path.Combine(Folder(), "INV-1-2.png") + " (" + Uri(2) + ")", shown);
    }

    [Fact]
    public async Task The_cmdlet_never_prompts_it_declares_its_output_type_and_a_Low_confirm_impact()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run("""
            $command = Get-Command Export-OmiseLinkQRCode
            $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact
            $command.OutputType.Name
            """);
        Assert.Empty(result.Errors);
        Assert.Equal(ConfirmImpact.Low, result.Output[0].BaseObject);
        Assert.Equal(["OmiseLinks.QRCodes.QRCodeFile", "System.Management.Automation.PSObject"], result.Output.Skip(1).Select(o => o.ToString()));
    }

    [Fact]
    public async Task A_row_without_an_absolute_http_URI_is_one_InvalidPaymentUri_error_naming_it_and_the_next_rows_go_on()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var rows = new[]
        {
            Row("link_test_1", "INV-1", Uri(1)),
            Row("link_test_2", "INV-2", "ftp://link.omise.co/X"),
            Row("link_test_3", "", ""),
            Row("link_test_4", "INV-4", "link.omise.co/NOSCHEME"),
            Row("link_test_5", "INV-5", "/relative/path"),
            Row("link_test_6", "INV-6", " https://link.omise.co/SPACE"),
            Row("link_test_7", "INV-7", "javascript:alert(1)"),
            Row("link_test_8", "INV-8", "https://link.omise.co/ใบแจ้งหนี้"),
            Row("link_test_9", "INV-9", "https:///NOHOST"),
            Row("link_test_10", "INV-10", Uri(10)),
        };
        bed.Shell.SetVariable("rows", rows);
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder");

        Assert.Equal(8, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("InvalidPaymentUri,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
        });
        Assert.Equal(rows[1..^1], result.Errors.Select(e => e.TargetObject));
        Assert.Contains("row 2 (INV-2)", result.Errors[0].ToString());
        Assert.Contains("'ftp://link.omise.co/X'", result.Errors[0].ToString());
        Assert.Equal("Cannot make a QR code for row 3 (link_test_3): it has no PaymentUri.", result.Errors[1].ToString());
        Assert.Equal(["INV-1.png", "INV-10.png"], result.Output.Select(o => Path.GetFileName(Text(o, "Path"))));
        AssertPngHolds(Path.Combine(Folder(), "INV-1.png"), Uri(1));
        AssertPngHolds(Path.Combine(Folder(), "INV-10.png"), Uri(10));

        var stopped = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder -Force -ErrorAction Stop");
        Assert.NotNull(stopped.Terminating);
        Assert.Equal("InvalidPaymentUri,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", stopped.Terminating!.ErrorRecord.FullyQualifiedErrorId);
    }

    [Fact]
    public async Task PassThru_writes_each_input_link_with_QRCodePath_so_one_CSV_serves_the_invoice_mail_merge()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("amount", "150050"), ("currency", "thb"), ("title", "Invoice 1007"), ("description", "Consulting"), ("invoice", "INV-1007")),
            TestBed.CsvRow(("amount", "2500"), ("currency", "usd"), ("title", "Invoice 1008"), ("description", "Support"), ("invoice", "INV-1008")),
        });
        bed.Shell.SetVariable("folder", Folder());

        var result = bed.Run("$rows | New-OmiseLink | Export-OmiseLinkQRCode -Path $folder -PassThru");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        foreach (var link in result.Output)
        {
            Assert.StartsWith("OmiseLinks.Link", link.TypeNames[0]);
            var path = Text(link, "QRCodePath");
            Assert.Equal(Path.Combine(Folder(), Text(link, "Reference") + ".png"), path);
            AssertPngHolds(path, Text(link, "PaymentUri"));
        }

        // The mail-merge file: the real Export-Csv writes the reference first and the image path beside the payment link.
        bed.Shell.SetVariable("csv", Path.Combine(Folder(), "links.csv"));
        var exported = bed.Run("$rows | New-OmiseLink -ReuseExisting | Export-OmiseLinkQRCode -Path $folder -PassThru -Force | Export-Csv $csv -NoTypeInformation; Import-Csv $csv");
        Assert.Empty(exported.Errors);
        var header = File.ReadLines(Path.Combine(Folder(), "links.csv")).First();
        Assert.StartsWith("\"Reference\",", header);
        Assert.Contains("\"QRCodePath\"", header);
        Assert.Contains("\"PaymentUri\"", header);
        foreach (var row in exported.Output)
            AssertPngHolds(Text(row, "QRCodePath"), Text(row, "PaymentUri"));

        // A row read back from that CSV has QRCodePath already: a new run puts the new path in it.
        var again = TestBed.CsvRow(("Id", "link_test_9"), ("Reference", "INV-9"), ("PaymentUri", Uri(9)), ("QRCodePath", "old.png"));
        bed.Shell.SetVariable("again", again);
        var rerun = bed.Run("$again | Export-OmiseLinkQRCode -Path $folder -PassThru");
        Assert.Empty(rerun.Errors);
        Assert.Equal(Path.Combine(Folder(), "INV-9.png"), Text(rerun.Output.Single(), "QRCodePath"));
    }

    [Fact]
    public async Task A_Path_that_is_a_file_stops_the_command_before_any_row_and_a_relative_Path_is_under_the_PowerShell_location()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var file = Path.Combine(_temp.FullName, "a-file");
        File.WriteAllText(file, "");
        bed.Shell.SetVariable("rows", new[] { Row("link_test_1", "INV-1", Uri(1)) });
        bed.Shell.SetVariable("file", file);

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Path $file");
        Assert.Equal("PathIsAFile,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", result.FirstError!.FullyQualifiedErrorId);
        Assert.Empty(result.Output);

        bed.Shell.Runspace.SessionStateProxy.Path.SetLocation(_temp.FullName);
        var relative = bed.Run("$rows | Export-OmiseLinkQRCode -Path ./nested/qr");
        Assert.Empty(relative.Errors);
        Assert.Equal(Path.Combine(_temp.FullName, "nested", "qr", "INV-1.png"), Text(relative.Output.Single(), "Path"));
    }

    [Theory]
    [InlineData("Png")]
    [InlineData("Svg")]
    public async Task A_thousand_links_each_get_their_own_file_that_reads_back_with_time_and_memory_in_the_test_output(string format)
    {
        const int count = 1000;
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("rows", Enumerable.Range(1, count).Select(i => Row($"link_test_{i:0000}", $"INV-2026-{i:0000}", Uri(i))).ToArray());
        bed.Shell.SetVariable("folder", Folder());
        bed.Run($"@($rows[0]) | Export-OmiseLinkQRCode -Path $folder -Format {format} -WhatIf"); // loads the cmdlet and QRCoder once

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var process = Process.GetCurrentProcess();
        var peakBefore = process.PeakWorkingSet64;
        var watch = Stopwatch.StartNew();
        var result = bed.Run($"$rows | Export-OmiseLinkQRCode -Path $folder -Format {format}");
        var took = watch.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();

        Assert.Empty(result.Errors);
        Assert.Equal(count, result.Output.Count);
        var files = Directory.GetFiles(Folder());
        Assert.Equal(count, files.Length);
        var bytes = files.Sum(f => new FileInfo(f).Length);
        log.WriteLine($"{count} {format} files in {took.TotalSeconds:0.00} s ({took.TotalMilliseconds / count:0.00} ms a link, hosted engine included); " +
            $"{bytes / count:N0} bytes a file on average; {allocated / 1024.0 / 1024.0:0.0} MB allocated in all ({allocated / count / 1024.0:0.0} KB a link); " +
            $"peak working set {peakBefore / 1024 / 1024} MB before, {process.PeakWorkingSet64 / 1024 / 1024} MB after");

        var read = Stopwatch.StartNew();
        for (var i = 1; i <= count; i++)
        {
            var path = Path.Combine(Folder(), $"INV-2026-{i:0000}.{format.ToLowerInvariant()}");
            var text = format == "Png" ? QRCodeReading.DecodePng(File.ReadAllBytes(path)).Text : QRCodeReading.DecodeSvg(File.ReadAllText(path), scale: 3).Text;
            Assert.Equal(Uri(i), text);
        }
        log.WriteLine($"Read back and checked all {count} in {read.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Writing_codes_loads_QRCoder_from_the_module_folder_and_never_System_Drawing_and_the_51_resolver_answers_for_QRCoder()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("rows", new[] { Row("link_test_1", "INV-1", Uri(1)) });
        bed.Shell.SetVariable("folder", Folder());
        Assert.Empty(bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder; $rows | Export-OmiseLinkQRCode -Path $folder -Format Svg").Errors);

        var result = bed.Run("""
            $module = Get-Module OmiseLinks
            $folder = [IO.Path]::GetDirectoryName($module.Path)
            $qrcoder = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'QRCoder' }
            [IO.Path]::GetDirectoryName($qrcoder.Location)
            $folder
            @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'System.Drawing.Common' }).Count

            # What Windows PowerShell 5.1 does when OmiseLinks.dll asks for QRCoder: the module's resolver answers from its folder.
            $initializer = $module.ImplementingAssembly.GetType('OmiseLinks.ModuleInitializer')
            $shouldResolve = $initializer.GetMethod('ShouldResolve', [Reflection.BindingFlags]'NonPublic,Static')
            $shipped = [Reflection.AssemblyName[]]@([IO.Directory]::GetFiles($folder, '*.dll') | ForEach-Object { [Reflection.AssemblyName]::GetAssemblyName($_) })
            $reference = $module.ImplementingAssembly.GetReferencedAssemblies() | Where-Object Name -eq 'QRCoder'
            $reference.FullName
            $shouldResolve.Invoke($null, @($reference.FullName, $folder, $shipped))
            $drawing = $qrcoder.GetReferencedAssemblies() | Where-Object Name -eq 'System.Drawing.Common'
            $null -eq $shouldResolve.Invoke($null, @($drawing.FullName, $folder, $shipped))
            """);

        Assert.Empty(result.Errors);
        var lines = result.Output.Select(o => o?.ToString()).ToList();
        Assert.Equal(lines[1], lines[0]);
        Assert.Equal("0", lines[2]);
        Assert.Equal("QRCoder, Version=1.8.1.0, Culture=neutral, PublicKeyToken=c4ed5b9ae8358a28", lines[3]);
        Assert.Equal(Path.Combine(lines[1]!, "QRCoder.dll"), lines[4]);
        Assert.Equal("True", lines[5]);
    }
}
