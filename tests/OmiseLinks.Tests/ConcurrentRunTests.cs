using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>
/// Issue 15: a double-triggered schedule. Two runs of the same input started together, in two runspaces, against a server
/// that honours Idempotency-Key: the same row sends the same key in both runs, so the server makes one link per invoice.
/// </summary>
public class ConcurrentRunTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public async Task Two_runs_of_the_same_file_started_together_make_one_link_per_invoice(int latencyMs)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = latencyMs };
        using var other = new HostedPowerShell();
        other.SetVariable("key", TestBed.Secure(bed.Emulator.SecretKey));
        other.SetVariable("api", bed.Emulator.BaseUri);
        Assert.Empty(other.Run("Connect-Omise -SecretKey $key -ApiUri $api").Errors);
        var rows = BulkCreationTests.Invoices(40);
        bed.Shell.SetVariable("rows", rows);
        other.SetVariable("rows", rows);

        using var start = new ManualResetEventSlim();
        var first = Task.Run(() => { start.Wait(); return bed.Run("$rows | New-OmiseLink -ThrottleLimit 4"); });
        var second = Task.Run(() => { start.Wait(); return other.Run("$rows | New-OmiseLink -ThrottleLimit 4"); });
        start.Set();
        var results = await Task.WhenAll(first, second);

        // 40 invoices (every tenth is a copy of the one before with its own invoice number: two links wanted), 40 links.
        Assert.Equal(40, bed.Emulator.Links.Count);
        var stored = bed.Emulator.Links.Select(l => l.Id).ToHashSet();
        foreach (var result in results)
        {
            Assert.Null(result.Terminating);
            // Each run accounts for every row: a link (created, or the other run's answered under the same key), or the
            // one AlreadyRun error for the rows the other run had already linked when this one read the recent links.
            var refused = result.Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("AlreadyRun")).Sum(e => ((object[])e.TargetObject).Length);
            Assert.Equal(result.Errors.Count, result.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("AlreadyRun")));
            Assert.Equal(40, result.Output.Count + refused);
            Assert.All(result.Output, o => Assert.Contains((string)o.Properties["Id"].Value, stored));
        }
    }
}
