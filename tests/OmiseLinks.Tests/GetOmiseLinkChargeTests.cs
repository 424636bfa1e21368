using System.Management.Automation;

namespace OmiseLinks.Tests;

public class GetOmiseLinkChargeTests
{
    [Fact]
    public async Task The_charges_of_a_link_come_back_as_OmiseLinks_Charge_objects_oldest_first()
    {
        await using var bed = await TestBed.StartAsync();
        var link = bed.Emulator.AddLink(0, "thb", "Donations", "Any amount", true);
        var paid = new[] { 1500L, 2500L, 99L }.Select(a => bed.Emulator.PayLink(link.Id, a)).ToArray();

        var result = bed.Run($"Get-OmiseLinkCharge -Id {link.Id}");

        Assert.Empty(result.Errors);
        Assert.Equal(paid.Select(c => c.Id), result.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.All(result.Output, o =>
        {
            Assert.Equal("OmiseLinks.Charge", o.TypeNames[0]);
            Assert.Equal(link.Id, o.Properties["Link"].Value);
            Assert.Equal("successful", o.Properties["Status"].Value);
            Assert.True((bool)o.Properties["Paid"].Value);
        });
        Assert.Equal(new[] { 1500L, 2500L, 99L }, result.Output.Select(o => (long)o.Properties["Amount"].Value));
    }

    [Fact]
    public async Task Links_piped_from_a_search_for_used_links_give_their_charges_and_unpaid_links_give_none()
    {
        await using var bed = await TestBed.StartAsync();
        var a = bed.Emulator.AddLink(1000, "thb", "A", "d", false);
        bed.Emulator.AddLink(2000, "thb", "B unpaid", "d", false);
        var c = bed.Emulator.AddLink(3000, "usd", "C", "d", false);
        var chargeA = bed.Emulator.PayLink(a.Id);
        var chargeC = bed.Emulator.PayLink(c.Id);

        var result = bed.Run("Get-OmiseLink -Used $true | Get-OmiseLinkCharge");
        var unpaid = bed.Run("Get-OmiseLink -Used $false | Get-OmiseLinkCharge");

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { chargeA.Id, chargeC.Id }, result.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.Empty(unpaid.Errors);
        Assert.Empty(unpaid.Output);
    }

    [Fact]
    public async Task More_than_a_page_of_charges_streams_every_page_and_First_stops_early()
    {
        await using var bed = await TestBed.StartAsync();
        var link = bed.Emulator.AddLink(100, "jpy", "Ticket", "Concert", true);
        var paid = Enumerable.Range(0, 230).Select(_ => bed.Emulator.PayLink(link.Id).Id).ToArray();
        bed.Shell.SetVariable("row", TestBed.CsvRow(("LinkId", link.Id)));

        var all = bed.Run("$row | Get-OmiseLinkCharge");
        var allRequests = bed.Emulator.RequestCount;
        bed.Emulator.ResetStats();
        var some = bed.Run($"Get-OmiseLinkCharge {link.Id} -Skip 100 -First 5");

        Assert.Empty(all.Errors);
        Assert.Equal(paid, all.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.Equal(3, allRequests);
        Assert.Equal(paid.Skip(100).Take(5), some.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.Equal(1, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task An_unknown_link_is_ObjectNotFound_naming_it_and_the_other_links_go_on()
    {
        await using var bed = await TestBed.StartAsync();
        var link = bed.Emulator.AddLink(100, "thb", "A", "d", false);
        var charge = bed.Emulator.PayLink(link.Id);

        var result = bed.Run($"Get-OmiseLinkCharge -Id link_test_unknown00000000000, {link.Id}");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("link_test_unknown00000000000", error.TargetObject);
        Assert.Contains("link_test_unknown00000000000", error.ToString());
        Assert.Equal(charge.Id, result.Output.Single().Properties["Id"].Value);
    }
}
