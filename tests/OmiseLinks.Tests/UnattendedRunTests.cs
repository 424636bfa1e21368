using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Omise.Emulator;
using Xunit.Abstractions;

namespace OmiseLinks.Tests;

/// <summary>
/// Issue 12, unattended runs: the end-of-run summary a scheduler's log keeps, the guard against running the same input
/// twice (counted in what the server holds), and failing fast when the API cannot be reached.
/// </summary>
public class UnattendedRunTests(ITestOutputHelper log)
{
    private static PSObject[] Rows(int count) => BulkCreationTests.Invoices(count);

    private static string Summary(PsResult result) => Assert.Single(result.Information, i => i.StartsWith("New-OmiseLink summary:"));

    [Fact]
    public async Task Every_run_ends_with_one_summary_line_tagged_PSHOST_that_never_reaches_the_output()
    {
        await using var bed = await TestBed.StartAsync();
        var rows = Rows(5).ToList();
        rows.Insert(2, TestBed.CsvRow(("invoice", "INV-BAD"), ("amount", "12.50"), ("currency", "thb"), ("title", "bad"), ("description", "d")));
        bed.Shell.SetVariable("rows", rows.ToArray());

        var result = bed.Run("$rows | New-OmiseLink -ErrorAction SilentlyContinue -InformationVariable info; $info | ForEach-Object { $_.Tags -join ',' } | Write-Warning");

        Assert.Equal(5, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal("Link", o.BaseObject.GetType().Name));
        var summary = Summary(result);
        Assert.Matches(@"^New-OmiseLink summary: 6 rows; 5 links written: 5 created; 1 failed: row 3 \(line 4\) INV-BAD \(amount\); \d+\.\d s \(test mode\)\.$", summary);
        Assert.Contains("PSHOST", result.Warnings);
        // The failed-rows warning names the same rows with the same words.
        Assert.Contains(result.Warnings, w => w.StartsWith("1 of 6 rows failed: row 3 (line 4) INV-BAD (amount)."));
        Assert.Equal(5, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task Verbose_names_each_row_and_its_link()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", Rows(3));

        var result = bed.Run("$rows | New-OmiseLink -Verbose");

        foreach (var link in result.Output)
        {
            var reference = (string)link.Properties["Reference"].Value;
            var id = (string)link.Properties["Id"].Value;
            Assert.Contains(result.Verbose, v => v.StartsWith("Row ") && v.Contains($", {reference}): created {id} ("));
        }
    }

    [Fact]
    public async Task ErrorAction_Stop_writes_every_earlier_link_sends_nothing_after_and_the_summary_tells_why()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 30 };
        var rows = Rows(20).ToList();
        rows.Insert(16, TestBed.CsvRow(("invoice", "INV-BAD"), ("amount", "1,500"), ("currency", "thb"), ("title", "bad"), ("description", "d")));
        bed.Shell.SetVariable("rows", rows.ToArray());

        var csv = Path.Combine(Path.GetTempPath(), $"omiselinks-stop-{Guid.NewGuid():N}.csv");
        bed.Shell.SetVariable("csv", csv);

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 8 -ErrorAction Stop | Export-Csv $csv -NoTypeInformation");

        Assert.NotNull(result.Terminating);
        // The links of rows 1-16 reached links.csv before row 17 stopped the run; no row after it was sent.
        var written = File.ReadAllLines(csv).Skip(1).ToList();
        File.Delete(csv);
        Assert.Equal(16, written.Count);
        Assert.All(bed.Emulator.Links, l => Assert.Contains(written, line => line.Contains(l.Id)));
        Assert.Equal(16, bed.Emulator.Links.Count);
        var summary = Summary(result);
        Assert.Contains("1 failed: row 17 (line 18) INV-BAD (amount)", summary);
        Assert.Contains("ended early: -ErrorAction Stop at the error of row 17 (line 18, INV-BAD)", summary);
    }

    [Fact]
    public async Task Running_the_same_rows_again_is_told_once_naming_the_existing_links_and_every_row_is_its_target()
    {
        await using var bed = await TestBed.StartAsync();
        var rows = Rows(12);
        bed.Shell.SetVariable("rows", rows);
        var first = bed.Run("$rows | New-OmiseLink");
        Assert.Equal(12, first.Output.Count);

        var second = bed.Run("$rows | New-OmiseLink -Verbose");

        Assert.Empty(second.Output);
        Assert.Equal(12, bed.Emulator.Links.Count);
        // One error for the run, not one a row (a repeated 2,000-row file would print thousands).
        var error = Assert.Single(second.Errors);
        Assert.Equal("AlreadyRun,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal(rows, Assert.IsType<object[]>(error.TargetObject));
        Assert.StartsWith("This input looks already run: 12 of 12 rows have an identical payable link created in the last 24 hours, the first at 20", error.ErrorDetails.Message);
        Assert.Contains("row 1 (line 2) INV-00001 (link_test_", error.ErrorDetails.Message);
        Assert.Contains("and 7 more (Verbose names each)", error.ErrorDetails.Message);
        Assert.Contains("-ReuseExisting writes these rows' links again", error.ErrorDetails.RecommendedAction);
        Assert.Contains("-AllowDuplicate", error.ErrorDetails.RecommendedAction);
        // Verbose names each row with the existing link it matched: each link holds back one row (rows 9 and 10 are twins).
        var named = second.Verbose.Where(v => v.Contains("(RecentDuplicate)")).Select(v => System.Text.RegularExpressions.Regex.Match(v, @"link_test_\w+").Value).Order();
        Assert.Equal(first.Output.Select(o => (string)o.Properties["Id"].Value).Order(), named);
        Assert.Contains("12 failed: row 1 (line 2) INV-00001 (same as link_test_", Summary(second));

        var reused = bed.Run("$rows | New-OmiseLink -ReuseExisting");
        Assert.Empty(reused.Errors);
        Assert.All(reused.Output, o => Assert.True((bool)o.Properties["Reused"].Value));
        Assert.Equal(12, bed.Emulator.Links.Count);

        var again = bed.Run("$rows | New-OmiseLink -AllowDuplicate");
        Assert.Empty(again.Errors);
        Assert.Equal(12, again.Output.Count);
        Assert.Equal(24, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task The_guard_takes_one_recent_link_per_row_refuses_a_paid_one_and_leaves_old_and_removed_links_alone()
    {
        await using var bed = await TestBed.StartAsync();
        var now = DateTimeOffset.UtcNow;
        bed.Emulator.AddLink(100, "thb", "Twin", "d", false, now.AddMinutes(-5));       // one recent link, two identical rows
        bed.Emulator.AddLink(200, "thb", "Old", "d", false, now.AddHours(-25));         // outside the window
        var paid = bed.Emulator.AddLink(300, "thb", "Paid", "d", false, now.AddMinutes(-5));
        bed.Emulator.PayLink(paid.Id);
        var removed = bed.Emulator.AddLink(400, "thb", "Removed", "d", false, now.AddMinutes(-5));
        bed.Run($"Remove-OmiseLink -Id {removed.Id} -Confirm:$false");
        var row = (string title, string amount) => TestBed.CsvRow(("amount", amount), ("currency", "thb"), ("title", title), ("description", "d"));
        bed.Shell.SetVariable("rows", new[] { row("Twin", "100"), row("Twin", "100"), row("Old", "200"), row("Paid", "300"), row("Removed", "400") });

        var result = bed.Run("$rows | New-OmiseLink");

        // The twin rows: one refused as a recent duplicate, one created. The paid invoice is never linked again.
        Assert.Equal(["AlreadyPaid", "AlreadyRun"], result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.StartsWith("Row 4 (line 5): Not created: a single-use link with the same amount, currency, title, description and multiple flag was already paid: " + paid.Id, result.Errors[0].ErrorDetails.Message);
        Assert.Contains("1 of 5 rows have an identical payable link", result.Errors[1].ErrorDetails.Message);
        Assert.Contains("row 1 (line 2) (link_test_", result.Errors[1].ErrorDetails.Message);
        Assert.Equal(["Twin", "Old", "Removed"], result.Output.Select(o => (string)o.Properties["Title"].Value));
        Assert.Equal(4 + 3, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task An_unreachable_API_stops_the_run_once_with_ApiUnreachable_and_queued_rows_are_never_sent()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        bed.Shell.SetVariable("down", new Uri($"http://127.0.0.1:{port}/"));
        bed.Shell.SetVariable("rows", Rows(300));

        var clock = Stopwatch.StartNew();
        var result = bed.Run("Connect-Omise -SecretKey $key -ApiUri $down -SkipValidation; $rows | New-OmiseLink -AllowDuplicate -Verbose");
        clock.Stop();
        log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s; {Summary(result)}");

        var stop = Assert.Single(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("ApiUnreachable"));
        Assert.Equal(ErrorCategory.ConnectionError, stop.CategoryInfo.Category);
        Assert.Contains("could not be reached for 3 rows in a row", stop.ErrorDetails.Message);
        Assert.True(result.Errors.Count <= 4, string.Join("\n", result.Errors));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        var sent = result.Verbose.Count(v => v.StartsWith("POST /links failed")) + 10; // retries traced, plus at most the throttle's first attempts
        Assert.InRange(sent, 1, 60);
        var summary = Summary(result);
        Assert.Contains("ended early: the API could not be reached", summary);
        // At most the look-ahead (twice the throttle) beyond the rows that failed was sent; every other row never was.
        var neverSent = int.Parse(System.Text.RegularExpressions.Regex.Match(summary, @"(\d+) row\(s\) were never sent").Groups[1].Value);
        Assert.InRange(neverSent, 300 - (3 + 2 * 4 + 1), 300);
        Assert.Matches(@"\d+ row\(s\) were never sent", summary);
    }

    /// <summary>What the guard costs a run: requests and time at 50 ms a request, with 0, 1,000 and 20,000 links in its window.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(20000)]
    public async Task The_guard_reads_only_its_window_one_page_per_100_links(int recent)
    {
        await using var bed = await TestBed.StartAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < recent; i++) bed.Emulator.AddLink(1000 + i, "thb", $"Earlier {i}", "d", false, now.AddSeconds(-3600 - i % 3600));
        for (var i = 0; i < 500; i++) bed.Emulator.AddLink(1000 + i, "thb", $"Last month {i}", "d", false, now.AddDays(-30));
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 50 };
        bed.Shell.SetVariable("rows", Rows(20));

        var (plainRequests, plainTime) = Measure(bed, "$rows | New-OmiseLink -AllowDuplicate");
        bed.Shell.SetVariable("rows", Rows(20).Select(r => { r.Properties["description"].Value = "Guarded"; return r; }).ToArray());
        var (guardedRequests, guardedTime) = Measure(bed, "$rows | New-OmiseLink");

        var pages = Math.Max(1, (recent + 20 + 99) / 100);
        log.WriteLine($"{recent} links in the window: guard costs {guardedRequests - plainRequests} request(s) " +
            $"({pages} expected) and {(guardedTime - plainTime).TotalMilliseconds:0} ms; run of 20 rows {plainTime.TotalMilliseconds:0} ms without, {guardedTime.TotalMilliseconds:0} ms with");
        Assert.Equal(pages, guardedRequests - plainRequests);
    }

    private static (long Requests, TimeSpan Took) Measure(TestBed bed, string script)
    {
        bed.Emulator.ResetStats();
        var clock = Stopwatch.StartNew();
        var result = bed.Run(script);
        clock.Stop();
        Assert.Empty(result.Errors);
        Assert.Equal(20, result.Output.Count);
        return (bed.Emulator.RequestCount, clock.Elapsed);
    }
}
