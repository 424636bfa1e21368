using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>
/// Issue 8, through the real module against the emulator: however a run ends and however the server answers, the server
/// ends up holding exactly the links the rows asked for, never one more, and never one made with another key.
/// </summary>
public class EarlyEndTests
{
    private static string AllWarnings(TestBed bed, PsResult result) => string.Join("\n", result.Warnings.Concat(bed.Shell.Host.Lines));

    [Fact]
    public async Task A_downstream_Select_First_5_leaves_about_the_throttle_of_extra_links_never_the_queued_rows()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 20 };
        bed.Shell.SetVariable("rows", BulkCreationTests.Invoices(2000));

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 10 | Select-Object -First 5");
        // The run waited for the rows it had sent: no request is left in flight, so the server holds all it ever will.
        Assert.Equal(0, bed.Emulator.InFlight);

        Assert.Equal(5, result.Output.Count);
        var stored = bed.Emulator.Links;
        // At most the look-ahead (twice the throttle) beyond the oldest row not written, however loaded the machine: the
        // rows beyond it were never read.
        Assert.True(stored.Count >= 5 && stored.Count <= 5 + 2 * 10, $"{stored.Count} links stored for 5 written");
        var warning = AllWarnings(bed, result);
        Assert.Contains("New-OmiseLink ended before writing every row", warning);
        var written = result.Output.Select(o => (string)o.Properties["Id"].Value).ToHashSet();
        var unwritten = stored.Where(l => !written.Contains(l.Id)).ToList();
        Assert.Contains($"{unwritten.Count} link(s) were created but not written out", warning);
        // The warning names the first five, then a count; the summary line (kept by transcripts and *> logs) names every
        // one with its row, so no link the output lost is left out of a log.
        var warningStream = string.Join("\n", result.Warnings);
        Assert.Equal(Math.Min(5, unwritten.Count), unwritten.Count(l => warningStream.Contains(l.Id)));
        if (unwritten.Count > 5) Assert.Contains($"and {unwritten.Count - 5} more (the summary line names each)", warning);
        var summary = Assert.Single(result.Information, i => i.StartsWith("New-OmiseLink summary:"));
        Assert.All(unwritten, l => Assert.Matches(l.Id + @" \(row \d+ \(line \d+\) INV-", summary));
        // The fifth link reached Select-Object before it ended the pipeline: written, and no Ctrl+C was pressed.
        Assert.Contains("; 5 links written: 5 created;", summary);
        Assert.Contains("a later command in the pipeline needed no more rows", summary);
        Assert.DoesNotContain("Ctrl+C", summary);
    }

    [Fact]
    public async Task The_end_of_run_account_goes_through_the_warning_stream_and_honours_WarningAction()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 20 };
        bed.Shell.SetVariable("rows", BulkCreationTests.Invoices(300));

        var shown = bed.Run("$rows | New-OmiseLink -ThrottleLimit 4 | Select-Object -First 2");
        bed.Shell.Host.Lines.Clear();
        var silenced = bed.Run("$rows | New-OmiseLink -ThrottleLimit 4 -WarningAction SilentlyContinue | Select-Object -First 2");

        Assert.Contains(shown.Warnings, w => w.Contains("ended before writing every row"));
        Assert.DoesNotContain(silenced.Warnings, w => w.Contains("ended before writing every row"));
        Assert.DoesNotContain(bed.Shell.Host.Lines, l => l.Contains("ended before writing every row"));
    }

    [Fact]
    public async Task Ctrl_C_sends_nothing_more_and_every_stored_link_is_written_or_named()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { LatencyMs = 30 };
        bed.Shell.SetVariable("rows", BulkCreationTests.Invoices(2000));

        var (result, _) = bed.Shell.RunAndStop("$rows | New-OmiseLink -ThrottleLimit 10", () => bed.Emulator.Links.Count >= 30);
        // Ctrl+C let the rows already sent finish: no request is left in flight, so the server holds all it ever will.
        Assert.Equal(0, bed.Emulator.InFlight);
        var warning = AllWarnings(bed, result);
        bed.AssertEveryStoredLinkAccountedFor(result, warning);
        Assert.Contains("were never sent", warning);
    }
}

public class HostileServerTests
{
    [Theory]
    [InlineData("EmptyObject")]
    [InlineData("ObjectOnly")]
    [InlineData("ErrorObject")]
    public async Task A_broken_200_to_a_create_is_never_written_as_a_link_the_stored_link_is(string shape)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Emulator.Faults = new FaultOptions { BrokenCreateAnswer = 1.0, BrokenAnswerShape = Enum.Parse<BrokenAnswerShape>(shape), OnlyPaths = "POST /links" };
        var rows = BulkCreationTests.Invoices(6);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink");

        Assert.Empty(result.Errors);
        Assert.Equal(6, result.Output.Count);
        Assert.All(result.Output, o => Assert.StartsWith("https://link.omise.co/", (string)o.Properties["PaymentUri"].Value));
        Assert.Equal(6, bed.Emulator.Links.Count);
        Assert.Equal(bed.Emulator.Links.Select(l => l.Id).Order(), result.Output.Select(o => (string)o.Properties["Id"].Value).Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_link_stored_after_the_502_is_not_created_again_whether_or_not_the_server_honours_the_key(bool ignoreKey)
    {
        await using var bed = await TestBed.StartAsync(virtualTime: true);
        bed.Emulator.IgnoreIdempotencyKey = ignoreKey;
        bed.Emulator.Faults = new FaultOptions { LateStoreAfter502 = 1.0, LateStoreDelayMs = 1500, OnlyPaths = "POST /links" };
        var rows = BulkCreationTests.Invoices(3);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 3");
        await WaitForLateStores(bed.Emulator);

        Assert.Empty(result.Errors);
        Assert.Equal(3, bed.Emulator.Links.Count);
        Assert.Equal(bed.Emulator.Links.Select(l => l.Id).Order(), result.Output.Select(o => (string)o.Properties["Id"].Value).Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_link_stored_after_the_client_timed_out_is_not_created_again(bool ignoreKey)
    {
        await using var bed = await TestBed.StartAsync(connect: false, virtualTime: true);
        bed.Run("Connect-Omise -SecretKey $key -ApiUri $api -TimeoutSec 1");
        bed.Emulator.IgnoreIdempotencyKey = ignoreKey;
        bed.Emulator.Faults = new FaultOptions { LateStoreAfterTimeout = 1.0, HangMs = 1800, OnlyPaths = "POST /links" };
        var rows = BulkCreationTests.Invoices(2);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -ThrottleLimit 2 -Verbose");
        await WaitForLateStores(bed.Emulator);

        Assert.Empty(result.Errors);
        Assert.Equal(2, bed.Emulator.Links.Count);
        Assert.Contains(result.Verbose, v => v.Contains("no link yet; looking again for up to 3 s"));
        Assert.Equal(bed.Emulator.Links.Select(l => l.Id).Order(), result.Output.Select(o => (string)o.Properties["Id"].Value).Order());
    }

    [Fact]
    public async Task Every_create_of_a_row_carries_one_Idempotency_Key_and_each_row_its_own()
    {
        await using var bed = await TestBed.StartAsync(virtualTime: true);
        bed.Emulator.Faults = new FaultOptions { DropAfterStore = 0.5, ServiceUnavailable503 = 0.3, OnlyPaths = "POST /links", Seed = 4 };
        var rows = BulkCreationTests.Invoices(20);
        bed.Shell.SetVariable("rows", rows);

        var result = bed.Run("$rows | New-OmiseLink -MaxAttempts 8");
        await WaitForLateStores(bed.Emulator);

        Assert.Empty(result.Errors);
        Assert.Equal(20, bed.Emulator.Links.Count);
        Assert.Equal(20, bed.Emulator.Links.Select(l => l.IdempotencyKey).Distinct().Count());
        Assert.Equal(bed.Emulator.CreateLinkRequests, bed.Emulator.IdempotencyKeyedRequests);
        Assert.True(bed.Emulator.CreateLinkRequests > 20);
    }

    [Fact]
    public async Task A_list_that_ignores_offset_ends_a_reuse_run_with_an_error_not_a_loop()
    {
        await using var bed = await TestBed.StartAsync();
        for (var i = 0; i < 250; i++) bed.Emulator.AddLink(100 + i, "thb", $"Old {i}", "d", false, DateTimeOffset.UtcNow.AddHours(-1));
        bed.Emulator.Faults = new FaultOptions { ListIgnoresOffset = true };
        bed.Shell.SetVariable("rows", BulkCreationTests.Invoices(3));

        var result = bed.Run("$rows | New-OmiseLink -ReuseExisting");

        Assert.Equal(3, result.Errors.Count);
        Assert.Contains("ignores offset", result.Errors[0].ToString());
        Assert.Equal(250, bed.Emulator.Links.Count);
        Assert.InRange(bed.Emulator.RequestCount, 2, 20);
    }

    [Fact]
    public async Task Connect_Omise_against_a_server_that_trickles_its_answer_gives_up_within_its_check_time()
    {
        await using var bed = await TestBed.StartAsync(connect: false, virtualTime: true);
        bed.Emulator.Faults = new FaultOptions { TrickleBodyMs = 500, OnlyPaths = "GET /account" };

        var result = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api");

        // On the session's clock (virtual here): the check ends at its 20 s, not at the 60 s of one request.
        var gaveUpAfter = bed.Clock!.Elapsed;
        Assert.InRange(gaveUpAfter, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(21));
        Assert.Equal("Timeout,OmiseLinks.Commands.ConnectOmiseCommand", result.FirstError!.FullyQualifiedErrorId);
    }

    private static Task WaitForLateStores(EmulatorServer emulator) => emulator.LateStoresLandedAsync();
}

public class ReuseExistingTests
{
    [Fact]
    public async Task Last_months_link_with_the_same_fields_is_never_handed_to_this_months_invoice()
    {
        // The invoice number is never sent to Omise: November's "Parking fee" link of another tenant has the same fields.
        await using var bed = await TestBed.StartAsync();
        var november = bed.Emulator.AddLink(200000, "thb", "Parking fee", "Monthly parking", false, DateTimeOffset.UtcNow.AddDays(-30));
        var lastNight = bed.Emulator.AddLink(200000, "thb", "Parking fee", "Monthly parking", false, DateTimeOffset.UtcNow.AddHours(-10));
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("invoice", "INV-2612-A12"), ("amount", "200000"), ("currency", "thb"), ("title", "Parking fee"), ("description", "Monthly parking")),
            TestBed.CsvRow(("invoice", "INV-2612-A14"), ("amount", "200000"), ("currency", "thb"), ("title", "Parking fee"), ("description", "Monthly parking")),
        });

        var result = bed.Run("$rows | New-OmiseLink -ReuseExisting");

        Assert.Empty(result.Errors);
        Assert.Equal(lastNight.Id, result.Output[0].Properties["Id"].Value);
        Assert.Equal(true, result.Output[0].Properties["Reused"].Value);
        Assert.Equal(false, result.Output[1].Properties["Reused"].Value);
        Assert.DoesNotContain(result.Output, o => (string)o.Properties["Id"].Value == november.Id);
        Assert.Equal(3, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task ReuseSince_widens_the_window_for_a_run_resumed_days_later()
    {
        await using var bed = await TestBed.StartAsync();
        var friday = bed.Emulator.AddLink(5000, "thb", "Invoice 9", "Dec", false, DateTimeOffset.UtcNow.AddDays(-3));
        bed.Shell.SetVariable("since", DateTime.Now.AddDays(-4));

        var result = bed.Run("New-OmiseLink -Amount 5000 -Currency thb -Title 'Invoice 9' -Description Dec -ReuseExisting -ReuseSince $since");

        Assert.Empty(result.Errors);
        Assert.Equal(friday.Id, Assert.Single(result.Output).Properties["Id"].Value);
        Assert.Single(bed.Emulator.Links);
    }

    [Fact]
    public async Task A_paid_single_use_link_is_never_handed_out_nor_linked_again_a_multiple_use_one_is_reused()
    {
        await using var bed = await TestBed.StartAsync();
        var paid = bed.Emulator.AddLink(5000, "thb", "Invoice 7", "June", false, DateTimeOffset.UtcNow.AddHours(-3));
        bed.Emulator.PayLink(paid.Id);
        var removed = bed.Emulator.AddLink(5000, "thb", "Invoice 7", "June", false, DateTimeOffset.UtcNow.AddHours(-2));
        bed.Run($"Remove-OmiseLink -Id {removed.Id} -Confirm:$false");
        var donations = bed.Emulator.AddLink(0, "thb", "Donations", "Any amount", true, DateTimeOffset.UtcNow.AddHours(-1));
        bed.Emulator.PayLink(donations.Id, 100);

        var result = bed.Run("""
            New-OmiseLink -Amount 5000 -Currency thb -Title 'Invoice 7' -Description June -ReuseExisting
            New-OmiseLink -Amount 0 -Currency thb -Title Donations -Description 'Any amount' -Multiple -ReuseExisting
            """);

        // The paid invoice gets no second link (AlreadyPaid, naming it); the multiple-use link is reused.
        var error = Assert.Single(result.Errors);
        Assert.Equal("AlreadyPaid,OmiseLinks.Commands.NewOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Contains("already paid: " + paid.Id, error.ErrorDetails.Message);
        Assert.Contains(", paid 20", error.ErrorDetails.Message);
        Assert.Contains("-AllowDuplicate", error.ErrorDetails.RecommendedAction);
        var output = Assert.Single(result.Output);
        Assert.Equal(true, output.Properties["Reused"].Value);
        Assert.Equal(donations.Id, output.Properties["Id"].Value);
        Assert.Equal(3, bed.Emulator.Links.Count);

        // -AllowDuplicate is the explicit way to link a paid invoice again.
        var again = bed.Run("New-OmiseLink -Amount 5000 -Currency thb -Title 'Invoice 7' -Description June -ReuseExisting -AllowDuplicate");
        Assert.Empty(again.Errors);
        Assert.NotEqual(paid.Id, Assert.Single(again.Output).Properties["Id"].Value);
        Assert.Equal(4, bed.Emulator.Links.Count);
    }
}

public class KeySafetyTests
{
    [Fact]
    public async Task A_failed_Connect_Omise_leaves_no_session_so_no_link_is_made_with_the_key_before()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("wrong", TestBed.Secure("skey_test_5wr0ngk3yf0rt3sts00"));

        var result = bed.Run("""
            Connect-Omise -SecretKey $wrong -ApiUri $api
            New-OmiseLink -Amount 100 -Currency thb -Title t -Description d
            """);

        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("AuthenticationFailed"));
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("NotConnected"));
        Assert.Empty(bed.Emulator.Links);
    }

    [Fact]
    public async Task In_ForEach_Object_Parallel_a_failed_connect_in_a_reused_runspace_does_not_use_the_earlier_key()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("manifest", Repo.ModuleManifest);
        bed.Shell.SetVariable("good", bed.Emulator.SecretKey);

        var result = bed.Run("""
            'skey_test_5wr0ngk3yf0rt3sts00', $good | ForEach-Object {
                $k = if ($_ -eq $good) { $good } else { 'skey_test_5wr0ngk3yf0rt3sts00' }; $k } | Out-Null
            $good, 'skey_test_5wr0ngk3yf0rt3sts00' | ForEach-Object -ThrottleLimit 1 -Parallel {
                Import-Module $using:manifest
                $env:OMISE_SECRET_KEY = $_
                try { Connect-Omise -ApiUri $using:api -ErrorAction Stop } catch { "connect failed: $($_.FullyQualifiedErrorId)" }
                try { (New-OmiseLink -Amount 100 -Currency thb -Title "from $($_.Substring(0, 12))" -Description d -ErrorAction Stop).Id }
                catch { "create failed: $($_.FullyQualifiedErrorId)" }
            }
            """);

        var lines = result.Output.Select(o => o.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith("connect failed: AuthenticationFailed"));
        Assert.Contains(lines, l => l.StartsWith("create failed: NotConnected"));
        Assert.Single(bed.Emulator.Links);
    }

    [Fact]
    public async Task A_plain_string_given_to_Credential_is_refused_without_a_prompt_and_without_echoing_it()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var key = bed.Emulator.SecretKey;

        var result = bed.Run($"Connect-Omise -Credential '{key}' -ApiUri $api");

        Assert.NotNull(result.FirstError);
        Assert.Contains("-Credential takes a PSCredential", result.FirstError!.ToString());
        Assert.DoesNotContain(key, result.AllText().Replace($"-Credential '{key}'", ""));
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task An_ApiUri_with_a_password_in_it_is_refused_and_the_password_shown_nowhere()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("withPassword", new Uri($"http://ops:Hunter2pw@127.0.0.1:{bed.Emulator.BaseUri.Port}/"));

        var result = bed.Run("Connect-Omise -SecretKey $key -ApiUri $withPassword -Verbose; New-OmiseLink -Amount 1 -Currency thb -Title t -Description d");

        Assert.Equal("InvalidApiUri,OmiseLinks.Commands.ConnectOmiseCommand", result.Errors[0].FullyQualifiedErrorId);
        Assert.DoesNotContain("Hunter2pw", result.AllText());
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task A_proxy_is_never_used_for_a_loopback_endpoint_so_the_key_never_reaches_it()
    {
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var port = ((IPEndPoint)proxy.LocalEndpoint).Port;
        var connections = 0;
        _ = Task.Run(async () =>
        {
            try { while (true) { using var c = await proxy.AcceptTcpClientAsync(); Interlocked.Increment(ref connections); } }
            catch (Exception) { }
        });
        var before = System.Net.Http.HttpClient.DefaultProxy;
        try
        {
            System.Net.Http.HttpClient.DefaultProxy = new WebProxy($"http://127.0.0.1:{port}");
            await using var bed = await TestBed.StartAsync();

            var result = bed.Run("New-OmiseLink -Amount 100 -Currency thb -Title t -Description d");

            Assert.Empty(result.Errors);
            Assert.Single(bed.Emulator.Links);
            Assert.Equal(0, connections);
        }
        finally
        {
            System.Net.Http.HttpClient.DefaultProxy = before;
            proxy.Stop();
        }
    }
}

public class LinkIdTests
{
    [Theory]
    [InlineData("Get-OmiseLink -Id '{0}'")]
    [InlineData("Remove-OmiseLink -Id '{0}' -Confirm:$false")]
    [InlineData("Get-OmiseLinkCharge -Id '{0}'")]
    public async Task Dots_and_paths_given_as_ids_are_one_error_each_and_no_request(string command)
    {
        await using var bed = await TestBed.StartAsync();

        foreach (var id in new[] { ".", "..", "../account", "link_test_x/../../account" })
        {
            var result = bed.Run(string.Format(command, id));
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("InvalidLinkId", error.FullyQualifiedErrorId);
            Assert.Contains("is not a link id", error.ToString());
            Assert.Empty(result.Output);
        }
        Assert.Equal(0, bed.Emulator.RequestCount);
    }
}

/// <summary>What a tryout as a new ops admin found: rows that would silently make a second or a wrong link.</summary>
public class InputMistakeTests
{
    [Fact]
    public async Task A_copied_line_with_the_same_invoice_is_refused_unless_AllowDuplicate()
    {
        await using var bed = await TestBed.StartAsync();
        var row = TestBed.CsvRow(("invoice", "INV-2801"), ("amount", "200000"), ("currency", "thb"), ("title", "Rent December"), ("description", "d"));
        var other = TestBed.CsvRow(("invoice", "INV-2802"), ("amount", "300000"), ("currency", "thb"), ("title", "Rent December"), ("description", "d"));
        bed.Shell.SetVariable("rows", new[] { row, other, row });

        var result = bed.Run("$rows | New-OmiseLink");

        Assert.Equal(2, result.Output.Count);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("DuplicateReference", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Contains("Row 3 (line 4, INV-2801): The reference INV-2801 was already used by row 1 (line 2)", error.ToString());
        Assert.Equal(2, bed.Emulator.Links.Count);

        var allowed = bed.Run("$rows | New-OmiseLink -AllowDuplicate");
        Assert.Empty(allowed.Errors);
        Assert.Equal(5, bed.Emulator.Links.Count);
    }

    [Fact]
    public async Task A_links_file_fed_back_to_New_OmiseLink_makes_no_new_link()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("csv", Path.Combine(Path.GetTempPath(), $"links-{Guid.NewGuid():N}.csv"));

        var result = bed.Run("""
            New-OmiseLink -Amount 5000 -Currency thb -Title 'Invoice 1' -Description d -Reference INV-1 | Export-Csv $csv -NoTypeInformation
            Import-Csv $csv | New-OmiseLink
            """);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("AlreadyALink", error.FullyQualifiedErrorId);
        Assert.Contains("is a payment link already (Id link_test_", error.ToString());
        Assert.Single(bed.Emulator.Links);
    }

    [Theory]
    [InlineData("Amount (THB)")]
    [InlineData("Amount in Baht")]
    public async Task A_header_with_amounts_in_baht_is_pointed_to_price_never_to_amount(string header)
    {
        await using var bed = await TestBed.StartAsync();
        bed.Shell.SetVariable("rows", new[] { TestBed.CsvRow(("Invoice No", "INV-2604"), (header, "1500"), ("currency", "thb"), ("title", "Parking"), ("description", "d")) });

        var result = bed.Run("$rows | New-OmiseLink");

        var text = Assert.Single(result.Errors).ToString();
        Assert.Contains($"the column '{header}' looks like an amount in currency units", text);
        Assert.Contains("Rename that header to price", text);
        Assert.Empty(bed.Emulator.Links);
    }

    [Fact]
    public async Task A_semicolon_separated_file_is_told_to_use_Delimiter()
    {
        await using var bed = await TestBed.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"semicolon-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "invoice;amount;currency;title;description\r\nINV-1;150050;thb;Fees;December\r\n");
        bed.Shell.SetVariable("csv", path);

        var result = bed.Run("Import-Csv $csv | New-OmiseLink");

        Assert.Contains("Import-Csv -Delimiter ';'", Assert.Single(result.Errors).ToString());
        var fixedRun = bed.Run("Import-Csv $csv -Delimiter ';' | New-OmiseLink");
        Assert.Empty(fixedRun.Errors);
        Assert.Equal(150050L, Assert.Single(bed.Emulator.Links).Amount);
    }
}
