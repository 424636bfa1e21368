using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

public class GetOmiseLinkTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>n links, one minute apart from <see cref="Start"/>, titled "Link 1".."Link n"; every third multiple-use.</summary>
    private static List<StoredLink> Seed(TestBed bed, int n, Func<int, string>? currency = null) =>
        Enumerable.Range(1, n)
            .Select(i => bed.Emulator.AddLink(1000 + i, currency?.Invoke(i) ?? "thb", $"Link {i}", $"Description {i}", multiple: i % 3 == 0, Start.AddMinutes(i)))
            .ToList();

    private static string[] Ids(PsResult result) =>
        result.Output.Where(o => o.BaseObject is not ulong).Select(o => (string)o.Properties["Id"].Value).ToArray();

    private static string[] Titles(PsResult result) =>
        result.Output.Where(o => o.BaseObject is not ulong).Select(o => (string)o.Properties["Title"].Value).ToArray();

    [Fact]
    public async Task Ids_bind_from_strings_from_New_OmiseLink_output_and_from_Get_OmiseLink_output()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 2);
        bed.Shell.SetVariable("ids", seeded.Select(l => l.Id).ToArray());

        var byValue = bed.Run("$ids | Get-OmiseLink");
        var positional = bed.Run("Get-OmiseLink $ids[1]");
        var chained = bed.Run("New-OmiseLink -Amount 4200 -Currency thb -Title 'Invoice 77' -Description 'Desk' | Get-OmiseLink | Get-OmiseLink");

        Assert.Empty(byValue.Errors.Concat(positional.Errors).Concat(chained.Errors));
        Assert.Equal(seeded.Select(l => l.Id), Ids(byValue));
        Assert.All(byValue.Output, o => Assert.Equal("OmiseLinks.Link", o.TypeNames[0]));
        Assert.Equal(seeded[1].Id, Ids(positional).Single());
        var created = bed.Emulator.Links.Single(l => l.Title == "Invoice 77");
        Assert.Equal(created.Id, Ids(chained).Single());
        Assert.Equal(4200L, chained.Output.Single().Properties["Amount"].Value);
    }

    [Fact]
    public async Task A_csv_row_binds_its_Id_or_LinkId_column_and_a_row_with_neither_is_an_error_that_sends_nothing()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 2);
        bed.Shell.SetVariable("rows", new[]
        {
            TestBed.CsvRow(("Id", seeded[0].Id), ("Customer", "Acme")),
            TestBed.CsvRow(("Name", "no id here"), ("Amount", "100")),
            TestBed.CsvRow(("LinkId", seeded[1].Id)),
        });

        var result = bed.Run("$rows | Get-OmiseLink");

        Assert.Equal(seeded.Select(l => l.Id), Ids(result));
        var error = Assert.Single(result.Errors);
        Assert.Equal("ParameterArgumentTransformationError,OmiseLinks.Commands.GetOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Contains("without an Id or LinkId property", error.ToString());
        Assert.Equal(2, bed.Emulator.RequestCount); // never a request for '@{Name=...}'
    }

    [Fact]
    public async Task An_unknown_id_is_a_non_terminating_ObjectNotFound_naming_it_and_the_other_ids_go_on()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 2);
        bed.Shell.SetVariable("ids", new[] { seeded[0].Id, "link_test_doesnotexist0000000", seeded[1].Id });

        var result = bed.Run("Get-OmiseLink -Id $ids");
        var stopped = bed.Run("Get-OmiseLink -Id $ids -ErrorAction Stop; 'after'");

        Assert.Equal(seeded.Select(l => l.Id), Ids(result));
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("NotFound,OmiseLinks.Commands.GetOmiseLinkCommand", error.FullyQualifiedErrorId);
        Assert.Equal("link_test_doesnotexist0000000", error.TargetObject);
        Assert.Contains("link_test_doesnotexist0000000", error.ToString());
        Assert.NotNull(stopped.Terminating);
        Assert.DoesNotContain(stopped.Output, o => "after".Equals(o.BaseObject));
    }

    [Fact]
    public async Task Without_an_id_every_link_comes_back_oldest_first_in_pages_of_100()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 250);

        var result = bed.Run("Get-OmiseLink");

        Assert.Empty(result.Errors);
        Assert.Equal(seeded.Select(l => l.Id), Ids(result));
        Assert.Equal(3, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task Order_ReverseChronological_gives_newest_first()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 130);

        var result = bed.Run("Get-OmiseLink -Order ReverseChronological");

        Assert.Equal(seeded.Select(l => l.Id).Reverse(), Ids(result));
        Assert.Equal(2, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task First_and_Skip_select_a_window_and_First_stops_the_requests_once_met()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 250);

        var first3 = bed.Run("Get-OmiseLink -First 3");
        var afterFirst3 = bed.Emulator.RequestCount;
        bed.Emulator.ResetStats();
        var window = bed.Run("Get-OmiseLink -Skip 95 -First 110");
        // With deleted links shown nothing is filtered here, so -Skip becomes the offset: two requests, 100 + 10.
        bed.Emulator.ResetStats();
        var serverSide = bed.Run("Get-OmiseLink -Skip 95 -First 110 -IncludeDeleted");
        var windowRequests = bed.Emulator.RequestCount;
        bed.Emulator.ResetStats();
        var tail = bed.Run("Get-OmiseLink -Skip 240 -IncludeDeleted");

        Assert.Equal(seeded.Take(3).Select(l => l.Id), Ids(first3));
        Assert.Equal(1, afterFirst3);
        Assert.Equal(seeded.Skip(95).Take(110).Select(l => l.Id), Ids(window));
        Assert.Equal(seeded.Skip(95).Take(110).Select(l => l.Id), Ids(serverSide));
        Assert.Equal(2, windowRequests);
        Assert.Equal(seeded.Skip(240).Select(l => l.Id), Ids(tail));
        Assert.Equal(1, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task IncludeTotalCount_writes_the_total_first_exact_with_IncludeDeleted_and_an_estimate_otherwise()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 120);
        bed.Run($"Remove-OmiseLink -Id {seeded[0].Id} -Confirm:$false");

        var exact = bed.Run("Get-OmiseLink -IncludeTotalCount -First 2 -IncludeDeleted");
        var estimate = bed.Run("Get-OmiseLink -IncludeTotalCount -First 2");
        var search = bed.Run("Get-OmiseLink -Query Link -IncludeTotalCount -First 2");

        // The list endpoint counts deleted links and cannot leave them out: without -IncludeDeleted the total is an upper bound.
        Assert.Equal(120UL, exact.Output[0].BaseObject);
        Assert.Equal(1.0, exact.Output[0].Properties["Accuracy"].Value);
        Assert.Equal(seeded.Take(2).Select(l => l.Id), Ids(exact));
        Assert.Equal(120UL, estimate.Output[0].BaseObject);
        Assert.True((double)estimate.Output[0].Properties["Accuracy"].Value < 1.0);
        Assert.Equal(seeded.Skip(1).Take(2).Select(l => l.Id), Ids(estimate));
        // Search leaves deleted links out on the server: its total is exact.
        Assert.Equal(119UL, search.Output[0].BaseObject);
        Assert.Equal(1.0, search.Output[0].Properties["Accuracy"].Value);
    }

    [Fact]
    public async Task From_and_To_keep_the_links_created_between_them_inclusive()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 30);
        bed.Shell.SetVariable("from", Start.AddMinutes(10).UtcDateTime);
        bed.Shell.SetVariable("to", Start.AddMinutes(20).UtcDateTime);

        var between = bed.Run("Get-OmiseLink -From $from -To $to");
        var fromOnly = bed.Run("Get-OmiseLink -From $from -Order ReverseChronological -First 2");
        var localText = bed.Run("Get-OmiseLink -To ([datetime]'2025-03-01T00:05:00Z')");

        Assert.Equal(Enumerable.Range(10, 11).Select(i => $"Link {i}"), Titles(between));
        Assert.Equal(new[] { "Link 30", "Link 29" }, Titles(fromOnly));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"Link {i}"), Titles(localText));
    }

    [Fact]
    public async Task Deleted_links_are_hidden_from_the_list_and_Skip_counts_only_what_is_shown_unless_IncludeDeleted()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 150);
        bed.Shell.SetVariable("gone", seeded.Where((_, i) => i % 2 == 0).Select(l => l.Id).ToArray());
        Assert.Empty(bed.Run("$gone | Remove-OmiseLink -Confirm:$false").Errors);
        var kept = seeded.Where((_, i) => i % 2 == 1).Select(l => l.Id).ToArray();

        var shown = bed.Run("Get-OmiseLink");
        var window = bed.Run("Get-OmiseLink -Skip 10 -First 60");
        var all = bed.Run("Get-OmiseLink -IncludeDeleted");
        var oneDeleted = bed.Run("Get-OmiseLink -Id $gone[0]");

        Assert.Equal(kept, Ids(shown));
        Assert.Equal(kept.Skip(10).Take(60), Ids(window));
        Assert.Equal(seeded.Select(l => l.Id), Ids(all));
        Assert.Equal(75, all.Output.Count(o => (bool)o.Properties["Deleted"].Value));
        Assert.True((bool)oneDeleted.Output.Single().Properties["Deleted"].Value); // asked for by id: shown
    }

    [Fact]
    public async Task A_downstream_command_that_stops_the_pipeline_stops_the_walk_after_the_page_it_needs()
    {
        await using var bed = await TestBed.StartAsync();
        Seed(bed, 450);
        bed.Emulator.ResetStats();

        var result = bed.Run("Get-OmiseLink | Select-Object -First 3");

        Assert.Empty(result.Errors);
        Assert.Null(result.Terminating);
        Assert.Equal(new[] { "Link 1", "Link 2", "Link 3" }, Titles(result));
        // The page it needs, plus at most the next one, requested ahead while page 1 was written and then cancelled.
        Assert.InRange(bed.Emulator.RequestCount, 1, 2);
    }

    [Fact]
    public async Task Query_searches_titles_and_descriptions_across_pages_oldest_first()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 250);
        var invoice = bed.Emulator.AddLink(99000, "thb", "Consulting March", "Invoice 12345, Acme Ltd", false, Start.AddHours(10));

        var one = bed.Run("Get-OmiseLink -Query 12345");
        var many = bed.Run("Get-OmiseLink -Query 'Description 1'"); // 1, 10-19, 100-199: 111 links
        var manyRequests = bed.Emulator.RequestCount - 1;

        Assert.Equal(invoice.Id, Ids(one).Single());
        var expected = seeded.Where(l => l.Description.StartsWith("Description 1", StringComparison.Ordinal)).Select(l => l.Id).ToArray();
        Assert.Equal(111, expected.Length);
        Assert.Equal(expected, Ids(many));
        Assert.Equal(2, manyRequests);
    }

    [Fact]
    public async Task Filters_Multiple_and_Currency_search_every_page_and_First_Skip_apply_to_the_results()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 330, i => i % 2 == 0 ? "usd" : "thb");

        var multiple = bed.Run("Get-OmiseLink -Multiple $true");
        var multipleRequests = bed.Emulator.RequestCount;
        var single = bed.Run("Get-OmiseLink -Multiple $false -Currency USD -Order ReverseChronological");
        var window = bed.Run("Get-OmiseLink -Multiple $true -Skip 98 -First 4");

        var expectedMultiple = seeded.Where(l => l.Multiple).Select(l => l.Id).ToArray();
        Assert.Equal(110, expectedMultiple.Length);
        Assert.Equal(expectedMultiple, Ids(multiple));
        Assert.Equal(2, multipleRequests);
        Assert.Equal(seeded.Where(l => !l.Multiple && l.Currency == "USD").Select(l => l.Id).Reverse(), Ids(single));
        Assert.Equal(expectedMultiple.Skip(98).Take(4), Ids(window));
    }

    [Fact]
    public async Task Which_links_are_paid_Used_true_finds_the_paid_single_use_link_and_Used_false_the_rest()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 5);
        bed.Emulator.PayLink(seeded[1].Id);

        var paid = bed.Run("Get-OmiseLink -Used $true");
        var unpaid = bed.Run("Get-OmiseLink -Used $false");

        var link = paid.Output.Single();
        Assert.Equal(seeded[1].Id, link.Properties["Id"].Value);
        Assert.True((bool)link.Properties["Used"].Value);
        Assert.NotNull(link.Properties["UsedAt"].Value);
        Assert.Equal(seeded.Where((_, i) => i != 1).Select(l => l.Id), Ids(unpaid));
    }

    [Fact]
    public async Task A_string_is_not_a_boolean_for_Used_so_false_can_never_mean_true()
    {
        await using var bed = await TestBed.StartAsync();
        Seed(bed, 2);

        var result = bed.Run("Get-OmiseLink -Used 'false'");

        Assert.Empty(result.Output);
        Assert.Contains("Boolean", result.FirstError?.ToString());
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task Search_hides_deleted_links_unless_IncludeDeleted()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 4);
        bed.Run($"Remove-OmiseLink {seeded[0].Id} -Confirm:$false");

        var hidden = bed.Run("Get-OmiseLink -Query Link");
        var included = bed.Run("Get-OmiseLink -Query Link -IncludeDeleted");

        Assert.Equal(seeded.Skip(1).Select(l => l.Id), Ids(hidden));
        Assert.Equal(seeded.Select(l => l.Id), Ids(included));
    }

    [Fact]
    public async Task Tab_completion_of_Id_offers_the_link_ids_this_session_has_seen_without_a_request()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 3);
        bed.Run($"Get-OmiseLink -Id {seeded[0].Id},{seeded[2].Id}");
        bed.Emulator.ResetStats();
        var prefix = seeded[2].Id[..12];

        var all = bed.Run("(TabExpansion2 'Get-OmiseLink -Id link_' 22).CompletionMatches");
        var narrowed = bed.Run($"(TabExpansion2 'Remove-OmiseLink -Id {prefix}' {21 + prefix.Length}).CompletionMatches");
        var charges = bed.Run("(TabExpansion2 'Get-OmiseLinkCharge link_' 25).CompletionMatches");

        string[] Texts(PsResult r) => r.Output.Select(o => ((CompletionResult)o.BaseObject).CompletionText).ToArray();
        Assert.Equal(new[] { seeded[2].Id, seeded[0].Id }, Texts(all)); // newest first
        Assert.Contains(seeded[2].Id, Texts(narrowed));
        Assert.DoesNotContain(seeded[0].Id, Texts(narrowed).Where(t => !t.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(new[] { seeded[2].Id, seeded[0].Id }, Texts(charges));
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task Tab_completion_of_Id_no_longer_offers_a_link_once_it_is_removed()
    {
        await using var bed = await TestBed.StartAsync();
        var seeded = Seed(bed, 3);
        bed.Run($"Get-OmiseLink -Id {seeded[0].Id},{seeded[1].Id},{seeded[2].Id}");
        string[] Offered() => bed.Run("(TabExpansion2 'Get-OmiseLink -Id link_' 22).CompletionMatches").Output
            .Select(o => ((CompletionResult)o.BaseObject).CompletionText).ToArray();
        Assert.Equal(new[] { seeded[2].Id, seeded[1].Id, seeded[0].Id }, Offered());

        var removed = bed.Run($"Remove-OmiseLink -Id {seeded[1].Id} -Confirm:$false");
        Assert.Empty(removed.Errors);
        Assert.Equal(new[] { seeded[2].Id, seeded[0].Id }, Offered());

        // Reading a removed link by its id (it comes back with Deleted True) does not bring it back either.
        Assert.True((bool)bed.Run($"Get-OmiseLink -Id {seeded[1].Id}").Output.Single().Properties["Deleted"].Value);
        Assert.Equal(new[] { seeded[2].Id, seeded[0].Id }, Offered());
    }

    [Fact]
    public async Task This_months_paid_links_as_in_the_everyday_tasks_count_single_and_multiple_use_links()
    {
        await using var bed = await TestBed.StartAsync();
        var now = DateTimeOffset.Now;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, now.Offset);
        var lastMonthPaid = bed.Emulator.AddLink(100, "thb", "Last month, paid", "d", false, monthStart.AddDays(-2));
        var paidSingle = bed.Emulator.AddLink(200, "thb", "Paid single", "d", false, now.AddSeconds(-30));
        var paidMultiple = bed.Emulator.AddLink(300, "thb", "Paid multiple", "d", true, now.AddSeconds(-20));
        bed.Emulator.AddLink(400, "thb", "Unpaid multiple", "d", true, now.AddSeconds(-10));
        bed.Emulator.AddLink(500, "thb", "Unpaid single", "d", false, now.AddSeconds(-5));
        foreach (var link in new[] { lastMonthPaid, paidSingle, paidMultiple }) bed.Emulator.PayLink(link.Id);

        var result = bed.Run("""
            $monthStart = [datetime]::new([datetime]::Today.Year, [datetime]::Today.Month, 1)
            Get-OmiseLink -From $monthStart |
                Where-Object { $_.Used -or ($_.Charges | Where-Object Paid) }
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { paidSingle.Id, paidMultiple.Id }, Ids(result));
    }

    [Fact]
    public async Task The_link_of_invoice_12345_as_in_the_everyday_tasks_is_found_and_a_longer_number_is_not_taken_for_it()
    {
        await using var bed = await TestBed.StartAsync();
        Seed(bed, 120);
        var longer = bed.Emulator.AddLink(100, "thb", "INV-123456", "Another invoice", false, Start.AddHours(3));
        var invoice = bed.Emulator.AddLink(99000, "thb", "Consulting March", "Invoice 12345, Acme Ltd", false, Start.AddHours(4));

        var loose = bed.Run("Get-OmiseLink -Query 12345");
        var exact = bed.Run("""
            Get-OmiseLink -Query 12345 |
                Where-Object { "$($_.Title) $($_.Description)" -match '\b12345\b' }
            """);

        Assert.Equal(new[] { longer.Id, invoice.Id }, Ids(loose));
        Assert.Equal(invoice.Id, Ids(exact).Single());
    }

    [Fact]
    public async Task IncludeTotalCount_with_First_0_counts_without_reading_the_links()
    {
        await using var bed = await TestBed.StartAsync();
        Seed(bed, 321);

        var result = bed.Run("Get-OmiseLink -IncludeDeleted -IncludeTotalCount -First 0");

        Assert.Equal(321UL, result.Output.Single().BaseObject);
        Assert.Equal(1, bed.Emulator.RequestCount);
    }
}
