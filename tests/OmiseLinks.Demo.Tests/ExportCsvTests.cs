using OmiseLinks.Demo.Csv;

namespace OmiseLinks.Demo.Tests;

/// <summary>The Export-Csv stand-in, through the engine, and what its files give back through Import-Csv.</summary>
public sealed class ExportCsvTests : IDisposable
{
    private readonly CsvShell _shell = new();

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void The_first_object_names_the_columns_and_every_value_is_quoted()
    {
        var result = _shell.Run("""
            [pscustomobject]@{ invoice = 'INV-1'; note = 'say "hi", then go' },
            [pscustomobject]@{ invoice = 'INV-2'; other = 'left out' },
            [pscustomobject]@{ note = 'only a note'; invoice = $null } |
                Export-Csv out.csv -NoTypeInformation
            """);

        result.AssertClean();
        Assert.Empty(result.Output);
        Assert.Equal(
            [
                "\"invoice\",\"note\"",
                "\"INV-1\",\"say \"\"hi\"\", then go\"",
                "\"INV-2\",",          // a missing property is an empty unquoted field
                ",\"only a note\"",    // so is $null
            ],
            File.ReadAllLines(_shell.PathOf("out.csv")));
    }

    [Fact]
    public void Values_are_written_culture_invariant_with_round_trip_dates()
    {
        var result = _shell.Run("""
            [cultureinfo]::CurrentCulture = 'de-DE'
            [pscustomobject]@{
                amount = [long]250000
                rate = [decimal]1.5
                paid = $true
                at = [datetime]::new(2026, 3, 20, 10, 7, 38, [DateTimeKind]::Utc)
            } | Export-Csv out.csv -NoTypeInformation
            """);

        result.AssertClean();
        Assert.Equal("\"250000\",\"1.5\",\"True\",\"2026-03-20T10:07:38.0000000Z\"", File.ReadAllLines(_shell.PathOf("out.csv"))[1]);
    }

    [Fact]
    public void What_Export_Csv_writes_Import_Csv_reads_back_unchanged()
    {
        string[] awkward =
        [
            "plain", "", "with, comma", "with \"quotes\"", "\"", ",", "line\nbreak", "line\r\nbreak", "  padded  ",
            "ค่าเรียนภาษาไทย", "東京ワークショップ", "tab\there", "#not a comment", "trailing,",
        ];
        _shell.SetVariable("values", awkward);

        var result = _shell.Run("""
            $i = 0
            $values | ForEach-Object { [pscustomobject]@{ n = [string]$i; value = $_; again = $_ }; $i++ } | Export-Csv out.csv -NoTypeInformation
            Import-Csv out.csv
            """);

        result.AssertClean();
        Assert.Equal(awkward.Length, result.Output.Count);
        for (var i = 0; i < awkward.Length; i++)
            Assert.Equal([("n", i.ToString()), ("value", awkward[i]), ("again", awkward[i])], result.Rows[i].Select(p => (p.Name, p.Value as string)));
    }

    [Fact]
    public void The_file_is_utf8_without_a_byte_order_mark_and_replaces_an_old_one()
    {
        var path = _shell.WriteFile("out.csv", "old,content\nthat,is\nlonger,than the new one\n");

        var result = _shell.Run("[pscustomobject]@{ title = 'ค่าเรียน' } | Export-Csv out.csv -NoTypeInformation");

        result.AssertClean();
        var bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal("\"title\"" + Environment.NewLine + "\"ค่าเรียน\"" + Environment.NewLine, File.ReadAllText(path));
    }

    [Fact]
    public void A_wrapped_dotnet_object_with_added_properties_lists_the_added_ones_first()
    {
        var result = _shell.Run("""
            $version = [psobject][version]'1.2'
            $version.PSObject.Properties.Add([psnoteproperty]::new('Reference', 'INV-10'))
            $version | Export-Csv out.csv -NoTypeInformation
            """);

        result.AssertClean();
        var lines = File.ReadAllLines(_shell.PathOf("out.csv"));
        Assert.Equal("\"Reference\",\"Major\",\"Minor\",\"Build\",\"Revision\",\"MajorRevision\",\"MinorRevision\"", lines[0]);
        Assert.Equal("\"INV-10\",\"1\",\"2\",\"-1\",\"-1\",\"-1\",\"-1\"", lines[1]);
    }

    [Fact]
    public void Text_of_a_value_is_culture_invariant_outside_the_engine_too()
    {
        Assert.Null(CsvObjectWriter.Text(null));
        Assert.Equal("0.5", CsvObjectWriter.Text(0.5));
        Assert.Equal("2026-03-20T10:07:38.0000000+07:00", CsvObjectWriter.Text(new DateTimeOffset(2026, 3, 20, 10, 7, 38, TimeSpan.FromHours(7))));
    }
}
