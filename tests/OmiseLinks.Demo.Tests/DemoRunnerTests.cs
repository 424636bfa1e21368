using Omise.Emulator;
using OmiseLinks.Demo.Csv;

namespace OmiseLinks.Demo.Tests;

/// <summary>The demo's main entry, run in-process on examples/invoices.csv and on rows a user gets wrong.</summary>
public sealed class DemoRunnerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("omiselinks-demo-").FullName;
    private EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private string OutPath => Path.Combine(_directory, "links.csv");

    private async Task<(DemoResult Result, string Text)> RunAgainstEmulatorAsync(string csvPath, string? key = null, int? throttle = null)
    {
        var output = new StringWriter();
        var options = new DemoOptions
        {
            CsvPath = csvPath,
            OutPath = OutPath,
            ApiUri = _emulator.BaseUri,
            SecretKey = key ?? _emulator.SecretKey,
            ThrottleLimit = throttle,
        };
        var result = await DemoRunner.RunAsync(options, output);
        return (result, output.ToString());
    }

    private string WriteCsv(string text)
    {
        var path = Path.Combine(_directory, "invoices.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Every_example_invoice_becomes_exactly_one_link_and_one_line_of_links_csv()
    {
        var invoices = CsvObjectReader.ReadFile(Repository.ExampleCsv);
        string In(int row, string column) => (string)invoices[row].Properties[column].Value;

        var (result, text) = await RunAgainstEmulatorAsync(Repository.ExampleCsv, throttle: 3);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(12, invoices.Count);
        Assert.Equal((12, 12, 0), (result.RowsRead, result.LinksCreated, result.Errors));

        // The emulator holds one link per row, with the row's values (Thai text intact).
        var stored = _emulator.Links;
        Assert.Equal(invoices.Count, stored.Count);
        for (var i = 0; i < invoices.Count; i++)
        {
            var link = Assert.Single(stored, l => l.Title == In(i, "title") && l.Amount == long.Parse(In(i, "amount")));
            Assert.Equal(In(i, "currency").ToUpperInvariant(), link.Currency);
            Assert.Equal(In(i, "description"), link.Description);
            Assert.Equal(In(i, "multiple") == "true", link.Multiple);
        }
        Assert.Single(stored, l => l.Multiple);

        // links.csv: a header and one line per row, in input order, the invoice first and the amount unchanged.
        Assert.Equal(invoices.Count + 1, File.ReadAllLines(OutPath).Length);
        var links = CsvObjectReader.ReadFile(OutPath);
        Assert.Equal("Reference", links[0].Properties.First().Name);
        for (var i = 0; i < invoices.Count; i++)
        {
            string Out(string column) => (string)links[i].Properties[column].Value;
            Assert.Equal(In(i, "invoice"), Out("Reference"));
            Assert.Equal(In(i, "amount"), Out("Amount"));
            Assert.Equal(In(i, "title"), Out("Title"));
            var link = Assert.Single(stored, l => l.Id == Out("Id"));
            Assert.Equal(link.PaymentUri, Out("PaymentUri"));
            Assert.Contains($"{In(i, "invoice")}  {link.Id}", text); // the table row: invoice, then the link's id
            Assert.Contains(link.PaymentUri, text);
        }

        Assert.Contains("PS> Import-Csv ", text);
        Assert.Contains(" | New-OmiseLink -ThrottleLimit 3 | Export-Csv ", text);
        Assert.Contains("12 rows read, 12 links created, 0 errors", text);
        Assert.Contains("2,500.00 THB", text);  // INV-2026-0101: 250000 satang
        Assert.Contains("35,000 JPY", text);    // yen have no subunit
        Assert.Contains(OutPath, text);
        Assert.DoesNotContain(_emulator.SecretKey, text);
    }

    [Fact]
    public async Task With_no_api_given_it_starts_its_own_emulator_and_never_prints_the_key()
    {
        var output = new StringWriter();

        var result = await DemoRunner.RunAsync(new DemoOptions { OutPath = OutPath }, output);

        var text = output.ToString();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal((12, 12), (result.RowsRead, result.LinksCreated));
        Assert.Contains("connected to the emulator with its test key", text);
        Assert.Contains("The emulator now holds 12 links.", text);
        Assert.DoesNotContain(EmulatorServer.DefaultSecretKey, text);
        Assert.DoesNotContain("5emulat0rk3y", text);
        Assert.Empty(_emulator.Links); // not the test's emulator
    }

    [Fact]
    public async Task A_bad_row_is_reported_with_its_row_and_column_and_the_other_rows_still_become_links()
    {
        var csv = WriteCsv("""
            invoice,amount,currency,title,description,multiple
            B-1,150000,thb,Lesson,Ten lessons,false
            B-2,1500.50,thb,Lesson,Ten lessons,false
            B-3,5000,eur,Lesson,Ten lessons,false
            B-4,5000,usd,Book,One book,false

            """);

        var (result, text) = await RunAgainstEmulatorAsync(csv);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal((4, 2, 2), (result.RowsRead, result.LinksCreated, result.Errors));
        Assert.Equal(["B-1", "B-4"], CsvObjectReader.ReadFile(OutPath).Select(l => (string)l.Properties["Reference"].Value));
        Assert.Equal(2, _emulator.Links.Count);
        Assert.Contains("4 rows read, 2 links created, 2 errors", text);
        Assert.Contains("row 2 (B-2), column 'amount': ", text);
        Assert.Contains("'1500.50' is not a whole number", text);
        Assert.Contains("row 3 (B-3), column 'currency': ", text);
        Assert.Contains("Currency 'eur' is not one of", text);
    }

    [Fact]
    public async Task A_refused_key_fails_the_run_without_showing_the_key()
    {
        const string wrongKey = "skey_test_0000wrongkey0000";
        var csv = WriteCsv("invoice,amount,currency,title,description\nC-1,5000,thb,Lesson,One lesson\n");

        var (result, text) = await RunAgainstEmulatorAsync(csv, key: wrongKey);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Connect-Omise failed", text);
        Assert.Contains("refused", text);
        Assert.DoesNotContain(wrongKey, text);
        Assert.DoesNotContain("0000wrongkey", text);
        Assert.Empty(_emulator.Links);
        Assert.False(File.Exists(OutPath));
    }

    [Fact]
    public async Task A_missing_csv_is_named_and_nothing_runs()
    {
        var (result, text) = await RunAgainstEmulatorAsync(Path.Combine(_directory, "missing.csv"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.csv", text);
        Assert.Equal(0, _emulator.RequestCount);
    }
}
