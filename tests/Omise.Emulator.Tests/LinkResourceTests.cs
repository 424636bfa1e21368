using System.Text.Json;

namespace Omise.Emulator.Tests;

public class LinkResourceTests
{
    [Fact]
    public async Task Get_returns_the_link_and_unknown_ids_are_404()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var created = await Api.CreateLink(client, 4200, "sgd", "title", "description", multiple: true);
        var id = created.GetProperty("id").GetString()!;
        var fetched = await Api.GetOk(client, "links/" + id);
        foreach (var name in new[] { "id", "location", "amount", "currency", "title", "description", "multiple", "used", "payment_uri", "created_at", "deleted" })
            Assert.Equal(created.GetProperty(name).ToString(), fetched.GetProperty(name).ToString());
        Assert.Equal("SGD", fetched.GetProperty("currency").GetString());

        await Api.AssertError(await client.GetAsync("links/link_test_x"), 404, "not_found", "link link_test_x was not found");
        await Api.AssertError(await client.GetAsync("links/link_test_x/charges"), 404, "not_found", "link link_test_x was not found");
    }

    [Fact]
    public async Task Delete_marks_deleted_keeps_the_link_and_a_second_delete_is_404()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var id = (await Api.CreateLink(client)).GetProperty("id").GetString()!;

        var deleted = await Api.Ok(await client.DeleteAsync("links/" + id));
        Assert.Equal(id, deleted.GetProperty("id").GetString());
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", deleted.GetProperty("deleted_at").GetString());

        var fetched = await Api.GetOk(client, "links/" + id);
        Assert.True(fetched.GetProperty("deleted").GetBoolean());
        Assert.True(server.Links.Single().Deleted);

        await Api.AssertError(await client.DeleteAsync("links/" + id), 404, "not_found", $"link {id} was not found");
        await Api.AssertError(await client.DeleteAsync("links/link_test_nope"), 404, "not_found", "link link_test_nope was not found");

        // deleted links stay in lists
        var list = await Api.GetOk(client, "links");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.True(list.GetProperty("data")[0].GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Links_snapshot_does_not_change_under_the_caller()
    {
        await using var server = await EmulatorServer.StartAsync();
        var link = server.AddLink(100, "thb", "t", "d", multiple: false);
        var snapshot = server.Links;
        server.PayLink(link.Id);
        Assert.False(snapshot.Single().Used);
        Assert.True(server.Links.Single().Used);
    }
}

public class ListLinksTests
{
    private static async Task<(EmulatorServer Server, HttpClient Client, StoredLink[] Links)> Seeded(int count, DateTimeOffset? start = null)
    {
        var server = await EmulatorServer.StartAsync();
        var t0 = start ?? new DateTimeOffset(2025, 3, 20, 10, 0, 0, TimeSpan.Zero);
        var links = Enumerable.Range(0, count)
            .Select(i => server.AddLink(100 + i, "thb", "Link " + i, "Desc " + i, i % 2 == 0, t0.AddMinutes(i)))
            .ToArray();
        return (server, Api.Client(server), links);
    }

    [Fact]
    public async Task Default_page_is_20_chronological_with_the_list_envelope()
    {
        var (server, client, links) = await Seeded(25);
        await using var _ = server;
        using var __ = client;
        var list = await Api.GetOk(client, "links");
        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Equal(20, list.GetProperty("limit").GetInt32());
        Assert.Equal(0, list.GetProperty("offset").GetInt32());
        Assert.Equal(25, list.GetProperty("total").GetInt32());
        Assert.Equal("chronological", list.GetProperty("order").GetString());
        Assert.Equal("/links", list.GetProperty("location").GetString());
        Assert.Equal("1970-01-01T00:00:00Z", list.GetProperty("from").GetString());
        var to = DateTimeOffset.Parse(list.GetProperty("to").GetString()!);
        Assert.InRange(to, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(links.Take(20).Select(l => l.Id), Api.Ids(list));
        Assert.Equal("2025-03-20T10:00:00Z", list.GetProperty("data")[0].GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task Offset_limit_and_reverse_order_page_through()
    {
        var (server, client, links) = await Seeded(25);
        await using var _ = server;
        using var __ = client;
        var page = await Api.GetOk(client, "links?offset=20&limit=10");
        Assert.Equal(links.Skip(20).Select(l => l.Id), Api.Ids(page));
        Assert.Equal(10, page.GetProperty("limit").GetInt32());
        Assert.Equal(20, page.GetProperty("offset").GetInt32());

        var reverse = await Api.GetOk(client, "links?order=reverse_chronological&limit=3&offset=1");
        Assert.Equal(links.Reverse().Skip(1).Take(3).Select(l => l.Id), Api.Ids(reverse));
        Assert.Equal("reverse_chronological", reverse.GetProperty("order").GetString());

        var past = await Api.GetOk(client, "links?offset=100");
        Assert.Equal(0, past.GetProperty("data").GetArrayLength());
        Assert.Equal(25, past.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Limit_over_100_is_clamped()
    {
        var (server, client, _) = await Seeded(150);
        await using var s = server;
        using var c = client;
        var list = await Api.GetOk(client, "links?limit=500");
        Assert.Equal(100, list.GetProperty("limit").GetInt32());
        Assert.Equal(100, list.GetProperty("data").GetArrayLength());
        Assert.Equal(150, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task From_and_to_are_inclusive_at_second_precision_and_echoed()
    {
        var t0 = new DateTimeOffset(2025, 3, 20, 10, 0, 0, TimeSpan.Zero);
        var (server, client, links) = await Seeded(10, t0);
        await using var _ = server;
        using var __ = client;
        // a link created at 10:03:00.900 still counts as 10:03:00
        var late = server.AddLink(1, "thb", "late", "late", false, t0.AddMinutes(3).AddMilliseconds(900));

        var list = await Api.GetOk(client, "links?from=2025-03-20T10:02:00Z&to=2025-03-20T10:04:00Z&limit=100");
        Assert.Equal([links[2].Id, links[3].Id, late.Id, links[4].Id], Api.Ids(list));
        Assert.Equal(4, list.GetProperty("total").GetInt32());
        Assert.Equal("2025-03-20T10:02:00Z", list.GetProperty("from").GetString());
        Assert.Equal("2025-03-20T10:04:00Z", list.GetProperty("to").GetString());

        var offsetZone = await Api.GetOk(client, "links?from=" + Uri.EscapeDataString("2025-03-20T17:08:00+07:00"));
        Assert.Equal(links.Skip(8).Select(l => l.Id), Api.Ids(offsetZone));
        Assert.Equal("2025-03-20T10:08:00Z", offsetZone.GetProperty("from").GetString());

        var none = await Api.GetOk(client, "links?to=2025-03-20T09:59:59Z");
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Back_dated_seed_links_sort_by_created_at()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var newer = await Api.CreateLink(client, title: "now");
        var old = server.AddLink(1, "thb", "old", "old", false, DateTimeOffset.UtcNow.AddDays(-400));
        var list = await Api.GetOk(client, "links");
        Assert.Equal([old.Id, newer.GetProperty("id").GetString()!], Api.Ids(list));
        Assert.Equal(old.Id, server.Links[0].Id);
    }

    [Theory]
    [InlineData("links?order=newest")]
    [InlineData("links?limit=abc")]
    [InlineData("links?offset=-1")]
    [InlineData("links?from=yesterday")]
    public async Task Bad_list_parameters_are_400(string path)
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.AssertError(await client.GetAsync(path), 400, "bad_request");
    }

    [Fact]
    public async Task Thousands_of_links_page_through_completely()
    {
        var (server, client, links) = await Seeded(5000);
        await using var _ = server;
        using var __ = client;
        var seen = new List<string>();
        for (var offset = 0; ; offset += 100)
        {
            var page = await Api.GetOk(client, $"links?offset={offset}&limit=100");
            var ids = Api.Ids(page);
            if (ids.Length == 0) break;
            seen.AddRange(ids);
        }
        Assert.Equal(links.Select(l => l.Id), seen);
    }
}

public class SearchTests
{
    private static async Task<(EmulatorServer Server, HttpClient Client)> Seeded()
    {
        var server = await EmulatorServer.StartAsync();
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 40; i++)
        {
            var link = server.AddLink(100 * (i + 1), i % 4 == 0 ? "jpy" : "thb", i % 10 == 0 ? $"Coffee order {i}" : $"Order {i}",
                i % 5 == 0 ? "ค่ากาแฟ latte" : "Invoice", multiple: i % 3 == 0, createdAt: t0.AddHours(i));
            if (i % 7 == 1) server.PayLink(link.Id);
        }
        return (server, Api.Client(server));
    }

    private static string Titles(JsonElement search) =>
        string.Join(",", search.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("title").GetString()));

    [Fact]
    public async Task Empty_query_returns_everything_newest_first_with_the_search_envelope()
    {
        var (server, client) = await Seeded();
        await using var _ = server;
        using var __ = client;
        var search = await Api.GetOk(client, "search?scope=link");
        Assert.Equal("search", search.GetProperty("object").GetString());
        Assert.Equal("link", search.GetProperty("scope").GetString());
        Assert.Equal("", search.GetProperty("query").GetString());
        Assert.Equal("reverse_chronological", search.GetProperty("order").GetString());
        Assert.Equal("/search", search.GetProperty("location").GetString());
        Assert.Equal(1, search.GetProperty("page").GetInt32());
        Assert.Equal(30, search.GetProperty("per_page").GetInt32());
        Assert.Equal(40, search.GetProperty("total").GetInt32());
        Assert.Equal(2, search.GetProperty("total_pages").GetInt32());
        Assert.Equal(JsonValueKind.Null, search.GetProperty("export").ValueKind);
        Assert.Equal(JsonValueKind.Object, search.GetProperty("filters").ValueKind);
        Assert.Equal(30, search.GetProperty("data").GetArrayLength());
        Assert.Equal("Order 39", search.GetProperty("data")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task Query_matches_title_description_and_id_case_insensitively()
    {
        var (server, client) = await Seeded();
        await using var _ = server;
        using var __ = client;
        var coffee = await Api.GetOk(client, "search?scope=link&query=COFFEE&order=chronological");
        Assert.Equal("Coffee order 0,Coffee order 10,Coffee order 20,Coffee order 30", Titles(coffee));

        var thai = await Api.GetOk(client, "search?scope=link&query=" + Uri.EscapeDataString("กาแฟ"));
        Assert.Equal(8, thai.GetProperty("total").GetInt32());

        var id = server.Links[17].Id;
        var byId = await Api.GetOk(client, "search?scope=link&query=" + id.ToUpperInvariant());
        Assert.Equal([id], Api.Ids(byId));
    }

    [Fact]
    public async Task Filters_narrow_and_are_echoed()
    {
        var (server, client) = await Seeded();
        await using var _ = server;
        using var __ = client;
        var links = server.Links;

        var used = await Api.GetOk(client, "search?scope=link&filters[used]=true&per_page=100");
        Assert.Equal(links.Count(l => l.Used), used.GetProperty("total").GetInt32());
        Assert.Equal("true", used.GetProperty("filters").GetProperty("used").GetString());

        var multiple = await Api.GetOk(client, "search?scope=link&filters%5Bmultiple%5D=yes&filters%5Bcurrency%5D=JPY&per_page=100");
        Assert.Equal(links.Count(l => l.Multiple && l.Currency == "JPY"), multiple.GetProperty("total").GetInt32());
        Assert.Equal("JPY", multiple.GetProperty("filters").GetProperty("currency").GetString());

        var notUsed = await Api.GetOk(client, "search?scope=link&filters[used]=off&filters[multiple]=0");
        Assert.Equal(links.Count(l => !l.Used && !l.Multiple), notUsed.GetProperty("total").GetInt32());

        server.AddLink(1, "thb", "gone", "gone", false);
        var del = (await Api.GetOk(client, "search?scope=link&query=gone")).GetProperty("data")[0].GetProperty("id").GetString();
        await Api.Ok(await client.DeleteAsync("links/" + del));
        var deleted = await Api.GetOk(client, "search?scope=link&filters[deleted]=1");
        Assert.Equal([del!], Api.Ids(deleted));
        var live = await Api.GetOk(client, "search?scope=link&filters[deleted]=no&per_page=100");
        Assert.Equal(40, live.GetProperty("total").GetInt32());

        await Api.AssertError(await client.GetAsync("search?scope=link&filters[used]=perhaps"), 400, "bad_request");
    }

    [Fact]
    public async Task Paging_by_page_and_per_page()
    {
        var (server, client) = await Seeded();
        await using var _ = server;
        using var __ = client;
        var page3 = await Api.GetOk(client, "search?scope=link&per_page=7&page=3&order=chronological");
        Assert.Equal("Order 14,Order 15,Order 16,Order 17,Order 18,Order 19,Coffee order 20", Titles(page3));
        Assert.Equal(6, page3.GetProperty("total_pages").GetInt32());
        Assert.Equal(3, page3.GetProperty("page").GetInt32());
        Assert.Equal(7, page3.GetProperty("per_page").GetInt32());

        var last = await Api.GetOk(client, "search?scope=link&per_page=7&page=6");
        Assert.Equal(5, last.GetProperty("data").GetArrayLength());
        var past = await Api.GetOk(client, "search?scope=link&per_page=7&page=7");
        Assert.Equal(0, past.GetProperty("data").GetArrayLength());
        Assert.Equal(40, past.GetProperty("total").GetInt32());

        var clamped = await Api.GetOk(client, "search?scope=link&per_page=1000");
        Assert.Equal(100, clamped.GetProperty("per_page").GetInt32());
        Assert.Equal(1, clamped.GetProperty("total_pages").GetInt32());

        var filteredPage = await Api.GetOk(client, "search?scope=link&query=order&per_page=2&page=2&order=chronological");
        Assert.Equal("Order 2,Order 3", Titles(filteredPage));
        Assert.Equal(20, filteredPage.GetProperty("total_pages").GetInt32());
    }

    [Fact]
    public async Task Other_scopes_are_400()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.AssertError(await client.GetAsync("search?scope=charge"), 400, "bad_request");
        await Api.AssertError(await client.GetAsync("search"), 400, "bad_request");
    }
}
