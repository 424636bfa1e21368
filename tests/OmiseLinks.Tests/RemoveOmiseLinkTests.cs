using System.Management.Automation;

namespace OmiseLinks.Tests;

public class RemoveOmiseLinkTests
{
    [Fact]
    public async Task A_refused_key_while_reading_the_link_to_describe_it_ends_the_command_instead_of_a_bare_what_if()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var kept = bed.Emulator.AddLink(100, "thb", "Kept", "d", false);
        bed.Shell.SetVariable("id", kept.Id);

        var result = bed.Run("""
            Connect-Omise -SecretKey (ConvertTo-SecureString 'skey_test_n0tth3k3y0000000000' -AsPlainText -Force) -ApiUri $api -SkipValidation
            Remove-OmiseLink $id, $id -WhatIf
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.DoesNotContain(bed.Shell.Host.Lines, l => l.StartsWith("What if:"));
        Assert.False(bed.Emulator.Links.Single().Deleted);
    }

    [Fact]
    public async Task WhatIf_on_an_unknown_id_says_not_found_instead_of_offering_to_remove_it()
    {
        await using var bed = await TestBed.StartAsync();
        var kept = bed.Emulator.AddLink(100, "thb", "Kept", "d", false);

        var result = bed.Run($"Remove-OmiseLink -Id link_test_n0such11nk0000000000, {kept.Id} -WhatIf");

        Assert.StartsWith("NotFound", Assert.Single(result.Errors).FullyQualifiedErrorId);
        var whatIf = string.Join("\n", bed.Shell.Host.Lines);
        Assert.DoesNotContain("link_test_n0such11nk0000000000", whatIf);
        Assert.Contains(kept.Id, whatIf);
        Assert.False(bed.Emulator.Links.Single().Deleted);
    }

    [Fact]
    public async Task WhatIf_says_what_would_be_removed_and_removes_nothing()
    {
        await using var bed = await TestBed.StartAsync();
        var link = bed.Emulator.AddLink(5000, "thb", "Invoice 9", "Repair", false);

        var result = bed.Run($"Remove-OmiseLink -Id {link.Id} -Reference INV-9 -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        // Only an id was given: one GET reads the link so the question can name it; nothing is removed.
        Assert.Equal(1, bed.Emulator.RequestCount);
        Assert.False(bed.Emulator.Links.Single().Deleted);
        Assert.Contains($"\"Remove payment link\" on target \"{link.Id} [INV-9] 'Invoice 9' 50.00 THB, unpaid\"",
            Assert.Single(bed.Shell.Host.Lines, l => l.StartsWith("What if:")));
    }

    [Fact]
    public async Task ConfirmImpact_is_High_so_a_default_session_asks_before_removing()
    {
        await using var bed = await TestBed.StartAsync();
        var result = bed.Run("(Get-Command Remove-OmiseLink).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact");
        Assert.Equal(ConfirmImpact.High, result.Output.Single().BaseObject);
    }

    [Fact]
    public async Task The_full_chain_New_Get_Remove_deletes_the_link_and_writes_nothing_without_PassThru()
    {
        await using var bed = await TestBed.StartAsync();

        var result = bed.Run("New-OmiseLink -Amount 150050 -Currency thb -Title 'Invoice 12345' -Description 'Annual plan' | Get-OmiseLink | Remove-OmiseLink -Confirm:$false");
        var listed = bed.Run("Get-OmiseLink");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        var stored = bed.Emulator.Links.Single();
        Assert.True(stored.Deleted);
        Assert.NotNull(stored.DeletedAt);
        Assert.Empty(listed.Output);
    }

    [Fact]
    public async Task PassThru_writes_each_removed_link_with_Deleted_true()
    {
        await using var bed = await TestBed.StartAsync();
        var a = bed.Emulator.AddLink(100, "thb", "A", "d", false);
        var b = bed.Emulator.AddLink(200, "thb", "B", "d", false);

        var result = bed.Run($"'{a.Id}', '{b.Id}' | Remove-OmiseLink -PassThru -Confirm:$false");

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { a.Id, b.Id }, result.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.All(result.Output, o =>
        {
            Assert.Equal("OmiseLinks.Link", o.TypeNames[0]);
            Assert.True((bool)o.Properties["Deleted"].Value);
            Assert.NotNull(o.Properties["DeletedAt"].Value);
        });
    }

    [Fact]
    public async Task Removing_an_unknown_id_is_ObjectNotFound_naming_it_and_the_rest_are_removed()
    {
        await using var bed = await TestBed.StartAsync();
        var keep = bed.Emulator.AddLink(200, "thb", "Next", "d", false);
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("LinkId", "link_test_nosuchlink000000000")),
            TestBed.CsvRow(("LinkId", keep.Id)),
        });

        var result = bed.Run("$rows | Remove-OmiseLink -Confirm:$false");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("NotFound,OmiseLinks.Commands.RemoveOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Equal("link_test_nosuchlink000000000", error.TargetObject);
        Assert.Contains("link_test_nosuchlink000000000", error.ToString());
        Assert.Contains("no such link", error.ToString());
        Assert.True(bed.Emulator.Links.Single(l => l.Id == keep.Id).Deleted);
    }

    [Fact]
    public async Task Removing_a_link_removed_already_is_a_warning_and_PassThru_returns_it_so_a_removal_script_can_run_again()
    {
        await using var bed = await TestBed.StartAsync();
        var gone = bed.Emulator.AddLink(100, "thb", "Gone", "d", false);
        var next = bed.Emulator.AddLink(200, "thb", "Next", "d", false);
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("LinkId", gone.Id), ("invoice", "INV-3001")),
            TestBed.CsvRow(("LinkId", next.Id), ("invoice", "INV-3002")),
        });
        var first = bed.Run("$rows | Remove-OmiseLink -Confirm:$false -PassThru");
        Assert.Empty(first.Errors);

        var again = bed.Run("$rows | Remove-OmiseLink -Confirm:$false -PassThru");

        Assert.Empty(again.Errors);
        Assert.Null(again.Terminating);
        Assert.Equal([gone.Id, next.Id], again.Output.Select(o => o.Properties["Id"].Value));
        Assert.All(again.Output, o => Assert.Equal(true, o.Properties["Deleted"].Value));
        Assert.Equal(["INV-3001", "INV-3002"], again.Output.Select(o => o.Properties["Reference"].Value));
        Assert.Equal(2, again.Warnings.Count);
        Assert.Contains($"The link {gone.Id} (INV-3001) ('Gone', 1.00 THB) was removed already at ", again.Warnings[0]);
        Assert.EndsWith("nothing to do.", again.Warnings[0]);
        Assert.All(bed.Emulator.Links, l => Assert.True(l.Deleted));
    }

    [Fact]
    public async Task Withdraw_unpaid_links_older_than_30_days_as_in_the_everyday_tasks()
    {
        await using var bed = await TestBed.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var oldUnpaid = bed.Emulator.AddLink(100, "thb", "Old unpaid", "d", false, now.AddDays(-45));
        var oldPaid = bed.Emulator.AddLink(200, "thb", "Old paid", "d", false, now.AddDays(-40));
        var oldMultiplePaid = bed.Emulator.AddLink(300, "thb", "Old multiple, paid once", "d", true, now.AddDays(-35));
        var oldMultipleUnpaid = bed.Emulator.AddLink(400, "thb", "Old multiple, never paid", "d", true, now.AddDays(-33));
        var recent = bed.Emulator.AddLink(500, "thb", "Recent unpaid", "d", false, now.AddDays(-3));
        bed.Emulator.PayLink(oldPaid.Id);
        bed.Emulator.PayLink(oldMultiplePaid.Id);

        var result = bed.Run("""
            $cutoff = [datetime]::Now.AddDays(-30)
            Get-OmiseLink -To $cutoff |
                Where-Object { -not $_.Used -and -not ($_.Charges | Where-Object Paid) } |
                Remove-OmiseLink -PassThru -Confirm:$false
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { oldUnpaid.Id, oldMultipleUnpaid.Id }, result.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.Equal(new[] { oldUnpaid.Id, oldMultipleUnpaid.Id }, bed.Emulator.Links.Where(l => l.Deleted).Select(l => l.Id));
        Assert.Contains(bed.Emulator.Links, l => l.Id == recent.Id && !l.Deleted);
    }
}
