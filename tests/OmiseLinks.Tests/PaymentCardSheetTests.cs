using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace OmiseLinks.Tests;

/// <summary>
/// Export-OmiseLinkQRCode -Format Html through the hosted engine: the sheet is parsed as XML (it is XHTML), and every
/// card's QR image is decoded back (StbImageSharp + ZXing.Net, as the PNG file tests do) and must hold its own link.
/// How it prints is checked in tests/Pester/PaymentCards.Tests.ps1 (headless Chromium, pdftoppm, zbarimg).
/// </summary>
public sealed class PaymentCardSheetTests : IDisposable
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("omiselinks-cards-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string Sheet(string name = "cards.html") => Path.Combine(_temp.FullName, name);

    private static string Uri(int i) => $"https://link.omise.co/{i:X8}CARDSHEET{i % 97:00}";

    /// <summary>A row of a links CSV as New-OmiseLink | Export-Csv writes it: every cell a string.</summary>
    private static PSObject LinkRow(int i, string reference, string title, string description, string amount, string currency, string? paymentUri = null) =>
        TestBed.CsvRow(("Reference", reference), ("Id", $"link_test_{i}"), ("Amount", amount), ("Currency", currency),
            ("AmountText", "ignored"), ("Title", title), ("Description", description), ("PaymentUri", paymentUri ?? Uri(i)));

    /// <summary>The sheet read by a strict XML parser: a single stray '&lt;' or '&amp;' would fail here.</summary>
    private static XDocument Parse(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static List<XElement> Cards(XDocument doc) =>
        doc.Descendants(X + "section").Where(s => (string?)s.Attribute("class") == "card").ToList();

    private static string? Field(XElement card, string cssClass) =>
        card.Descendants(X + "p").SingleOrDefault(p => (string?)p.Attribute("class") == cssClass)?.Value;

    private static string DecodeCard(XElement card)
    {
        var src = (string)card.Descendants(X + "img").Single().Attribute("src")!;
        Assert.StartsWith("data:image/png;base64,", src);
        return QRCodeReading.DecodePng(Convert.FromBase64String(src["data:image/png;base64,".Length..])).Text;
    }

    [Fact]
    public async Task A_links_CSV_becomes_one_self_contained_sheet_with_a_card_per_row_in_order_each_code_decoding_to_its_link()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var rows = new[]
        {
            LinkRow(1, "INV-2026-0101", "ค่าเช่าห้องประชุม", "ค่าบริการเดือนธันวาคม", "150050", "THB"),
            LinkRow(2, "INV-2026-0102", "Tokyo seat", "Workshop", "35000", "JPY"),
            LinkRow(3, "INV-2026-0103", "Singapore desk", "December", "990", "sgd"),
            LinkRow(4, "INV-2026-0104", "KL desk", "", "123456789", "MYR"),
            LinkRow(5, "", "Walk-in", "Pay what you like", "0", "USD"),
        };
        bed.Shell.SetVariable("rows", rows);
        bed.Shell.SetVariable("sheet", Sheet());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet -Title 'December invoices'");

        Assert.Empty(result.Errors);
        Assert.Equal(0, bed.Emulator.RequestCount);
        Assert.Equal(5, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(Sheet(), o.Properties["Path"].Value));
        Assert.Equal(["INV-2026-0101", "INV-2026-0102", "INV-2026-0103", "INV-2026-0104", null], result.Output.Select(o => (string?)o.Properties["Reference"].Value));

        var doc = Parse(Sheet());
        Assert.Equal("en", (string?)doc.Root!.Attribute("lang"));
        Assert.Equal("December invoices", doc.Descendants(X + "h1").Single().Value);
        Assert.Equal("December invoices", doc.Descendants(X + "title").Single().Value);
        var cards = Cards(doc);
        Assert.Equal(5, cards.Count);
        for (var i = 0; i < cards.Count; i++)
        {
            Assert.Equal(Uri(i + 1), DecodeCard(cards[i]));
            Assert.Equal(Uri(i + 1), Field(cards[i], "uri"));
        }
        Assert.Equal(["INV-2026-0101", "INV-2026-0102", "INV-2026-0103", "INV-2026-0104", null], cards.Select(c => Field(c, "ref")));
        Assert.Equal(["ค่าเช่าห้องประชุม", "Tokyo seat", "Singapore desk", "KL desk", "Walk-in"], cards.Select(c => Field(c, "title")));
        Assert.Equal(["ค่าบริการเดือนธันวาคม", "Workshop", "December", null, "Pay what you like"], cards.Select(c => Field(c, "desc")));
        // As the table shows it (LinkOutput.FormatMoney), not the CSV's AmountText column.
        Assert.Equal(["1,500.50 THB", "35,000 JPY", "9.90 SGD", "1,234,567.89 MYR", "0.00 USD"], cards.Select(c => Field(c, "amount")));
        // Thai text is marked as Thai, so browsers pick a Thai font and break Thai lines at words.
        var thaiTitle = cards[0].Descendants(X + "p").Single(p => (string?)p.Attribute("class") == "title");
        Assert.Equal("th", (string?)thaiTitle.Attribute("lang"));
        Assert.Null(cards[1].Descendants(X + "p").Single(p => (string?)p.Attribute("class") == "title").Attribute("lang"));

        // Self-contained: no script, no address to fetch, and the browser told so.
        Assert.Empty(doc.Descendants(X + "script"));
        Assert.Empty(doc.Descendants(X + "link"));
        Assert.All(doc.Descendants().Attributes().Where(a => a.Name.LocalName is "src" or "href"), a => Assert.StartsWith("data:", a.Value));
        var csp = doc.Descendants(X + "meta").Single(m => (string?)m.Attribute("http-equiv") == "Content-Security-Policy");
        Assert.Equal("default-src 'none'; img-src data:; style-src 'unsafe-inline'", (string?)csp.Attribute("content"));
        var style = doc.Descendants(X + "style").Single().Value;
        Assert.DoesNotContain("url(", style);
        Assert.DoesNotContain("@import", style);
        Assert.Contains("\"Noto Sans Thai\"", style);
        Assert.Contains("\"Leelawadee UI\"", style);
        Assert.Contains("\"Thonburi\"", style);
        Assert.Contains("\"Loma\"", style);
    }

    [Fact]
    public async Task Print_rules_A4_by_default_Letter_on_request_no_card_split_and_codes_at_least_2_5_cm()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("rows", new[] { LinkRow(1, "INV-1", "One", "", "100", "THB") });
        bed.Shell.SetVariable("a4", Sheet("a4.html"));
        bed.Shell.SetVariable("letter", Sheet("letter.html"));

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $a4; $rows | Export-OmiseLinkQRCode -Format Html -Path $letter -PaperSize Letter");

        Assert.Empty(result.Errors);
        var a4 = Parse(Sheet("a4.html")).Descendants(X + "style").Single().Value;
        var letter = Parse(Sheet("letter.html")).Descendants(X + "style").Single().Value;
        Assert.Contains("@page { size: A4; margin: 10mm; }", a4);
        Assert.Contains("@page { size: letter; margin: 10mm; }", letter);
        foreach (var style in new[] { a4, letter })
        {
            var card = Regex.Match(style, @"\.card \{[^}]*\}").Value;
            Assert.Contains("break-inside: avoid;", card);
            Assert.Contains("page-break-inside: avoid;", card);
            var code = Regex.Match(style, @"\.code \{[^}]*\}").Value;
            var width = Regex.Match(code, @"width: (\d+)mm").Groups[1].Value;
            Assert.True(int.Parse(width) * 29 / 37 >= 25, $"a payment link's code (29 of 37 modules) prints {width} mm x 29/37 wide");
            Assert.Contains("background: #fff; color: #000;", style);
        }
        // No -Title: no heading, and the window title says what it is.
        var untitled = Parse(Sheet("a4.html"));
        Assert.Empty(untitled.Descendants(X + "h1"));
        Assert.Equal("Payment cards", untitled.Descendants(X + "title").Single().Value);
    }

    [Fact]
    public async Task Hostile_text_from_the_CSV_is_shown_as_text_never_markup()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var titles = new[]
        {
            "<script>alert('x')</script>",
            "Tom & Jerry &amp; co",
            "\"quoted\" and 'single' <img src=x onerror=alert(1)>",
            "]]><!-- --> </p></section><h1>injected</h1>",
            "bell\u0007 and a lone \uD800 surrogate",
        };
        var rows = titles.Select((t, i) => LinkRow(i + 1, $"INV-<{i}>&\"", t, "desc <b>" + i + "</b>", "100", "THB")).ToArray();
        bed.Shell.SetVariable("rows", rows);
        bed.Shell.SetVariable("sheet", Sheet());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet -Title '<b>Sheet</b> & co'");

        Assert.Empty(result.Errors);
        var raw = File.ReadAllText(Sheet());
        Assert.DoesNotContain("<script", raw);
        Assert.DoesNotContain("<img src=x", raw);
        Assert.DoesNotContain("<h1>injected", raw);
        var doc = Parse(Sheet());
        Assert.Empty(doc.Descendants(X + "script"));
        Assert.Equal("<b>Sheet</b> & co", doc.Descendants(X + "h1").Single().Value);
        var cards = Cards(doc);
        Assert.Equal(titles.Length, cards.Count);
        Assert.Equal(titles.Take(4), cards.Take(4).Select(c => Field(c, "title")));
        Assert.Equal("bell\uFFFD and a lone \uFFFD surrogate", Field(cards[4], "title"));
        Assert.Equal(Enumerable.Range(0, titles.Length).Select(i => $"INV-<{i}>&\""), cards.Select(c => Field(c, "ref")));
        Assert.Equal(Enumerable.Range(0, titles.Length).Select(i => "desc <b>" + i + "</b>"), cards.Select(c => Field(c, "desc")));
        Assert.Single(doc.Descendants(X + "h1"));
        Assert.All(cards, c => Assert.Single(c.Descendants(X + "img")));
    }

    [Fact]
    public async Task A_row_the_images_refuse_or_with_an_unreadable_amount_is_its_own_error_naming_it_and_the_sheet_holds_the_rest()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var rows = new[]
        {
            LinkRow(1, "INV-1", "Good", "", "150050", "THB"),
            LinkRow(2, "INV-2", "Bad address", "", "100", "THB", "ftp://link.omise.co/X"),
            LinkRow(3, "INV-3", "Baht, not satang", "", "1,500.50", "THB"),
            LinkRow(4, "INV-4", "Euro", "", "100", "EUR"),
            LinkRow(5, "INV-5", "No address", "", "100", "THB", ""),
            LinkRow(6, "INV-6", "Amount without currency", "", "100", ""),
            LinkRow(7, "INV-7", "Good too", "", "35000", "JPY"),
        };
        bed.Shell.SetVariable("rows", rows);
        bed.Shell.SetVariable("sheet", Sheet());

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet");

        Assert.Equal(
            ["InvalidPaymentUri", "InvalidAmount", "InvalidCurrency", "InvalidPaymentUri", "InvalidCurrency"],
            result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category));
        Assert.Equal([rows[1], rows[2], rows[3], rows[4], rows[5]], result.Errors.Select(e => e.TargetObject));
        Assert.Contains("row 2 (INV-2)", result.Errors[0].ToString());
        Assert.StartsWith("Cannot make a payment card for row 3 (INV-3): Amount '1,500.50' is not a whole number of the smallest currency unit", result.Errors[1].ToString());
        Assert.Equal("Cannot make a payment card for row 4 (INV-4): Currency 'EUR' is not one of thb, jpy, sgd, myr, usd.", result.Errors[2].ToString());
        Assert.Equal("Cannot make a QR code for row 5 (INV-5): it has no PaymentUri.", result.Errors[3].ToString());
        Assert.Equal("Cannot make a payment card for row 6 (INV-6): Currency is empty. Use one of thb, jpy, sgd, myr, usd.", result.Errors[4].ToString());

        var cards = Cards(Parse(Sheet()));
        Assert.Equal(["INV-1", "INV-7"], cards.Select(c => Field(c, "ref")));
        Assert.Equal([Uri(1), Uri(7)], cards.Select(DecodeCard));
        Assert.Equal(["INV-1", "INV-7"], result.Output.Select(o => (string?)o.Properties["Reference"].Value));

        var stopped = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet -Force -ErrorAction Stop");
        Assert.Equal("InvalidPaymentUri,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", stopped.Terminating!.ErrorRecord.FullyQualifiedErrorId);
    }

    [Fact]
    public async Task New_OmiseLink_piped_in_gives_cards_with_the_links_amounts_and_PassThru_gives_each_link_its_sheet()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("amount", "150050"), ("currency", "thb"), ("title", "ค่าเช่าห้องประชุม"), ("description", "Room"), ("Invoice No", "INV-1")),
            TestBed.CsvRow(("price", "35000"), ("currency", "jpy"), ("title", "Tokyo seat"), ("description", "Workshop"), ("Invoice #", "INV-2")),
        });
        bed.Shell.SetVariable("sheet", Sheet());

        var result = bed.Run("$rows | New-OmiseLink | Export-OmiseLinkQRCode -Format Html -Path $sheet -PassThru");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, o => Assert.StartsWith("OmiseLinks.Link", o.TypeNames[0]));
        Assert.All(result.Output, o => Assert.Equal(Sheet(), o.Properties["QRCodePath"].Value));
        var cards = Cards(Parse(Sheet()));
        Assert.Equal(result.Output.Select(o => (string)o.Properties["PaymentUri"].Value), cards.Select(DecodeCard));
        Assert.Equal(["INV-1", "INV-2"], cards.Select(c => Field(c, "ref")));
        Assert.Equal(result.Output.Select(o => (string)o.Properties["AmountText"].Value), cards.Select(c => Field(c, "amount")));
        Assert.Equal(["1,500.50 THB", "35,000 JPY"], cards.Select(c => Field(c, "amount")));
    }

    [Fact]
    public async Task WhatIf_checks_each_row_names_the_sheet_and_writes_nothing_not_even_the_folder()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var folder = Path.Combine(_temp.FullName, "print");
        var sheet = Path.Combine(folder, "cards.html");
        bed.Shell.SetVariable("rows", new[] { LinkRow(1, "INV-1", "One", "", "100", "THB"), LinkRow(2, "INV-2", "Two", "", "1.5", "THB"), LinkRow(3, "INV-3", "Three", "", "100", "USD") });
        bed.Shell.SetVariable("sheet", sheet);

        var result = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet -WhatIf");

        Assert.Equal("InvalidAmount,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(folder));
        var shown = string.Join("\n", bed.Shell.Host.Lines);
        Assert.Contains($"\"Write payment card sheet\" on target \"{sheet} (2 payment cards, A4)\"", shown);
    }

    [Fact]
    public async Task An_existing_sheet_stops_the_command_before_any_row_unless_Force_and_Html_only_parameters_need_Format_Html()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        File.WriteAllText(Sheet(), "last month's sheet");
        bed.Shell.SetVariable("rows", new[] { LinkRow(1, "INV-1", "One", "", "100", "THB"), LinkRow(2, "INV-2", "Two", "", "x", "THB") });
        bed.Shell.SetVariable("sheet", Sheet());
        bed.Shell.SetVariable("folder", _temp.FullName);

        var kept = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet");
        var error = Assert.Single(kept.Errors);
        Assert.Equal("QRCodeFileExists,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", error.FullyQualifiedErrorId);
        Assert.Equal($"Cannot write the payment card sheet: the file '{Sheet()}' exists.", error.ToString());
        Assert.Equal("Add -Force to overwrite it, or choose another -Path.", error.ErrorDetails.RecommendedAction);
        Assert.Equal("last month's sheet", File.ReadAllText(Sheet()));

        var forced = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet -Force");
        Assert.Equal("InvalidAmount,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", Assert.Single(forced.Errors).FullyQualifiedErrorId);
        Assert.Equal([Uri(1)], Cards(Parse(Sheet())).Select(DecodeCard));

        var folder = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $folder");
        Assert.Equal("PathIsAFolder,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", folder.FirstError!.FullyQualifiedErrorId);

        var paper = bed.Run("$rows | Export-OmiseLinkQRCode -Path $folder -PaperSize Letter");
        Assert.Equal("ParameterNeedsFormatHtml,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", paper.FirstError!.FullyQualifiedErrorId);
        Assert.Equal("-PaperSize is for a sheet of payment cards: add -Format Html, or leave -PaperSize out.", paper.FirstError.Exception.Message);
        Assert.Empty(paper.Output);

        var nothing = bed.Run("@() | Export-OmiseLinkQRCode -Format Html -Path (Join-Path $folder 'empty.html')");
        Assert.Empty(nothing.Errors);
        Assert.Equal($"No payment card to print: the sheet '{Path.Combine(_temp.FullName, "empty.html")}' was not written.", Assert.Single(nothing.Warnings));
        Assert.False(File.Exists(Path.Combine(_temp.FullName, "empty.html")));
    }

    [Fact]
    public async Task A_symbolic_link_at_the_sheets_path_is_replaced_with_Force_and_what_it_pointed_to_is_untouched()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var outside = Path.Combine(_temp.FullName, "outside.txt");
        File.WriteAllText(outside, "not yours");
        var folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "print")).FullName;
        var sheet = Path.Combine(folder, "cards.html");
        File.CreateSymbolicLink(sheet, outside);
        bed.Shell.SetVariable("rows", new[] { LinkRow(1, "INV-1", "One", "", "100", "THB") });
        bed.Shell.SetVariable("sheet", sheet);

        var refused = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet");
        Assert.Equal("QRCodeFileExists,OmiseLinks.Commands.ExportOmiseLinkQRCodeCommand", refused.FirstError!.FullyQualifiedErrorId);
        var forced = bed.Run("$rows | Export-OmiseLinkQRCode -Format Html -Path $sheet -Force");

        Assert.Empty(forced.Errors);
        Assert.Equal("not yours", File.ReadAllText(outside));
        Assert.Null(new FileInfo(sheet).LinkTarget);
        Assert.Equal([Uri(1)], Cards(Parse(sheet)).Select(DecodeCard));
    }
}
