using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Omise.Emulator;
using Xunit.Abstractions;

namespace OmiseLinks.Tests;

/// <summary>
/// Issue 15's ledger: however a run ends, what the server holds is what the run wrote plus what it named. A seeded,
/// randomized harness over endings x latency x faults x throttle; after each case, counting what the server holds:
/// links beyond those written stay within the look-ahead (2 x ThrottleLimit), every one is named in the warning or the
/// summary line, no invoice has two links, and the paid invoice in the input has no new one. Six more cases, one per
/// ending, with -Unordered (rows written as they finish): the same bound and the same account.
/// </summary>
public class LedgerTests(ITestOutputHelper log)
{
    public enum Ending { ServerRefusalUnderStop, FailingRowUnderStop, SelectFirst, CtrlC, ApiUnreachable, Complete }

    public static IEnumerable<object[]> Cases()
    {
        var random = new Random(2026_12_05);
        var endings = Enum.GetValues<Ending>();
        for (var i = 0; i < 12; i++)
            yield return [i, endings[i % endings.Length], random.Next(2) * 20, random.Next(2) == 1, new[] { 1, 4, 10 }[random.Next(3)], random.Next(1, 1000), false];
        var unordered = new Random(2026_12_06);
        for (var i = 0; i < endings.Length; i++)
            yield return [12 + i, endings[i], unordered.Next(2) * 20, unordered.Next(2) == 1, new[] { 1, 4, 10 }[unordered.Next(3)], unordered.Next(1, 1000), true];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_link_the_server_holds_is_written_or_named_and_none_is_a_duplicate_or_for_a_paid_invoice(
        int @case, Ending ending, int latencyMs, bool faults, int throttle, int seed, bool unordered)
    {
        await using var bed = await TestBed.StartAsync();
        const int Rows = 150;
        var random = new Random(seed);
        var failAt = random.Next(10, 60);
        var paidAt = random.Next(1, Rows);
        if (paidAt >= failAt) paidAt++; // never the failing row: each ending is met for its own reason
        var rows = Enumerable.Range(1, Rows).Select(i => TestBed.CsvRow(("invoice", $"LG-{i:000}"), ("amount", (20_000 + i).ToString()),
            ("currency", "thb"), ("title", $"Ledger {i:000}" + (i == failAt ? " REFUSE" : "")), ("description", "Ledger case"))).ToArray();
        // An invoice of this input was linked and paid an hour ago: the run must not link it again.
        var paid = bed.Emulator.AddLink(20_000 + paidAt, "thb", $"Ledger {paidAt:000}", "Ledger case", false,
            DateTimeOffset.UtcNow.AddHours(-1));
        bed.Emulator.PayLink(paid.Id);
        bed.Shell.SetVariable("rows", rows);

        var options = new FaultOptions { Seed = seed, LatencyMs = latencyMs };
        if (faults)
        {
            options.ServerError500 = 0.03;
            options.ServiceUnavailable503 = 0.03;
            options.RateLimitWithoutRetryAfter = 0.03;
            options.DropAfterStore = 0.02;
            options.BrokenCreateAnswer = 0.02;
        }
        if (ending is Ending.ServerRefusalUnderStop or Ending.FailingRowUnderStop)
        {
            options.RefuseTitleContaining = " REFUSE";
            options.RefuseStatus = ending == Ending.ServerRefusalUnderStop ? 400 : 503;
        }
        bed.Emulator.Faults = options;

        // What reached the pipeline's end is kept in $written, so an ending that throws or stops still shows what was written.
        var command = $"$rows | New-OmiseLink -ThrottleLimit {throttle} -MaxAttempts 3" + (unordered ? " -Unordered" : "");
        const string Keep = " | ForEach-Object { [void]$written.Add($_) }";
        bed.Shell.SetVariable("written", new System.Collections.ArrayList());
        PsResult result;
        switch (ending)
        {
            case Ending.ServerRefusalUnderStop:
            case Ending.FailingRowUnderStop:
                result = bed.Run("try { " + command + " -ErrorAction Stop" + Keep + " } catch { $stopped = $_ }");
                // The first row error stops the run: the paid invoice's, if it comes before the refused row; with faults, a row
                // whose every attempt met one may come first.
                var stoppedBy = bed.Run("$stopped.FullyQualifiedErrorId").Output.Single().ToString();
                // -Unordered: the first to finish, the paid invoice's (refused at once) or the refused row's.
                if (!faults && !unordered)
                    Assert.Contains(paidAt < failAt ? "AlreadyPaid" : ending == Ending.ServerRefusalUnderStop ? "InvalidAmount" : "ServiceUnavailable", stoppedBy);
                else
                    Assert.False(string.IsNullOrEmpty(stoppedBy));
                break;
            case Ending.SelectFirst:
                result = bed.Run(command + $" | Select-Object -First {failAt}" + Keep);
                break;
            case Ending.CtrlC:
                (result, _) = bed.Shell.RunAndStop(command + Keep, () => bed.Emulator.Links.Count >= failAt);
                break;
            case Ending.ApiUnreachable:
                var closed = new TcpListener(IPAddress.Loopback, 0);
                closed.Start();
                bed.Shell.SetVariable("down", new Uri($"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}/"));
                closed.Stop();
                result = bed.Run("Connect-Omise -SecretKey $key -ApiUri $down -SkipValidation; try { " + command + Keep + " } catch { $stopped = $_ }");
                break;
            default:
                result = bed.Run(command + Keep);
                break;
        }
        var output = bed.Run("$written").Output;

        var told = string.Join("\n", result.Warnings.Concat(result.Information).Concat(bed.Shell.Host.Lines));
        var written = output.Select(o => (string)o.Properties["Id"].Value).ToHashSet();
        var made = bed.Emulator.Links.Where(l => l.Id != paid.Id).ToList();
        var beyond = made.Where(l => !written.Contains(l.Id)).ToList();
        log.WriteLine($"case {@case}: {ending}{(unordered ? " -Unordered" : "")}, {latencyMs} ms, faults {faults}, throttle {throttle}, seed {seed}: " +
            $"{made.Count} links made, {written.Count} written, {beyond.Count} beyond; " +
            result.Information.FirstOrDefault(i => i.StartsWith("New-OmiseLink summary:"))?.Split(';').Take(4).Aggregate((a, b) => a + ";" + b));

        Assert.True(beyond.Count <= 2 * throttle, $"{beyond.Count} links beyond those written (look-ahead {2 * throttle})");
        Assert.All(beyond, l => Assert.True(told.Contains(l.Id), $"{l.Id} '{l.Title}' is neither written nor named: {told}"));
        Assert.All(made.GroupBy(l => l.Title), g => Assert.True(g.Count() == 1, $"{g.Count()} links for '{g.Key}'"));
        Assert.DoesNotContain(made, l => l.Title == paid.Title);
        Assert.Contains("New-OmiseLink summary:", told);
        if (ending == Ending.Complete)
        {
            Assert.Equal(Rows - 1, written.Count);
            Assert.Equal("AlreadyPaid", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        }
        if (ending == Ending.ApiUnreachable) Assert.Empty(made);
    }
}
