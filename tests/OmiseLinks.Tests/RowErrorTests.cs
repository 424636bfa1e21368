using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>Every error about an input row names it (its number and reference) in the text the console shows.</summary>
public class RowErrorTests
{
    private static PSObject Row(string invoice, string amount, string currency = "thb", string title = "Consulting", string description = "November") =>
        TestBed.CsvRow(("Invoice", invoice), ("amount", amount), ("currency", currency), ("title", title), ("description", description));

    [Theory]
    [InlineData("1500.50", "InvalidAmount", "Amount '1500.50' is not a whole number")]
    [InlineData("-0", "InvalidAmount", "Amount '-0' has a sign")]
    [InlineData("+5", "InvalidAmount", "Amount '+5' has a sign")]
    [InlineData("-5", "InvalidAmount", "Amount '-5' has a sign")]
    [InlineData("1e3", "InvalidAmount", "Amount '1e3' is not a whole number")]
    public async Task A_bad_amount_names_the_row_number_and_the_invoice_and_only_that_row_fails(string amount, string id, string text)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("INV-1001", "100"), Row("INV-1002", amount), Row("INV-1003", "300") });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1");

        var error = Assert.Single(result.Errors);
        Assert.Equal(id + ",OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.StartsWith("Row 2 (line 3, INV-1002): " + text, error.ToString());
        Assert.Equal("Row 2 (line 3, INV-1002)", error.CategoryInfo.TargetName);
        Assert.Equal("INV-1002", ((PSObject)error.TargetObject).Properties["Invoice"].Value);
        Assert.Equal([100L, 300L], bed.Emulator.Links.Select(l => l.Amount).Order());
    }

    [Theory]
    [InlineData("currency", "EUR", "Currency 'EUR' is not one of thb, jpy, sgd, myr, usd.")]
    [InlineData("title", "   ", "Title is only white space")]
    [InlineData("description", "", "Description is empty")]
    [InlineData("title", "Invoice\u0007 bell", "holds the control character U+0007")]
    [InlineData("description", "broken {lone surrogate} half", "lone UTF-16 surrogate U+D800")]
    public async Task A_bad_cell_is_one_error_for_its_row_and_later_rows_go_on(string column, string value, string text)
    {
        value = value.Replace("{lone surrogate}", "\uD800"); // an attribute argument cannot hold one
        await using var bed = await TestBed.StartAsync();
        var bad = TestBed.CsvRow(("Invoice", "INV-7"), ("amount", "700"), ("currency", column == "currency" ? value : "thb"),
            ("title", column == "title" ? value : "t"), ("description", column == "description" ? value : "d"));
        bed.Shell.SetVariable("rows", new[] { Row("INV-6", "600"), bad, Row("INV-8", "800") });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1");

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Row 2 (line 3, INV-7): ", error.ToString());
        Assert.Contains(text, error.ToString());
        Assert.Equal([600L, 800L], bed.Emulator.Links.Select(l => l.Amount).Order());
    }

    [Fact]
    public async Task A_row_without_a_reference_is_named_by_its_number_and_a_command_line_call_by_nothing()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { TestBed.CsvRow(("amount", "1.5"), ("currency", "thb"), ("title", "t"), ("description", "d")) });

        Assert.StartsWith("Row 1 (line 2): Amount '1.5'", Assert.Single(bed.Run("$rows | New-OmiseLink").Errors).ToString());
        var typed = bed.Run("New-OmiseLink -Price 1.555 -Currency thb -Title t -Description d");
        Assert.StartsWith("Price '1.555'", Assert.Single(typed.Errors).ToString());
        Assert.Empty(typed.Warnings);
        Assert.Empty(bed.Emulator.Links);
    }

    [Fact]
    public async Task An_API_refusal_names_the_row_and_the_end_of_run_summary_lists_every_failed_row()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { ServerError500 = 1.0, OnlyPaths = "POST /links" };
        bed.Shell.SetVariable("rows", new[] { Row("INV-1", "100"), Row("INV-2", "1.5"), Row("", "300", currency: "eur") });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1 -MaxAttempts 1 -ErrorVariable failed; $failed.TargetObject.Invoice");

        Assert.Equal(3, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.ToString().StartsWith("Row 1 (line 2, INV-1): Could not create the link 'Consulting' (1.00 THB)"));
        var summary = Assert.Single(result.Warnings);
        Assert.StartsWith("3 of 3 rows failed: row 1 (line 2) INV-1 (HTTP 500 internal_error), row 2 (line 3) INV-2 (amount), row 3 (line 4) (currency).", summary);
        Assert.Contains("$failed.TargetObject | Export-Csv failed.csv", summary);
        Assert.Equal(["", "INV-1", "INV-2"], result.Output.Select(o => o.ToString()).Order());
    }

    [Fact]
    public async Task WhatIf_names_the_row_its_reference_title_and_amount()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("INV-2026-0042", "150050", title: "Consulting, November") });

        bed.Run("$rows | New-OmiseLink -WhatIf");

        var line = Assert.Single(bed.Shell.Host.Lines, l => l.StartsWith("What if:"));
        Assert.Contains("\"Row 1 (line 2, INV-2026-0042): 'Consulting, November' (1,500.50 THB), single-use", line);
        Assert.Empty(bed.Emulator.Links);
    }
}
