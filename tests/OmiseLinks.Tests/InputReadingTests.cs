using System.Management.Automation;
using System.Text;

namespace OmiseLinks.Tests;

/// <summary>
/// Issue 15 (input items) and 17 (row errors): how rows, typed values and dates are read. Each case counts what the
/// emulator holds: a refused row or a stopped file creates nothing.
/// </summary>
public class InputReadingTests
{
    private static string WriteFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "omiselinks-" + Guid.NewGuid().ToString("n") + ".csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WriteFile(string text) => WriteFile(new UTF8Encoding(false).GetBytes(text));

    [Fact]
    public async Task Two_columns_for_one_field_with_different_values_refuse_the_row_naming_both_and_equal_ones_pass()
    {
        var path = WriteFile("Invoice No,Amount,AmountSatang,currency,title,description\n" +
            "INV-1,100,20000,thb,t,d\n" +     // baht beside satang: refused
            "INV-2,300,300,thb,t,d\n" +       // the same value twice: fine
            "INV-3,,40000,thb,t,d\n" +        // an empty cell is no value
            "INV-4,500,,thb,t,d\n");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink -ThrottleLimit 1");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ConflictingColumns,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 1 (line 2, INV-1): The row gives the amount twice, differently: column 'Amount' is '100' and column 'AmountSatang' is '20000'. Neither is taken",
            error.ToString());
        Assert.Contains("name it price", error.ToString());
        Assert.Equal([300L, 500L, 40000L], bed.Emulator.Links.Select(l => l.Amount).Order());
        File.Delete(path);
    }

    [Fact]
    public async Task A_reference_in_two_columns_that_disagree_is_refused_and_piped_objects_are_read_the_same_way()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("Reference", "INV-1"), ("Invoice No", "INV-9"), ("amount", "100"), ("currency", "thb"), ("title", "t"), ("description", "d")),
            TestBed.CsvRow(("Reference", "INV-2"), ("Invoice No", "INV-2"), ("amount", "200"), ("currency", "thb"), ("title", "t"), ("description", "d")),
        });

        var piped = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1");
        var error = Assert.Single(piped.Errors);
        Assert.Contains("column 'Reference' is 'INV-1' and column 'Invoice No' is 'INV-9'", error.ToString());
        Assert.Equal("INV-2", Assert.Single(piped.Output).Properties["Reference"].Value);

        // -InputObject $rows is read by the module itself, not by the binder: the same rule.
        var given = bed.Run("New-OmiseLink -InputObject $rows -AllowDuplicate");
        Assert.Contains("column 'Reference' is 'INV-1' and column 'Invoice No' is 'INV-9'", Assert.Single(given.Errors).ToString());
        Assert.Equal([200L, 200L], bed.Emulator.Links.Select(l => l.Amount));
    }

    [Fact]
    public async Task An_empty_amount_cell_beside_a_price_takes_the_price_and_both_filled_is_still_refused()
    {
        var path = WriteFile("Invoice No,amount,price,currency,title,description\nINV-1,,150.50,thb,t,d\nINV-2,100,1.00,thb,t,d\nINV-3,,,thb,t,d\n");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink -ThrottleLimit 1");

        Assert.Equal(15050L, Assert.Single(bed.Emulator.Links).Amount);
        Assert.Equal(2, result.Errors.Count);
        Assert.StartsWith("Row 2 (line 3, INV-2): The row gives both an amount ('100', smallest unit) and a price ('1.00'", result.Errors[0].ToString());
        Assert.StartsWith("Row 3 (line 4, INV-3): Amount '' is empty", result.Errors[1].ToString());
        File.Delete(path);
    }

    [Theory]
    [InlineData("12345678901234.56", "Price 12345678901234.56 was given as a [double], which holds only 15 significant digits exactly")]
    [InlineData("([float]123456.78)", "Price 123456.78 was given as a [float], which holds only 6 significant digits exactly")]
    [InlineData("([double]'NaN')", "Price NaN (a [double]) is not a price")]
    public async Task A_typed_price_that_cannot_be_exact_is_refused_not_rounded(string price, string says)
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run($"New-OmiseLink -Price {price} -Currency thb -Title t -Description d");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InvalidPrice", error.FullyQualifiedErrorId);
        Assert.Contains(says, error.ToString());
        Assert.Empty(bed.Emulator.Links);
    }

    [Theory]
    [InlineData("1234.56", 123456L)]
    [InlineData("([float]1500.5)", 150050L)]
    [InlineData("([float]0.1)", 10L)]
    [InlineData("999999999999.99", 99999999999999L)]
    [InlineData("1e15", 100000000000000000L)]
    public async Task A_typed_price_is_read_as_the_number_typed(string price, long amount)
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run($"New-OmiseLink -Price {price} -Currency thb -Title t -Description d");

        Assert.Empty(result.Errors);
        Assert.Equal(amount, Assert.Single(bed.Emulator.Links).Amount);
    }

    [Theory]
    [InlineData("title", "\u200B\u200B", "U+200B")]
    [InlineData("title", "\uFEFF", "U+FEFF")]
    [InlineData("description", "\u3164 \u3164", "U+3164")]
    [InlineData("title", "\u2060\u00AD\u200D", "U+2060, U+00AD, U+200D")]
    public async Task Text_made_only_of_invisible_characters_is_refused_as_blank(string column, string value, string codes)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("amount", "100"), ("currency", "thb"), ("title", column == "title" ? value : "t"), ("description", column == "description" ? value : "d")),
            TestBed.CsvRow(("amount", "200"), ("currency", "thb"), ("title", "Room\u200Bbooking"), ("description", "d")),
        });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1");

        var error = Assert.Single(result.Errors);
        Assert.Contains($"is made only of invisible characters ({codes})", error.ToString());
        Assert.Equal([200L], bed.Emulator.Links.Select(l => l.Amount));
    }

    private const string ThaiCulture = "[System.Globalization.CultureInfo]::CurrentCulture = 'th-TH'\n";

    [Fact]
    public async Task Dates_given_as_text_are_Gregorian_ISO_8601_in_a_Thai_session()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Run("New-OmiseLink -Amount 100 -Currency thb -Title t -Description d");
        var created = bed.Emulator.Links.Single().CreatedAt.UtcDateTime;
        bed.Shell.SetVariable("after", created.AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        bed.Shell.SetVariable("before", created.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss'Z'"));

        // In th-TH the binder reads '2026-...' in the Buddhist era (1483 CE): -From would then keep every link.
        var result = bed.Run(ThaiCulture + """
            @(Get-OmiseLink -From $after).Count
            @(Get-OmiseLink -From $before).Count
            @(Get-OmiseLink -To $before).Count
            """);
        Assert.Empty(result.Errors);
        Assert.Equal(["0", "1", "0"], result.Output.Select(o => o.ToString()));

        // -ReuseSince before the link reuses it; after it, it does not (1483 CE would reuse it).
        var reused = bed.Run(ThaiCulture + "New-OmiseLink -Amount 100 -Currency thb -Title t -Description d -ReuseExisting -ReuseSince $before");
        Assert.Empty(reused.Errors);
        Assert.Equal(true, Assert.Single(reused.Output).Properties["Reused"].Value);
        var notReused = bed.Run(ThaiCulture + "New-OmiseLink -Amount 100 -Currency thb -Title t -Description d -ReuseExisting -ReuseSince $after");
        Assert.Empty(notReused.Errors);
        Assert.Equal(false, Assert.Single(notReused.Output).Properties["Reused"].Value);
        Assert.Equal(2, bed.Emulator.Links.Count);
    }

    [Theory]
    [InlineData("Get-OmiseLink -From '2569-12-05'", "has the year 2569, which looks like a Buddhist-era year")]
    [InlineData("Get-OmiseLink -To '05.12.2026 x'", "is not a date. Write it as ISO 8601")]
    [InlineData("New-OmiseLink -Amount 1 -Currency thb -Title t -Description d -ReuseExisting -ReuseSince '2569-01-01'", "2569 BE is 2026")]
    public async Task A_date_that_cannot_be_read_or_looks_Buddhist_era_is_refused_at_binding(string command, string says)
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run(ThaiCulture + command);

        Assert.Contains(says, result.FirstError!.ToString());
        Assert.Empty(bed.Emulator.Links);
    }

    private const string MixedRows = "Invoice No,amount,currency,title,description\r\n" +
        "INV-1,100,thb,Room booking,December\r\n" +
        "INV-2,200,thb,Parking,December\r\n" +
        "INV-3,300,thb,ค่าเช่าห้องประชุม,ธันวาคม\r\n" +
        "INV-4,400,thb,Catering,December\r\n";

    [Theory]
    [InlineData("latin1")]
    [InlineData("1252")]
    public async Task A_Thai_code_page_874_file_read_as_Latin_1_stops_the_run_before_anything_is_sent(string encoding)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var path = WriteFile(Encoding.GetEncoding(874).GetBytes(MixedRows));
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run($"Import-Csv $path -Encoding {encoding} | New-OmiseLink; 'after'");

        var error = Assert.Single(result.Errors);
        Assert.Equal("TextEncodingDamaged,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        var text = error.ToString();
        Assert.StartsWith("Row 3 (line 4, INV-3): Title '¤èÒàªèÒËéÍ§»ÃÐªØÁ' looks like Thai text saved in the Thai Windows code page (874) and read as Windows-1252/Latin-1: read as 874 it says 'ค่าเช่าห้องประชุม'.", text);
        Assert.Contains("the run stops here. Nothing was sent: no row of the input was created.", text);
        Assert.Contains("Import-Csv .\\invoices.csv -Encoding 874", error.ErrorDetails.RecommendedAction);
        Assert.Contains("[Text.Encoding]::GetEncoding(874)", error.ErrorDetails.RecommendedAction);
        Assert.DoesNotContain(result.Output, o => o.BaseObject is not string);
        Assert.Contains(result.Information, i => i.Contains("ended early: the input was read with the wrong encoding at row 3 (line 4, INV-3); 2 row(s) were never sent"));
        Assert.Empty(bed.Emulator.Links);

        // The advice works: read as code page 874, every row is created with its Thai title.
        var fixedRun = bed.Run("Import-Csv $path -Encoding 874 | New-OmiseLink");
        Assert.Empty(fixedRun.Errors);
        Assert.Equal(4, bed.Emulator.Links.Count);
        Assert.Contains(bed.Emulator.Links, l => l.Title == "ค่าเช่าห้องประชุม");
        File.Delete(path);
    }

    [Fact]
    public async Task Damage_first_seen_past_the_held_rows_sends_only_the_rows_beyond_the_bound_and_names_them()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var rows = new StringBuilder("Invoice No,amount,currency,title,description\r\n");
        const int Ascii = 502; // HeldRows (500) + 2: rows 1 and 2 leave the window before row 503 is read
        for (var i = 1; i <= Ascii; i++) rows.Append($"INV-{i},{i},thb,Room {i},December\r\n");
        rows.Append("INV-X,999,thb,ค่าเช่าห้องประชุม,ธันวาคม\r\n");
        var path = WriteFile(Encoding.GetEncoding(874).GetBytes(rows.ToString()));
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path -Encoding latin1 | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Row 503 (line 504, INV-X): Title", error.ToString());
        Assert.Contains("2 earlier row(s) had been sent before it (the run holds back 500 rows before sending them)", error.ToString());
        Assert.Equal([1L, 2L], bed.Emulator.Links.Select(l => l.Amount).Order());
        Assert.Equal(bed.Emulator.Links.Select(l => l.Id).Order(), result.Output.Select(o => (string)o.Properties["Id"].Value).Order());
        File.Delete(path);
    }

    [Theory]
    [InlineData("ค่าเช่าห้องประชุม", 1)] // Thai read intact: the encoding is right, the row is sent at once
    [InlineData("Room booking", 0)]       // ASCII proves nothing: the row waits behind the next 500
    public async Task Rows_wait_before_they_are_sent_until_Thai_text_shows_the_encoding_is_right(string title, int sentWhileReading)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("first", TestBed.CsvRow(("Invoice No", "INV-1"), ("amount", "100"), ("currency", "thb"), ("title", title), ("description", "d")));
        bed.Shell.SetVariable("second", TestBed.CsvRow(("Invoice No", "INV-2"), ("amount", "200"), ("currency", "thb"), ("title", "t"), ("description", "d")));

        // The input pauses after its first row until that row's link exists (at most 300 looks), as a slow source would.
        var result = bed.Run("""
            $links = & { $first; $n = 0; while (@(Get-OmiseLink).Count -eq 0 -and $n -lt 300) { $n++ }; $script:seen = @(Get-OmiseLink).Count; $second } | New-OmiseLink
            $script:seen
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(sentWhileReading.ToString(), Assert.Single(result.Output).ToString());
        Assert.Equal(2, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task A_missing_column_is_one_error_for_the_file_naming_the_near_miss_and_nothing_is_sent()
    {
        var path = WriteFile("Invoice No,Amount (THB),currency,title,description\nINV-1,1500.50,thb,t,d\nINV-2,200,thb,t,d\nINV-3,300,thb,t,d\n");
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("Import-Csv $path | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.Equal("MissingAmount,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 1 (line 2, INV-1): Amount is missing: the column 'Amount (THB)' looks like an amount in currency units", error.ToString());
        Assert.Contains("Every row of the input has the same columns, so the run stops at its first row. Nothing was sent", error.ToString());
        Assert.StartsWith("Fix the header of the file", error.ErrorDetails.RecommendedAction);
        Assert.Contains(result.Information, i => i.StartsWith("New-OmiseLink summary: 1 row; 0 links written") && i.Contains("ended early: the input has no amount column at row 1 (line 2, INV-1)"));
        Assert.Empty(bed.Emulator.Links);
        File.Delete(path);
    }
}
