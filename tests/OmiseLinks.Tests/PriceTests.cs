using System.Management.Automation;

namespace OmiseLinks.Tests;

/// <summary>Issue 11: amounts in currency units (-Price, a price column), converted exactly or refused, never rounded.</summary>
public class PriceTests
{
    private static PSObject Row(string invoice, string price, string currency) =>
        TestBed.CsvRow(("Invoice No", invoice), ("price", price), ("currency", currency), ("title", "Invoice " + invoice), ("description", "d"));

    [Theory]
    [InlineData("1500.50", "THB", 150050)]
    [InlineData("1500.5", "thb", 150050)]
    [InlineData(" 1500 ", "thb", 150000)]
    [InlineData("0.01", "usd", 1)]
    [InlineData("1500.500", "sgd", 150050)]
    [InlineData("1500", "JPY", 1500)]
    [InlineData("35000.0", "jpy", 35000)]
    [InlineData("92233720368547758.07", "thb", long.MaxValue)]
    public async Task A_price_in_currency_units_becomes_exactly_that_many_smallest_units(string price, string currency, long expected)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("INV-1", price, currency) });

        var result = bed.Run("$rows | New-OmiseLink");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, Assert.Single(result.Output).Properties["Amount"].Value);
        Assert.Equal(expected, Assert.Single(bed.Emulator.Links).Amount);
    }

    [Theory]
    [InlineData("1500.505", "thb", "has 3 decimals, and THB has 2")]
    [InlineData("1500.5", "jpy", "has decimals, and JPY has no smaller unit")]
    [InlineData("1,500.50", "thb", "has a comma")]
    [InlineData("1500,50", "thb", "has a comma")]
    [InlineData("-5", "thb", "has a sign")]
    [InlineData("+5", "thb", "has a sign")]
    [InlineData("1e3", "thb", "has an exponent")]
    [InlineData("฿1500", "thb", "is not a plain number")]
    [InlineData("๑๕๐๐", "thb", "has digits other than 0-9")]
    [InlineData("１５００", "thb", "has digits other than 0-9")]
    [InlineData("1500.", "thb", "is not a plain number")]
    [InlineData(".5", "thb", "is not a plain number")]
    [InlineData("1.2.3", "thb", "is not a plain number")]
    [InlineData("", "thb", "is empty")]
    [InlineData("92233720368547758.08", "thb", "is too large")]
    [InlineData("0.00", "thb", "is zero: a link with no amount lets the customer enter any amount")]
    [InlineData("0", "jpy", "is zero")]
    public async Task A_price_that_could_be_misread_fails_its_row_naming_it_and_nothing_is_sent(string price, string currency, string says)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("INV-1", "10", "thb"), Row("INV-2", price, currency), Row("INV-3", "30", "thb") });

        var result = bed.Run("$rows | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InvalidPrice", error.FullyQualifiedErrorId);
        Assert.Contains("Row 2 (line 3, INV-2)", error.ToString());
        Assert.Contains($"Price '{price}' {says}", error.ToString());
        Assert.Equal(new long[] { 1000, 3000 }, bed.Emulator.Links.Select(l => l.Amount).Order());
    }

    [Fact]
    public async Task A_row_with_both_an_amount_and_a_price_is_refused_so_the_sum_is_never_read_two_ways()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { TestBed.CsvRow(("amount", "150050"), ("price", "1500.50"), ("currency", "thb"), ("title", "t"), ("description", "d")) });

        var result = bed.Run("$rows | New-OmiseLink");

        Assert.StartsWith("AmountAndPrice", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Empty(bed.Emulator.Links);
    }

    [Theory]
    [InlineData("-Currency usd", "currency is 'THB' but -Currency 'usd'")]
    [InlineData("-Price 5", "price is '100.00' but -Price '5'")]
    [InlineData("-Title 'Other'", "title is 'Invoice INV-2' but -Title 'Other'")]
    [InlineData("-Multiple", "multiple is 'no' but -Multiple")]
    public async Task A_command_line_value_that_contradicts_the_rows_own_column_fails_the_row_instead_of_silently_winning(string parameter, string says)
    {
        // PowerShell binds a command-line value in place of the row's column; for money that is a silent change of the sum.
        await using var bed = await TestBed.StartAsync();
        var rows = new[]
        {
            TestBed.CsvRow(("Invoice No", "INV-1"), ("price", "100.00"), ("currency", "thb"), ("title", "Invoice INV-1"), ("description", "d"), ("multiple", "")),
            TestBed.CsvRow(("Invoice No", "INV-2"), ("price", "100.00"), ("currency", "THB"), ("title", "Invoice INV-2"), ("description", "d"), ("multiple", "no")),
        };
        bed.Shell.SetVariable("rows", rows);

        var piped = bed.Run($"$rows | New-OmiseLink {parameter}");
        var given = bed.Run($"New-OmiseLink -InputObject $rows {parameter} -AllowDuplicate");

        foreach (var result in new[] { piped, given })
        {
            var errors = result.Errors.Where(e => e.ToString().Contains("Row 2 (line 3, INV-2)")).ToList();
            var error = Assert.Single(errors);
            Assert.StartsWith("ConflictingValue", error.FullyQualifiedErrorId);
            Assert.Contains($"The row's {says}", error.ToString());
            Assert.DoesNotContain(result.Output, o => (string)o.Properties["Reference"].Value == "INV-2");
        }
        // Nothing was sent for row 2 in either run. Row 1 contradicts the parameter too, except for -Multiple, where its
        // cell is empty and the command line fills it (created twice: once per run, the second with -AllowDuplicate).
        Assert.Equal(parameter == "-Multiple" ? 2 : 0, bed.Emulator.Links.Count);
        Assert.All(bed.Emulator.Links, l =>
        {
            Assert.Equal((10000L, "THB", "Invoice INV-1", true), (l.Amount, l.Currency.ToUpperInvariant(), l.Title, l.Multiple));
        });
    }

    [Fact]
    public async Task A_command_line_value_equal_to_the_rows_column_or_filling_an_empty_cell_is_taken()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("Invoice No", "INV-1"), ("price", "100"), ("currency", " thb "), ("title", "t1"), ("description", "")),
            TestBed.CsvRow(("Invoice No", "INV-2"), ("price", "100.0"), ("currency", "THB"), ("title", "t2"), ("description", "Same")),
        });

        var result = bed.Run("$rows | New-OmiseLink -Currency THB -Price 100.00 -Description Same");

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { ("t1", "Same"), ("t2", "Same") }, bed.Emulator.Links.Select(l => (l.Title, l.Description)).Order());
        Assert.All(bed.Emulator.Links, l => Assert.Equal(10000L, l.Amount));
    }

    [Fact]
    public async Task On_the_command_line_a_typed_price_reads_like_its_text_and_shows_back_in_units()
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run("""
            New-OmiseLink -Price 1500.5 -Currency thb -Title t -Description d
            New-OmiseLink -Price 2500 -Currency jpy -Title t -Description d
            New-OmiseLink -Price ([decimal]'19.99') -Currency usd -Title t -Description d
            New-OmiseLink -Price 0.001 -Currency usd -Title t -Description d
            """);

        Assert.Equal(new object[] { 150050L, 2500L, 1999L }, result.Output.Select(o => o.Properties["Amount"].Value));
        Assert.Equal(new[] { "1,500.50 THB", "2,500 JPY", "19.99 USD" }, result.Output.Select(o => (string)o.Properties["AmountText"].Value));
        Assert.Contains("Price '0.001' has 3 decimals, and USD has 2", Assert.Single(result.Errors).ToString());
        Assert.Equal(3, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task A_missing_amount_names_a_price_column_with_a_note_as_the_near_miss()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { TestBed.CsvRow(("Price (THB)", "1500.50"), ("currency", "thb"), ("title", "t"), ("description", "d")) });

        var result = bed.Run("$rows | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MissingAmount", error.FullyQualifiedErrorId);
        Assert.Contains("'Price (THB)'", error.ToString());
        Assert.Empty(bed.Emulator.Links);
    }
}
