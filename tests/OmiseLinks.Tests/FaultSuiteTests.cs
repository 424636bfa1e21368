using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>
/// The fault suite: 1,000 rows at the default throttle against every fault the emulator injects at once
/// (on every API route, look-ups included). Exactly one link per row, no duplicate, every row reported once,
/// and never more requests in flight than the throttle.
/// </summary>
public class FaultSuiteTests
{
    [Fact]
    public async Task A_thousand_rows_through_every_fault_end_as_exactly_one_link_each()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = FaultOptions.FaultSuiteMix(seed: 2026);
        var rows = BulkCreationTests.Invoices(1000);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -MaxAttempts 8 -Verbose");

        Assert.Empty(result.Errors);
        Assert.Equal(1000, result.Output.Count);
        Assert.Equal(
            rows.Select(r => (string)r.Properties["invoice"].Value),
            result.Output.Select(o => (string)o.Properties["Reference"].Value));
        var stored = bed.Emulator.Links;
        Assert.Equal(1000, stored.Count);
        Assert.Equal(stored.Select(l => l.Id).OrderBy(x => x), result.Output.Select(o => (string)o.Properties["Id"].Value).OrderBy(x => x));
        foreach (var (row, link) in rows.Zip(result.Output))
        {
            Assert.Equal(long.Parse((string)row.Properties["amount"].Value), link.Properties["Amount"].Value);
            Assert.Equal(row.Properties["title"].Value, link.Properties["Title"].Value);
        }
        Assert.InRange(bed.Emulator.MaxConcurrentRequests, 1, 4);
        foreach (var kind in new[] { "429-retry-after", "429", "500", "503", "drop-before", "drop-after" })
            Assert.True(bed.Emulator.FaultsInjected[kind] > 0, $"no {kind} fault was injected");
        Assert.Contains(result.Verbose, v => v.Contains("adopting it instead of creating another"));
    }
}
