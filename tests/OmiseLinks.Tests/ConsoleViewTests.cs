using System.Management.Automation;

namespace OmiseLinks.Tests;

/// <summary>The default tables as a person reads them at 120 and 80 columns (the real Format-Table and Out-String).</summary>
public class ConsoleViewTests
{
    private static PSObject Row(string invoice, string amount, string currency, string title) =>
        TestBed.CsvRow(("Invoice", invoice), ("amount", amount), ("currency", currency), ("title", title), ("description", "d"));

    private static string[] Lines(PsResult result) =>
        string.Concat(result.Output.Select(o => o.ToString())).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    [Fact]
    public async Task Links_with_a_reference_show_reference_amount_the_whole_uri_status_and_title_at_120_and_all_but_the_title_at_80()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[]
        {
            Row("INV-2026-1007", "150050", "thb", "Consulting, November: twenty hours of on-site work"),
            Row("INV-2026-1008", "3500000", "jpy", "Tokyo workshop seat"),
        });
        var links = bed.Run("$global:links = $rows | New-OmiseLink; $links.PaymentUri");
        var uris = links.Output.Select(o => o.ToString()).ToArray();

        var wide = Lines(bed.Run("$links | Format-Table | Out-String -Width 120"));
        var narrow = Lines(bed.Run("$links | Format-Table | Out-String -Width 80"));

        Assert.Equal(["Reference", "Amount", "PaymentUri", "Status", "Title"], wide[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(wide, l => Assert.True(l.Length <= 120, l));
        Assert.Matches(@"^INV-2026-1007 +1,500\.50 THB " + uris[0] + " unpaid +Consulting, November: twenty hours .*…$", wide[2]);
        Assert.Matches(@"^INV-2026-1008 +3,500,000 JPY " + uris[1] + " unpaid +Tokyo workshop seat$", wide[3]);
        Assert.Equal(["Reference", "Amount", "PaymentUri", "Status"], narrow[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(narrow, l => Assert.True(l.Length <= 80, l));
        Assert.Matches(@"^INV-2026-1007 +1,500\.50 THB " + uris[0] + " unpaid$", narrow[2]);
    }

    [Fact]
    public async Task Listed_links_have_no_empty_reference_column_and_Wide_and_List_show_the_id()
    {
        await using var bed = await TestBed.StartAsync();
        var id = bed.Emulator.AddLink(2500, "thb", "Yoga", "d", multiple: true).Id;

        var table = Lines(bed.Run("Get-OmiseLink | Format-Table | Out-String -Width 80"));
        var wideView = Lines(bed.Run("Get-OmiseLink | Format-Table -View Wide | Out-String -Width 160"));
        var list = Lines(bed.Run("Get-OmiseLink | Format-List | Out-String -Width 120"));

        Assert.Equal(["Amount", "PaymentUri", "Status", "Title"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^ +25\.00 THB https://link\.omise\.co/\S+ multi +Yoga$", table[2]);
        Assert.StartsWith("Id ", wideView[0]);
        Assert.StartsWith(id, wideView[2]);
        Assert.Contains(list, l => l == "Id          : " + id);
        Assert.Contains(list, l => l == "AmountText  : 25.00 THB");
    }

    [Fact]
    public async Task Charges_show_the_reference_the_amount_in_units_upper_case_currency_and_the_charge_id_at_80()
    {
        await using var bed = await TestBed.StartAsync();
        var link = bed.Emulator.AddLink(150050, "thb", "Consulting", "d", multiple: false);
        var charge = bed.Emulator.PayLink(link.Id);
        bed.Shell.SetVariable("row", TestBed.CsvRow(("Id", link.Id), ("Reference", "INV-1007")));

        var result = bed.Run("$row | Get-OmiseLinkCharge | Format-Table | Out-String -Width 80");
        var currency = bed.Run("($row | Get-OmiseLinkCharge).Currency");

        var lines = Lines(result);
        Assert.Equal(["Reference", "Amount", "Status", "Id"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(4));
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.Matches(@"^INV-1007 +1,500\.50 THB successful " + charge.Id + "( |$)", lines[2]);
        Assert.Equal("THB", currency.Output.Single().ToString());
    }

    [Fact]
    public async Task Progress_shows_a_percentage_and_time_left_when_the_row_count_is_known()
    {
        // On the session's virtual clock: 16 rows of 150 ms at throttle 2 take 1.2 s of it, however loaded the machine.
        await using var bed = await TestBed.StartAsync(new Omise.Emulator.EmulatorOptions { Faults = new Omise.Emulator.FaultOptions { LatencyMs = 150 } },
            virtualTime: true);
        var rows = Enumerable.Range(1, 16).Select(i => Row($"INV-{i}", "100", "thb", "t")).ToArray();
        bed.Shell.SetVariable("rows", rows);

        var before = bed.Clock!.Elapsed;
        var known = bed.Run("New-OmiseLink -InputObject $rows -ThrottleLimit 2");
        var took = bed.Clock.Elapsed - before;
        var streamed = bed.Run("$rows | New-OmiseLink -ThrottleLimit 2 -ReuseExisting");

        Assert.Empty(known.Errors);
        Assert.Equal(16, known.Output.Count);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"INV-{i}"), known.Output.Select(o => (string)o.Properties["Reference"].Value));
        var shown = known.Progress.Where(p => p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, p => Assert.InRange(p.PercentComplete, 0, 100));
        Assert.Contains(shown, p => p.StatusDescription.Contains(" of 16 rows done: ") && p.StatusDescription.Contains("rows/s"));
        Assert.Contains(shown, p => p.SecondsRemaining > 0);
        // About once a second of the run's clock.
        Assert.InRange(took, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(3));
        Assert.InRange(shown.Count, 1, (int)Math.Ceiling(took.TotalSeconds) + 1);
        Assert.All(streamed.Progress.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.Equal(-1, p.PercentComplete));
    }
}
