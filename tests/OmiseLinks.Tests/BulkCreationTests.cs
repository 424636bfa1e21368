using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>Concurrency, retries, exactly-once and resume of New-OmiseLink, against the emulator's injected faults.</summary>
public class BulkCreationTests
{
    /// <summary>Rows with distinct fields, the invoice number in the reference column; every tenth is a copy of the one before (two links wanted).</summary>
    internal static PSObject[] Invoices(int count, string prefix = "INV")
    {
        var currencies = new[] { "thb", "jpy", "sgd", "myr", "usd" };
        return Enumerable.Range(1, count).Select(i =>
        {
            var n = i % 10 == 0 ? i - 1 : i;
            return TestBed.CsvRow(("invoice", $"{prefix}-{i:00000}"), ("amount", (10_000 + n).ToString()), ("currency", currencies[n % 5]),
                ("title", $"Invoice {prefix}-{n:00000}"), ("description", "Monthly fee"), ("multiple", n % 7 == 0 ? "true" : "false"));
        }).ToArray();
    }

    /// <summary>Every row is one link or one error, in input order; every stored link belongs to exactly one row.</summary>
    private static void AssertExactlyOnce(EmulatorServer emulator, PSObject[] rows, PsResult result)
    {
        Assert.Equal(rows.Length, result.Output.Count + result.Errors.Count);
        var expectedOrder = rows.Select(r => (string)r.Properties["invoice"].Value).ToList();
        var outputOrder = result.Output.Select(o => (string)o.Properties["Reference"].Value).ToList();
        Assert.Equal(expectedOrder.Where(outputOrder.Contains), outputOrder);
        var ids = result.Output.Select(o => (string)o.Properties["Id"].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var stored = emulator.Links.Where(l => !l.Deleted).Select(l => l.Id).OrderBy(x => x).ToList();
        Assert.Equal(stored, ids.OrderBy(x => x).ToList());
        foreach (var link in result.Output)
        {
            var row = rows.Single(r => (string)r.Properties["invoice"].Value == (string)link.Properties["Reference"].Value);
            Assert.Equal(long.Parse((string)row.Properties["amount"].Value), link.Properties["Amount"].Value);
            Assert.Equal((string)row.Properties["title"].Value, link.Properties["Title"].Value);
        }
    }

    [Fact]
    public async Task Requests_overlap_up_to_the_throttle_and_output_keeps_input_order()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 20 };
        var rows = Invoices(60);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 6");

        Assert.Empty(result.Errors);
        AssertExactlyOnce(bed.Emulator, rows, result);
        Assert.InRange(bed.Emulator.MaxConcurrentRequests, 2, 6);
    }

    [Fact]
    public async Task A_create_dropped_after_the_server_stored_it_is_found_and_adopted_not_created_twice()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { DropAfterStore = 1.0, OnlyPaths = "POST /links" };
        var rows = Invoices(10);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -Verbose");

        Assert.Empty(result.Errors);
        AssertExactlyOnce(bed.Emulator, rows, result);
        Assert.Equal(10, bed.Emulator.Links.Count);
        Assert.Equal(10, bed.Emulator.FaultsInjected["drop-after"]);
        Assert.Contains(result.Verbose, v => v.Contains("adopting it instead of creating another"));
        Assert.All(result.Output, o => Assert.Equal(false, o.Properties["Reused"].Value));
    }

    [Fact]
    public async Task Two_identical_rows_are_two_links_even_when_every_answer_is_lost()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { DropAfterStore = 1.0, OnlyPaths = "POST /links" };
        var row = TestBed.CsvRow(("amount", "5000"), ("currency", "thb"), ("title", "Same"), ("description", "Same"));
        bed.Shell.SetVariable("rows", new[] { row, row, row });

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 3");

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Output.Select(o => o.Properties["Id"].Value).Distinct().Count());
        Assert.Equal(3, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task A_create_refused_before_it_was_stored_is_sent_again()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { Seed = 7, DropBeforeStore = 0.3, ServiceUnavailable503 = 0.1, OnlyPaths = "POST /links" };
        var rows = Invoices(20);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -MaxAttempts 10");

        Assert.Empty(result.Errors);
        AssertExactlyOnce(bed.Emulator, rows, result);
        Assert.True(bed.Emulator.FaultsInjected.GetValueOrDefault("drop-before") > 0);
    }

    [Fact]
    public async Task Rate_limits_are_retried_after_the_time_the_server_asks_for()
    {
        await using var bed = await TestBed.StartAsync(virtualTime: true);
        bed.Emulator.Faults = new FaultOptions { Seed = 3, RateLimitWithRetryAfter = 0.5, RetryAfterSeconds = 1, OnlyPaths = "POST /links" };
        var rows = Invoices(4);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1 -MaxAttempts 10 -Verbose");

        Assert.Empty(result.Errors);
        AssertExactlyOnce(bed.Emulator, rows, result);
        Assert.Contains(result.Verbose, v => v.Contains("(429 too_many_requests)") && v.Contains("in 1000 ms"));
        // Each retry line names its row, so a log shows which invoice waited.
        Assert.All(result.Verbose.Where(v => v.Contains("(429 too_many_requests)")),
            v => Assert.Matches(@"^Row \d \(line \d, INV-0000\d\): POST /links failed \(429 too_many_requests\); attempt \d+ of 10 in 1000 ms$", v));
        Assert.DoesNotContain(result.Verbose, v => v.Contains("looking for the link"));
        // A row waiting out a Retry-After holds no request slot, so rows wait side by side; each row's own waits follow one
        // another on the session's clock.
        var longestRow = result.Verbose.Where(v => v.Contains("(429 too_many_requests)")).GroupBy(v => v.Split(':')[0]).Max(g => g.Count());
        Assert.True(bed.Clock!.Elapsed >= TimeSpan.FromSeconds(longestRow), $"a row's {longestRow} Retry-After waits of 1 s took {bed.Clock.Elapsed} of the session's clock");
    }

    [Fact]
    public async Task ReuseExisting_makes_a_rerun_after_an_interruption_create_only_the_missing_links()
    {
        await using var bed = await TestBed.StartAsync();
        var rows = Invoices(12);
        bed.Shell.SetVariable("firstHalf", rows.Take(7).ToArray());
        bed.Shell.SetVariable("rows", rows);
        bed.Run("$firstHalf | New-OmiseLink");
        var deleted = bed.Emulator.Links[0].Id;
        bed.Run($"Remove-Variable x -ErrorAction Ignore");

        var rerun = bed.Run("$rows | New-OmiseLink -ReuseExisting");

        Assert.Empty(rerun.Errors);
        Assert.Equal(12, rerun.Output.Count);
        Assert.Equal(Enumerable.Repeat(true, 7).Concat(Enumerable.Repeat(false, 5)), rerun.Output.Select(o => (bool)o.Properties["Reused"].Value));
        Assert.Equal(12, bed.Emulator.Links.Count);
        AssertExactlyOnce(bed.Emulator, rows, rerun);
        Assert.NotNull(deleted);
    }

    [Fact]
    public async Task A_rerun_with_ReuseExisting_gives_each_of_many_identical_rows_the_link_the_first_run_made_for_it()
    {
        // 40 invoices with the same amount, title and description: their links differ only in id, and the server lists
        // them in the order they were made. One row at a time, so both runs take the rows strictly in input order.
        await using var bed = await TestBed.StartAsync();
        var rows = Enumerable.Range(1, 40).Select(i => TestBed.CsvRow(("Invoice No", $"P-{i:000}"), ("amount", "50000"), ("currency", "thb"),
            ("title", "Monthly parking"), ("description", "Car park March"))).ToArray();
        bed.Shell.SetVariable("rows", rows);

        var first = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1 -AllowDuplicate");
        var rerun = bed.Run("$rows | New-OmiseLink -ThrottleLimit 1 -ReuseExisting");

        Assert.Empty(first.Errors);
        Assert.Empty(rerun.Errors);
        Dictionary<string, string> Pairs(PsResult r) => r.Output.ToDictionary(o => (string)o.Properties["Reference"].Value, o => (string)o.Properties["Id"].Value);
        Assert.Equal(40, bed.Emulator.Links.Count);
        Assert.Equal(Pairs(first).OrderBy(p => p.Key), Pairs(rerun).OrderBy(p => p.Key));
        Assert.All(rerun.Output, o => Assert.True((bool)o.Properties["Reused"].Value));
    }

    [Fact]
    public async Task Progress_shows_rows_done_and_is_cleared_at_the_end()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 5 };
        bed.Shell.SetVariable("rows", Invoices(150));

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 2");

        Assert.Contains(result.Progress, p => p.StatusDescription.Contains("rows done") && p.StatusDescription.Contains("created"));
        Assert.Equal(ProgressRecordType.Completed, result.Progress.Last().RecordType);
    }

    [Fact]
    public async Task Ctrl_C_stops_within_the_look_ahead_and_every_stored_link_is_written_out_or_named_to_the_host()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 100 };
        bed.Shell.SetVariable("rows", Invoices(500));

        var (result, _) = bed.Shell.RunAndStop("$rows | New-OmiseLink -ThrottleLimit 4", () => bed.Emulator.Links.Count >= 10);

        // Only the rows in flight or finished behind the oldest one (the look-ahead, twice the throttle) can have links
        // beyond those written; no wall-clock bound: the stop waits for exactly those requests.
        var written = result.Output.Count;
        Assert.InRange(bed.Emulator.Links.Count - written, 0, 2 * 4 + 1); // +1: a link PowerShell took as the stop came
        // After Ctrl+C the warning and the summary line (which names every unwritten link) go straight to the host.
        bed.AssertEveryStoredLinkAccountedFor(result, string.Join("\n", bed.Shell.Host.Lines));
    }

    [Fact]
    public async Task A_terminating_error_later_in_the_pipeline_still_names_links_already_created()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 30 };
        var rows = Invoices(6).ToList();
        rows.Insert(5, TestBed.CsvRow(("amount", "12.50"), ("currency", "thb"), ("title", "bad"), ("description", "d")));
        bed.Shell.SetVariable("rows", rows.ToArray());

        var seen = new List<object>();
        bed.Shell.SetVariable("seen", seen);
        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 4 -ErrorAction Stop | ForEach-Object { $seen.Add($_.Id) }");

        Assert.NotNull(result.Terminating);
        var written = seen.Select(o => o.ToString()!).ToHashSet();
        var warning = string.Join("\n", bed.Shell.Host.Lines.Concat(result.Warnings));
        // Rows still queued when the pipeline ended are never sent: at most the five good rows have links.
        Assert.InRange(bed.Emulator.Links.Count, 1, 5);
        foreach (var link in bed.Emulator.Links)
            Assert.True(written.Contains(link.Id) || warning.Contains(link.Id), $"{link.Id} was stored but neither written nor named");
        var unwritten = 5 - written.Count;
        if (bed.Emulator.Links.Count < 5) Assert.Contains($"{5 - bed.Emulator.Links.Count} row(s) were never sent", warning);
    }
}
