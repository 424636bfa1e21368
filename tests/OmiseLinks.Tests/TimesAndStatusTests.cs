using System.Globalization;
using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>Times that are times for PowerShell and ISO 8601 text for files; Status as a property.</summary>
public class TimesAndStatusTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<StoredLink> Seed(TestBed bed, int n) =>
        Enumerable.Range(1, n)
            .Select(i => bed.Emulator.AddLink(1000 + i, "thb", $"Link {i}", $"Description {i}", multiple: i == 3, Start.AddMinutes(i)))
            .ToList();

    private static string Local(DateTimeOffset time) =>
        time.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("en-US")]
    [InlineData("th-TH")]
    public async Task Times_compare_and_sort_as_times_against_Get_Date_in_either_order(string culture)
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 3);
        bed.Emulator.PayLink(seeded[0].Id);
        bed.Shell.SetVariable("culture", culture);

        var result = bed.Run("""
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $culture
            $links = Get-OmiseLink
            @($links | Where-Object CreatedAt -lt (Get-Date)).Count
            @($links | Where-Object CreatedAt -gt (Get-Date).AddYears(10)).Count
            @($links | Where-Object { (Get-Date) -gt $_.CreatedAt }).Count
            @($links | Where-Object { (Get-Date).AddYears(-10) -gt $_.CreatedAt }).Count
            @($links | Where-Object CreatedAt -ge '2025-03-01T00:02:00Z').Count
            ($links | Sort-Object CreatedAt -Descending | Select-Object -First 1).Title
            @($links | Where-Object UsedAt -gt (Get-Date).AddYears(-10)).Count
            @($links | Get-OmiseLinkCharge | Where-Object PaidAt -le (Get-Date) | Where-Object CreatedAt -gt (Get-Date).AddDays(-1)).Count
            "$(($links | Sort-Object CreatedAt)[0].CreatedAt)"
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["3", "0", "3", "0", "2", "Link 3", "1", "1", Local(Start.AddMinutes(1))], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public async Task Times_export_as_ISO_8601_under_th_TH_and_read_back_as_the_same_times()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 2);
        bed.Emulator.PayLink(seeded[1].Id);
        var path = Path.Combine(Path.GetTempPath(), "omiselinks-" + Guid.NewGuid().ToString("n") + ".csv");
        bed.Shell.SetVariable("path", path);

        var result = bed.Run("""
            [System.Threading.Thread]::CurrentThread.CurrentCulture = 'th-TH'
            Get-OmiseLink | Sort-Object CreatedAt | Export-Csv $path
            Get-Content $path -Raw
            $rows = Import-Csv $path
            $rows[0].CreatedAt; $rows[1].CreatedAt; $rows[1].UsedAt; $rows[0].Status; $rows[1].Status
            @($rows | Get-OmiseLink | Where-Object { $_.CreatedAt -eq [OmiseLinks.Timestamp]::Parse($rows[0].CreatedAt) }).Count
            """);

        Assert.Empty(result.Errors);
        var text = result.Output[0].ToString();
        Assert.DoesNotContain("2568", text); // no Buddhist-era year (2025 + 543)
        Assert.Contains("\"Status\"", text.Split('\n')[0]);
        var cells = result.Output.Skip(1).Select(o => o.ToString()).ToArray();
        Assert.Equal(Local(Start.AddMinutes(1)), cells[0]);
        Assert.Equal(Local(Start.AddMinutes(2)), cells[1]);
        Assert.Matches(@"^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", cells[2]);
        Assert.Equal(["unpaid", "paid", "1"], cells[3..]);
        File.Delete(path);
    }

    [Fact]
    public async Task Status_is_a_property_that_Where_Object_filters_on()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 4);
        bed.Emulator.PayLink(seeded[0].Id);
        bed.Shell.SetVariable("removed", seeded[3].Id);

        var result = bed.Run("""
            Remove-OmiseLink $removed -Confirm:$false
            $links = Get-OmiseLink -IncludeDeleted
            ($links | Where-Object Status -eq paid).Title
            ($links | Where-Object Status -eq unpaid).Title
            ($links | Where-Object Status -eq multi).Title
            ($links | Where-Object Status -eq removed).Title
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["Link 1", "Link 2", "Link 3", "Link 4"], result.Output.Select(o => o.ToString()));
    }
}
