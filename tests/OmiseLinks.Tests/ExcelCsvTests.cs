using System.Management.Automation;
using System.Text;

namespace OmiseLinks.Tests;

/// <summary>CSV files the way accounting teams make them in Excel, read by the real Import-Csv.</summary>
public class ExcelCsvTests
{
    private static string WriteFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "omiselinks-" + Guid.NewGuid().ToString("n") + ".csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WriteFile(string text) => WriteFile(new UTF8Encoding(false).GetBytes(text));

    private const string ThaiRows = "Invoice No,amount,currency,title,description\r\n" +
        "INV-2026-0701,250000,THB,ค่าเรียนภาษาไทย,คอร์สเดือนธันวาคม\r\n" +
        "INV-2026-0702,150050,thb,ค่าที่ปรึกษา,พฤศจิกายน\r\n";

    [Fact]
    public async Task A_Thai_code_page_874_file_read_as_UTF8_is_refused_per_row_and_the_server_holds_no_link()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var path = WriteFile(Encoding.GetEncoding(874).GetBytes(ThaiRows));
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink");

        // Damaged text is the file's problem: one error, at its first damaged row, and the run stops.
        var error = Assert.Single(result.Errors);
        Assert.Equal("TextEncodingDamaged,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 1 (line 2, INV-2026-0701): Title '", error.ToString());
        Assert.Contains("U+FFFD", error.ToString());
        Assert.Contains("Import-Csv -Encoding 874", error.ErrorDetails.RecommendedAction);
        Assert.Empty(bed.Emulator.Links);

        var fixedRun = bed.Run("Import-Csv $path -Encoding 874 | New-OmiseLink");
        Assert.Empty(fixedRun.Errors);
        Assert.Equal(["ค่าเรียนภาษาไทย", "ค่าที่ปรึกษา"], fixedRun.Output.Select(o => (string)o.Properties["Title"].Value));
        Assert.Equal(fixedRun.Output.Select(o => (string)o.Properties["Id"].Value).Order(), bed.Emulator.Links.Select(l => l.Id).Order());
        File.Delete(path);
    }

    [Theory]
    [InlineData(1252, "UTF-8 text read as Windows-1252")]
    [InlineData(874, "UTF-8 Thai text read as Windows-874")]
    public async Task A_UTF8_file_read_with_a_Windows_code_page_is_refused_and_nothing_is_sent(int codePage, string text)
    {
        var path = WriteFile(ThaiRows);
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run($"Import-Csv $path -Encoding {codePage} | New-OmiseLink");

        Assert.Contains(text, Assert.Single(result.Errors).ToString());
        Assert.Empty(bed.Emulator.Links);
        File.Delete(path);
    }

    [Theory]
    [InlineData("Invoice No")]
    [InlineData("Invoice #")]
    [InlineData("Invoice Number")]
    [InlineData("Reference No")]
    public async Task Excel_reference_headers_are_taken_as_the_reference(string header)
    {
        var path = WriteFile($"{header},amount,currency,title,description\nINV-9,100,thb,t,d\n");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink");

        Assert.Empty(result.Errors);
        Assert.Equal("INV-9", result.Output.Single().Properties["Reference"].Value);
        File.Delete(path);
    }

    [Fact]
    public async Task Cells_padded_with_spaces_are_trimmed_and_blank_rows_are_skipped_with_one_warning()
    {
        var path = WriteFile("invoice,amount,currency,title,description,multiple\r\n" +
            "INV-1, 1500 ,THB ,t,d, yes \r\n,,,,,\r\nINV-3,300,jpy,t,d,\r\n,,,,,\r\n,,,,,\r\n");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink -Verbose");

        Assert.Empty(result.Errors);
        // Two rows sent side by side may be stored in either order: compared as a set.
        Assert.Equal([("JPY", 300L, false), ("THB", 1500L, true)], bed.Emulator.Links.Select(l => (l.Currency, l.Amount, l.Multiple)).Order());
        Assert.Equal("3 blank row(s) skipped (row 2, rows 4-5): nothing was created for them.", Assert.Single(result.Warnings));
        Assert.Contains("Row 2 (line 3): every cell is empty; skipped (nothing created).", result.Verbose);
        File.Delete(path);
    }

    [Theory]
    [InlineData("amount ", "the column 'amount ' looks like it but is not read as amount (its header has a space before or after it)")]
    [InlineData("Amount (satang)", "the column 'Amount (satang)' looks like it but is not read as amount (its header carries a note in parentheses)")]
    public async Task A_near_miss_header_is_named_in_one_error_for_the_file(string header, string text)
    {
        var path = WriteFile($"Invoice #,{header},currency,title,description\nINV-1,100,thb,t,d\nINV-2,200,thb,t,d\n");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.Equal("MissingAmount,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 1 (line 2, INV-1): Amount is missing: " + text, error.ToString());
        Assert.Empty(bed.Emulator.Links);
        File.Delete(path);
    }

    [Fact]
    public async Task Reference_flows_through_Get_Remove_and_Get_charge_from_an_exported_links_file()
    {
        var invoices = WriteFile("Invoice No,amount,currency,title,description\nINV-1,100,thb,First,d\nINV-2,200,thb,Second,d\n");
        var links = Path.ChangeExtension(invoices, ".links.csv");
        var paid = Path.ChangeExtension(invoices, ".paid.csv");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("invoices", invoices);
        bed.Shell.SetVariable("links", links);
        bed.Shell.SetVariable("paid", paid);
        Assert.Empty(bed.Run("Import-Csv $invoices | New-OmiseLink | Export-Csv $links").Errors);
        bed.Emulator.PayLink(bed.Emulator.Links.Single(l => l.Title == "Second").Id); // the two rows ran side by side: either may be stored first

        var result = bed.Run("""
            Import-Csv $links | Get-OmiseLink | Where-Object Used | Export-Csv $paid
            (Import-Csv $paid).Reference
            (Import-Csv $links | Get-OmiseLinkCharge).Reference
            (Import-Csv $links | Select-Object -First 1 | Remove-OmiseLink -Confirm:$false -PassThru).Reference
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["INV-2", "INV-2", "INV-1"], result.Output.Select(o => o.ToString()));
        var whatIf = bed.Run("Import-Csv $links | Select-Object -Last 1 | Remove-OmiseLink -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.Contains(bed.Shell.Host.Lines, l => l.StartsWith("What if:") && l.Contains("[INV-2] 'Second' 2.00 THB, paid"));
        foreach (var f in new[] { invoices, links, paid }) File.Delete(f);
    }

    [Fact]
    public async Task Times_export_as_ISO_8601_with_an_offset_whatever_the_culture()
    {
        await using var bed = await TestBed.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), "omiselinks-" + Guid.NewGuid().ToString("n") + ".csv");
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("""
            [System.Threading.Thread]::CurrentThread.CurrentCulture = 'th-TH'
            New-OmiseLink -Amount 100 -Currency thb -Title t -Description d | Export-Csv $path
            $row = Import-Csv $path
            $row.CreatedAt
            ([datetimeoffset]::Parse($row.CreatedAt, [cultureinfo]::InvariantCulture)).UtcDateTime.ToString('o')
            """);

        Assert.Empty(result.Errors);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", result.Output[0].ToString());
        var stored = bed.Emulator.Links.Single().CreatedAt.UtcDateTime;
        Assert.Equal(new DateTime(stored.Ticks - stored.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).ToString("o"), result.Output[1].ToString());
        File.Delete(path);
    }
}
