using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

public class NewOmiseLinkTests
{
    private static PSObject Row(string amount, string currency, string title, string description = "Consulting, November", string? multiple = null, string? invoice = null)
    {
        var columns = new List<(string, string)> { ("amount", amount), ("currency", currency), ("title", title), ("description", description) };
        if (multiple != null) columns.Add(("multiple", multiple));
        if (invoice != null) columns.Add(("invoice", invoice));
        return TestBed.CsvRow(columns.ToArray());
    }

    [Fact]
    public async Task Csv_rows_become_links_in_input_order_with_every_field_and_the_reference_to_join_back()
    {
        await using var bed = await TestBed.StartAsync();
        var rows = Enumerable.Range(1, 12).Select(i => Row((i * 1000).ToString(), i % 2 == 0 ? "THB" : "usd", $"Invoice {i}", invoice: $"INV-{i:000}")).ToArray();
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 4");

        Assert.Empty(result.Errors);
        Assert.Equal(12, result.Output.Count);
        for (var i = 0; i < 12; i++)
        {
            var link = result.Output[i];
            Assert.Equal(["OmiseLinks.Link#Reference", "OmiseLinks.Link"], link.TypeNames.Take(2));
            Assert.Equal($"Invoice {i + 1}", link.Properties["Title"].Value);
            Assert.Equal($"INV-{i + 1:000}", link.Properties["Reference"].Value);
            Assert.Equal((long)((i + 1) * 1000), link.Properties["Amount"].Value);
            Assert.Equal(i % 2 == 1 ? "THB" : "USD", link.Properties["Currency"].Value);
            Assert.Matches("^link_test_[0-9a-z]+$", (string)link.Properties["Id"].Value);
            Assert.StartsWith("https://link.omise.co/", (string)link.Properties["PaymentUri"].Value);
        }
        var names = result.Output[0].Properties.Select(p => p.Name).ToArray();
        Assert.Equal(["Reference", "Reused", "Id", "LiveMode", "Location", "Amount", "Currency", "AmountText", "Status", "Used", "Multiple", "Title", "Description",
            "PaymentUri", "CreatedAt", "UsedAt", "Deleted", "DeletedAt", "Charges"], names);
        Assert.Equal(12, bed.Emulator.Links.Count);
        Assert.All(bed.Emulator.Links, l => Assert.Contains(l.Currency, new[] { "THB", "USD" }));
    }

    [Fact]
    public async Task Thai_text_and_form_syntax_characters_reach_the_API_unchanged()
    {
        await using var bed = await TestBed.StartAsync();
        const string title = "ค่าเรียนภาษาไทย & more + 50% = ok";
        const string description = "บรรทัดแรก\nline two: a=b&c=d %20 + plus";
        bed.Shell.SetVariable("row", Row("250000", "thb", title, description));

        var result = bed.Run("$row | New-OmiseLink");

        Assert.Empty(result.Errors);
        var stored = Assert.Single(bed.Emulator.Links);
        Assert.Equal(title, stored.Title);
        Assert.Equal(description, stored.Description);
        Assert.Equal(title, result.Output.Single().Properties["Title"].Value);
    }

    [Theory]
    [InlineData("1500.50")]
    [InlineData("1,500")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("")]
    [InlineData("12 baht")]
    [InlineData("99999999999999999999")]
    public async Task An_amount_that_is_not_plain_whole_digits_fails_its_row_alone_naming_field_and_value(string amount)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("100", "thb", "before"), Row(amount, "thb", "bad"), Row("300", "thb", "after") });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1");

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidAmount,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.StartsWith($"Row 2 (line 3): Amount '{amount}'", error.ToString());
        Assert.Equal("bad", ((PSObject)error.TargetObject).Properties["title"].Value);
        Assert.Equal(["after", "before"], bed.Emulator.Links.Select(l => l.Title).Order());
        Assert.Equal([100L, 300L], bed.Emulator.Links.Select(l => l.Amount).Order());
    }

    [Fact]
    public async Task A_negative_amount_is_refused_and_zero_is_allowed()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("-5", "thb", "negative"), Row("0", "thb", "customer enters amount"), Row(" 42 ", "jpy", "padded") });

        var result = bed.Run("$rows | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidAmount,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 1 (line 2): Amount '-5' has a sign", error.ToString());
        Assert.Equal([0L, 42L], bed.Emulator.Links.Select(l => l.Amount).Order());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("", false)]
    public async Task Multiple_from_a_csv_cell_means_what_the_user_wrote(string cell, bool expected)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("row", Row("100", "thb", "t", multiple: cell));

        var result = bed.Run("$row | New-OmiseLink");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, Assert.Single(bed.Emulator.Links).Multiple);
        Assert.Equal(expected, result.Output.Single().Properties["Multiple"].Value);
    }

    [Fact]
    public async Task Multiple_that_is_not_a_yes_or_no_fails_the_row()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("row", Row("100", "thb", "t", multiple: "maybe"));
        var result = bed.Run("$row | New-OmiseLink");
        var error = Assert.Single(result.Errors);
        Assert.Contains("Multiple 'maybe' is not a yes/no value", error.ToString());
        Assert.Empty(bed.Emulator.Links);
    }

    [Fact]
    public async Task Currency_is_checked_against_the_five_in_any_case_and_sent_lower_case()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("100", "EUR", "euro"), Row("100", "Sgd", "sing") });

        var result = bed.Run("$rows | New-OmiseLink");

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidCurrency,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 1 (line 2): Currency 'EUR' is not one of", error.ToString());
        Assert.Equal("SGD", Assert.Single(bed.Emulator.Links).Currency);
    }

    [Fact]
    public async Task Command_line_use_with_a_switch_and_typed_amount()
    {
        await using var bed = await TestBed.StartAsync();
        var result = bed.Run("New-OmiseLink -Amount 150050 -Currency THB -Title 'Yoga class' -Description 'Ten sessions' -Multiple");
        Assert.Empty(result.Errors);
        var link = Assert.Single(bed.Emulator.Links);
        Assert.True(link.Multiple);
        Assert.Equal(150050, link.Amount);
        var fractional = bed.Run("New-OmiseLink -Amount 1500.5 -Currency thb -Title t -Description d");
        Assert.Contains("Amount '1500.5' is not a whole number", fractional.FirstError!.ToString());
        Assert.Single(bed.Emulator.Links);
    }

    [Theory]
    [InlineData("-Amount -1 -Currency thb", "ParameterArgumentValidationError", "The -1 argument is less than the minimum allowed range of 0")]
    [InlineData("-Amount 1500.50 -Currency thb", "ParameterArgumentTransformationError", "Amount '1500.5' is not a whole number")]
    [InlineData("-Amount '1,500' -Currency thb", "ParameterArgumentTransformationError", "Amount '1,500' is not a whole number")]
    [InlineData("-Amount 100 -Currency eur", "ParameterArgumentValidationError", "The argument \"eur\" does not belong to the set \"thb,jpy,sgd,myr,usd\"")]
    public async Task A_bad_amount_or_currency_on_the_command_line_fails_at_binding_and_nothing_is_sent(string given, string errorId, string text)
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run($"New-OmiseLink {given} -Title t -Description d");

        var error = result.FirstError!;
        Assert.Equal(errorId + ",OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Contains(text, error.ToString());
        Assert.Empty(result.Output);
        Assert.Equal(0, bed.Emulator.CreateLinkRequests);
    }

    [Fact]
    public async Task Get_Command_shows_the_currency_set_and_the_whole_number_amount_and_the_set_completes()
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run("""
            Get-Command New-OmiseLink -Syntax
            (Get-Command New-OmiseLink).Parameters['Currency'].Attributes.Where({ $_ -is [ValidateSet] }).ValidValues -join ','
            (Get-Command New-OmiseLink).Parameters['Amount'].Attributes.Where({ $_ -is [ValidateRange] }).MinRange
            ((TabExpansion2 'New-OmiseLink -Currency s' 25).CompletionMatches.CompletionText) -join ','
            """);

        Assert.Empty(result.Errors);
        var syntax = result.Output[0].ToString();
        Assert.Contains("[[-Amount] <long>]", syntax);
        Assert.Contains("[[-Currency] <string>]", syntax);
        Assert.Equal(["thb,jpy,sgd,myr,usd", "0", "sgd"], result.Output.Skip(1).Select(o => o.ToString()));
    }

    [Fact]
    public async Task WhatIf_validates_every_row_and_sends_nothing()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("100", "thb", "ok"), Row("1.5", "thb", "bad"), Row("200", "jpy", "ok too") });

        var result = bed.Run("$rows | New-OmiseLink -WhatIf");

        Assert.Empty(result.Output);
        Assert.Contains("Amount '1.5'", Assert.Single(result.Errors).ToString());
        Assert.Equal(0, bed.Emulator.CreateLinkRequests);
        Assert.Equal(1, bed.Emulator.RequestCount); // the duplicate guard's read of the last 24 hours: one empty page
        Assert.Empty(bed.Emulator.Links);
        var whatIf = bed.Shell.Host.Lines.Where(l => l.StartsWith("What if:")).ToList();
        Assert.Equal(2, whatIf.Count);
        Assert.Contains("\"Create payment link\" on target \"Row 1 (line 2): 'ok' (1.00 THB), single-use", whatIf[0]);
        Assert.Contains("'ok too' (200 JPY)", whatIf[1]);
        // The failed rows are counted against every row read, previewed ones included.
        Assert.Contains(result.Warnings, w => w.StartsWith("1 of 3 rows failed: row 2 (line 3) (amount)."));
    }

    [Fact]
    public async Task WhatIf_with_a_refused_key_stops_once_as_a_refused_key_does_not_a_warning_and_a_preview()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("wrong", TestBed.Secure("skey_test_0000000000wrongkey42"));
        bed.Shell.SetVariable("rows", new[] { Row("100", "thb", "one"), Row("200", "thb", "two"), Row("300", "thb", "three") });

        var result = bed.Run("Connect-Omise -SecretKey $wrong -ApiUri $api -SkipValidation; $rows | New-OmiseLink -WhatIf");

        // The one way a 401 goes (OmiseCmdlet.WriteApiError): the command stops with AuthenticationError, once.
        var stop = Assert.IsType<ErrorRecord>(result.FirstError);
        Assert.Equal(ErrorCategory.AuthenticationError, stop.CategoryInfo.Category);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("-WhatIf could not read"));
        Assert.Equal(1, bed.Emulator.RequestCount);
        Assert.Empty(bed.Emulator.Links);
        Assert.DoesNotContain("wrongkey42", result.AllText());
    }

    [Fact]
    public async Task WhatIf_on_a_file_run_before_says_which_rows_a_real_run_would_refuse_or_reuse()
    {
        await using var bed = await TestBed.StartAsync();
        var rows = new[] { Row("100", "thb", "first"), Row("200", "thb", "second"), Row("300", "thb", "third") };
        bed.Shell.SetVariable("rows", rows);
        bed.Shell.SetVariable("firstTwo", rows.Take(2).ToArray());
        bed.Run("$firstTwo | New-OmiseLink");

        var preview = bed.Run("$rows | New-OmiseLink -WhatIf");
        var reusePreview = bed.Run("$rows | New-OmiseLink -WhatIf -ReuseExisting -Verbose");
        var real = bed.Run("$rows | New-OmiseLink");

        Assert.Equal(2, preview.Warnings.Count(w => w.Contains("a real run would not create this link") && w.Contains("(RecentDuplicate)")));
        string IdOf(string title) => bed.Emulator.Links.Single(l => l.Title == title).Id; // the first run's two rows ran side by side
        Assert.Contains(preview.Warnings, w => w.StartsWith("Row 2 (line 3): a real run would not create this link: " + IdOf("second")));
        Assert.Contains("3 previewed (-WhatIf), nothing sent (2 would be refused as recent duplicates)", Summary(preview));
        Assert.Contains("3 previewed (-WhatIf), nothing sent (2 would reuse an existing link)", Summary(reusePreview));
        Assert.Contains(reusePreview.Verbose, v => v.StartsWith("Row 1 (line 2): a real run would reuse " + IdOf("first")));
        // The preview told the truth: the real run refuses the same two rows and creates the third.
        var refused = Assert.Single(real.Errors);
        Assert.Equal("AlreadyRun", refused.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("2 of 3 rows have an identical payable link", refused.ErrorDetails.Message);
        // A runbook that logs $_.Exception.Message logs the same text, the rows in input order.
        Assert.Equal(refused.ErrorDetails.Message, refused.Exception.Message);
        Assert.Contains($"row 1 (line 2) ({IdOf("first")}), row 2 (line 3) ({IdOf("second")})", refused.Exception.Message);
        Assert.Equal(3, bed.Emulator.Links.Count);
        Assert.Equal(3, bed.Emulator.CreateLinkRequests);

        static string Summary(PsResult r) => r.Information.Single(i => i.StartsWith("New-OmiseLink summary:"));
    }

    [Fact]
    public async Task A_server_error_fails_that_row_with_a_stable_id_and_the_next_rows_go_on()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { ServerError500 = 1.0, OnlyPaths = "POST /links" };
        bed.Shell.SetVariable("rows", new[] { Row("100", "thb", "first"), Row("200", "thb", "second") });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1 -MaxAttempts 2 -Verbose");

        Assert.Equal(2, result.Errors.Count);
        Assert.Equal(4, bed.Emulator.FaultsInjected["500"]);
        Assert.Contains(result.Verbose, v => v.Contains("Row 1 (line 2): POST /links failed (500 internal_error) and may have reached the server; looking for its link"));
        Assert.Contains(result.Verbose, v => v.Contains("Row 1 (line 2): no link was made; sending it again with the same Idempotency-Key (attempt 2 of 2)"));
        Assert.Empty(bed.Emulator.Links);
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.ResourceUnavailable, e.CategoryInfo.Category));
        Assert.All(result.Errors, e => Assert.StartsWith("InternalError,OmiseLinks.Commands.NewOmiseLinkCommand", e.FullyQualifiedErrorId));
        Assert.Equal("first", ((PSObject)result.Errors[0].TargetObject).Properties["title"].Value);
        Assert.Contains("Row 1 (line 2): Could not create the link 'first' (1.00 THB)", result.Errors[0].ToString());
        Assert.Contains("HTTP 500", result.Errors[0].ToString());
    }

    [Fact]
    public async Task ErrorAction_Stop_stops_at_the_first_bad_row()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { Row("100", "thb", "one"), Row("1.5", "thb", "bad"), Row("300", "thb", "three") });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1 -ErrorAction Stop; 'not reached'");

        Assert.NotNull(result.Terminating);
        Assert.Contains("Amount '1.5'", result.Terminating!.Message);
        Assert.DoesNotContain(result.Output, o => "not reached".Equals(o.BaseObject));
        Assert.DoesNotContain("three", bed.Emulator.Links.Select(l => l.Title));
    }

    [Fact]
    public async Task A_rejected_key_stops_the_whole_run_instead_of_failing_every_row()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("wrong", TestBed.Secure("skey_test_0000000000wrongkey42"));
        bed.Shell.SetVariable("rows", new[] { Row("100", "thb", "one"), Row("200", "thb", "two"), Row("300", "thb", "three") });

        var result = bed.Run("Connect-Omise -SecretKey $wrong -ApiUri $api -SkipValidation; $rows | New-OmiseLink -ThrottleLimit 1");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.DoesNotContain("wrongkey42", result.AllText());
        Assert.Equal(1, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task Verbose_shows_each_request_and_never_the_key()
    {
        await using var bed = await TestBed.StartAsync();
        var result = bed.Run("New-OmiseLink -Amount 100 -Currency thb -Title t -Description d -Verbose -Debug");
        Assert.Contains(result.Verbose, v => v.StartsWith("POST /links -> 200 in "));
        Assert.DoesNotContain(bed.Emulator.SecretKey, result.AllText());
    }
}
