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
}
