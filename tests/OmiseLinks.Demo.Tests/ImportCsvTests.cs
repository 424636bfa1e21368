using System.Management.Automation;
using OmiseLinks.Demo.Csv;

namespace OmiseLinks.Demo.Tests;

/// <summary>The Import-Csv stand-in, used as a user would: through the engine, on files.</summary>
public sealed class ImportCsvTests : IDisposable
{
    private readonly CsvShell _shell = new();

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Every_value_is_a_string_on_a_PSCustomObject()
    {
        _shell.WriteFile("in.csv", "invoice,amount,multiple,created\nINV-1,250000,false,2026-03-20\nINV-2,0035,TRUE,\n");

        var result = _shell.Run("Import-Csv in.csv");

        result.AssertClean();
        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, row => Assert.Equal("System.Management.Automation.PSCustomObject", row.TypeNames[0]));
        Assert.Equal([("invoice", "INV-1"), ("amount", "250000"), ("multiple", "false"), ("created", "2026-03-20")],
            result.Rows[0].Select(p => (p.Name, p.Value as string)));
        Assert.Equal([("invoice", "INV-2"), ("amount", "0035"), ("multiple", "TRUE"), ("created", "")],
            result.Rows[1].Select(p => (p.Name, p.Value as string)));
        Assert.All(result.Rows.SelectMany(r => r), p => Assert.IsType<string>(p.Value));
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_doubled_quotes_and_line_breaks()
    {
        _shell.WriteFile("in.csv",
            "title,description,note\r\n" +
            "\"Lesson, Thai\",\"The \"\"intensive\"\" course\",\"line one\r\nline two\"\r\n" +
            "\"\",\"a\nb\",plain\r\n");

        var result = _shell.Run("Import-Csv in.csv");

        result.AssertClean();
        Assert.Equal(["Lesson, Thai", "The \"intensive\" course", "line one\r\nline two"], result.Rows[0].Select(p => p.Value));
        Assert.Equal(["", "a\nb", "plain"], result.Rows[1].Select(p => p.Value));
    }

    [Fact]
    public void Utf8_with_and_without_a_byte_order_mark_read_the_same()
    {
        const string text = "invoice,title\nINV-1,ค่าเรียนภาษาไทย\nINV-2,東京ワークショップ\n";
        _shell.WriteFile("bom.csv", text, bom: true);
        _shell.WriteFile("plain.csv", text, bom: false);

        var withBom = _shell.Run("Import-Csv bom.csv");
        var withoutBom = _shell.Run("Import-Csv plain.csv");

        withBom.AssertClean();
        withoutBom.AssertClean();
        Assert.Equal("invoice", withBom.Rows[0][0].Name); // the mark is not part of the first column's name
        Assert.Equal(withoutBom.Rows.SelectMany(r => r), withBom.Rows.SelectMany(r => r));
        Assert.Equal("ค่าเรียนภาษาไทย", withBom.Rows[0][1].Value);
        Assert.Equal("東京ワークショップ", withBom.Rows[1][1].Value);
    }

    [Fact]
    public void Blank_lines_are_skipped_a_missing_value_is_null_and_extra_values_are_ignored()
    {
        _shell.WriteFile("in.csv", "a,b,c\n\n1,2\n\r\n4,5,6,7\n");

        var result = _shell.Run("Import-Csv in.csv");

        result.AssertClean();
        Assert.Equal(2, result.Output.Count);
        Assert.Equal([("a", "1"), ("b", "2"), ("c", null)], result.Rows[0].Select(p => (p.Name, p.Value as string)));
        Assert.Equal([("a", "4"), ("b", "5"), ("c", "6")], result.Rows[1].Select(p => (p.Name, p.Value as string)));
    }

    [Fact]
    public void Blanks_around_fields_and_a_type_line_before_the_header_are_dropped_as_Import_Csv_does()
    {
        _shell.WriteFile("in.csv", "#TYPE Some.Type\nname, amount\n  Ann ,  \"1 500\"  \n\"  padded  \",x\n");

        var result = _shell.Run("Import-Csv in.csv");

        result.AssertClean();
        Assert.Equal(["name", "amount"], result.Rows[0].Select(p => p.Name));
        Assert.Equal(["Ann", "1 500"], result.Rows[0].Select(p => p.Value));
        Assert.Equal(["  padded  ", "x"], result.Rows[1].Select(p => p.Value));
    }

    [Fact]
    public void A_repeated_column_name_stops_the_import_and_an_empty_one_becomes_H1_with_a_warning()
    {
        _shell.WriteFile("repeated.csv", "amount,Amount\n1,2\n");
        _shell.WriteFile("unnamed.csv", "amount,,currency,\n1,x,thb\n");

        var repeated = _shell.Run("Import-Csv repeated.csv");
        var unnamed = _shell.Run("Import-Csv unnamed.csv");

        var error = repeated.Terminating?.ErrorRecord ?? Assert.Single(repeated.Errors);
        Assert.Contains("'Amount' appears more than once", error.Exception.Message);
        Assert.Empty(repeated.Output);
        unnamed.AssertClean();
        Assert.Equal([("amount", "1"), ("H1", "x"), ("currency", "thb")], unnamed.Rows[0].Select(p => (p.Name, p.Value as string)));
        Assert.Single(unnamed.Warnings);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var result = _shell.Run("Import-Csv nowhere.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("nowhere.csv", error.Exception.Message);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Rows_reach_the_next_command_one_at_a_time_as_they_are_read()
    {
        // The second row is only read after the first has gone down the pipeline: it sees the line the first one appended.
        var path = _shell.WriteFile("in.csv", "n\n1\n");
        _shell.SetVariable("path", path);

        var result = _shell.Run("Import-Csv $path | ForEach-Object { if ($_.n -eq '1') { [IO.File]::AppendAllText($path, \"2`n\") }; $_.n }");

        result.AssertClean();
        Assert.Equal(["1", "2"], result.Output.Select(o => o.BaseObject));
    }

    [Theory]
    [InlineData("a,b\rc,d", "a|b/c|d")]               // a lone CR ends a record
    [InlineData("a,b,", "a|b")]                      // an empty last field at the very end is dropped, as Import-Csv does
    [InlineData("a,b,\n", "a|b|")]
    [InlineData("\"open,quote", "open,quote")]        // an unclosed quote runs to the end of the text
    [InlineData("ab\"c,d", "ab\"c|d")]               // a quote inside an unquoted field is text
    [InlineData("\"x\"y,z", "xy|z")]                 // text after a closing quote is kept
    [InlineData("a;\"b;c\"", "a;\"b;c\"")]           // with the comma delimiter a semicolon is text
    public void Records_split_as_Import_Csv_splits_them(string text, string expected)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var records = new List<string>();
        while (reader.ReadRecord() is { } record) records.Add(string.Join("|", record));

        Assert.Equal(expected, string.Join("/", records));
    }

    [Fact]
    public void Another_delimiter_can_be_given()
    {
        _shell.WriteFile("in.csv", "a;b\n\"1;5\";2\n");

        var result = _shell.Run("Import-Csv in.csv -Delimiter ';'");

        result.AssertClean();
        Assert.Equal([("a", "1;5"), ("b", "2")], result.Rows[0].Select(p => (p.Name, p.Value as string)));
    }
}
