using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>
/// -Unordered: each row is written as soon as it is done, so a row waiting on the server (retries, settle intervals) never
/// holds back the rows after it; still exactly one link or one error per row, and the look-ahead still bounds what an early
/// end leaves unwritten. On virtual time: the settle intervals after 503 cost no real time.
/// </summary>
public class UnorderedTests
{
    private static PSObject[] RowsWithASlowFirst() =>
    [
        TestBed.CsvRow(("invoice", "UO-1"), ("amount", "10001"), ("currency", "thb"), ("title", "Unordered 1 SLOW"), ("description", "d")),
        .. Enumerable.Range(2, 4).Select(i =>
            TestBed.CsvRow(("invoice", $"UO-{i}"), ("amount", $"{10_000 + i}"), ("currency", "thb"), ("title", $"Unordered {i}"), ("description", "d"))),
    ];

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public async Task A_row_the_server_keeps_failing_holds_back_the_rows_after_it_only_without_Unordered(bool unordered, int throttle)
    {
        await using var bed = await TestBed.StartAsync(virtualTime: true);
        // Every POST of the first row is answered 503 and stores nothing: each attempt is looked up through the settle
        // interval before the next, so the row takes seconds and ends as an error. It holds no request slot while it waits:
        // at -ThrottleLimit 1 the other rows are still sent meanwhile.
        bed.Emulator.Faults = new FaultOptions { RefuseTitleContaining = " SLOW", RefuseStatus = 503 };
        bed.Shell.SetVariable("rows", RowsWithASlowFirst());

        var result = bed.Run($"$rows | New-OmiseLink -ThrottleLimit {throttle} -MaxAttempts 2" + (unordered ? " -Unordered" : "") +
            " 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error: ' + $_.TargetObject.invoice } else { $_.Reference } }");

        var seen = result.Output.Select(o => o.ToString()!).ToList();
        if (unordered)
        {
            // The other rows as they finished (side by side, in any order), the failing row's error last.
            Assert.Equal(["UO-2", "UO-3", "UO-4", "UO-5"], seen.Take(4).Order());
            Assert.Equal("error: UO-1", seen[4]);
        }
        else
            Assert.Equal(["error: UO-1", "UO-2", "UO-3", "UO-4", "UO-5"], seen);
        // What the server holds: one link for each other row, none for the failing one.
        Assert.Equal(["Unordered 2", "Unordered 3", "Unordered 4", "Unordered 5"], bed.Emulator.Links.Select(l => l.Title).Order());
        Assert.True(bed.Clock!.Elapsed >= TimeSpan.FromSeconds(3), $"the failing row waited out its settle interval: {bed.Clock.Elapsed}");
        Assert.InRange(bed.Emulator.MaxConcurrentRequests, 1, throttle);
    }

    [Fact]
    public async Task With_Unordered_Select_First_still_leaves_at_most_twice_the_throttle_of_links_unwritten_each_named()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 20, Seed = 7, ServiceUnavailable503 = 0.05 };
        bed.Shell.SetVariable("rows", BulkCreationTests.Invoices(500));

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 4 -Unordered | Select-Object -First 30");

        Assert.Equal(30, result.Output.Count);
        var written = result.Output.Select(o => (string)o.Properties["Id"].Value).ToHashSet();
        var stored = bed.Emulator.Links;
        var unwritten = stored.Where(l => !written.Contains(l.Id)).ToList();
        Assert.True(unwritten.Count <= 2 * 4, $"{unwritten.Count} links beyond those written (look-ahead 8)");
        var summary = Assert.Single(result.Information, i => i.StartsWith("New-OmiseLink summary:"));
        Assert.All(unwritten, l => Assert.Contains(l.Id, summary));
        // The 30 written are 30 distinct rows, each with its own link, and every link the server holds is one of them or named.
        Assert.Equal(30, result.Output.Select(o => (string)o.Properties["Reference"].Value).Distinct().Count());
        Assert.Equal(30, written.Count);
        Assert.Equal(stored.Count, written.Count + unwritten.Count);
    }
}
