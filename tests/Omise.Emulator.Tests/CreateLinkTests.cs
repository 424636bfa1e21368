using System.Text.Json;

namespace Omise.Emulator.Tests;

public class CreateLinkTests
{
    private static readonly string[] LinkFields =
    [
        "object", "id", "livemode", "location", "amount", "currency", "used", "multiple", "title", "description",
        "charges", "payment_uri", "created_at", "used_at", "deleted", "deleted_at", "merchant_name",
    ];

    private const string Timestamp = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$";

    internal static void AssertLinkShape(JsonElement link, long amount, string currencyUpper, string title, string description, bool multiple)
    {
        Assert.Equal(LinkFields.Order(), link.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("link", link.GetProperty("object").GetString());
        var id = link.GetProperty("id").GetString()!;
        Assert.Matches("^link_test_[0-9a-z]{19}$", id);
        Assert.False(link.GetProperty("livemode").GetBoolean());
        Assert.Equal("/links/" + id, link.GetProperty("location").GetString());
        Assert.Equal(amount, link.GetProperty("amount").GetInt64());
        Assert.Equal(currencyUpper, link.GetProperty("currency").GetString());
        Assert.False(link.GetProperty("used").GetBoolean());
        Assert.Equal(multiple, link.GetProperty("multiple").GetBoolean());
        Assert.Equal(title, link.GetProperty("title").GetString());
        Assert.Equal(description, link.GetProperty("description").GetString());
        Assert.Equal("https://link.omise.co/" + id["link_test_".Length..].ToUpperInvariant(), link.GetProperty("payment_uri").GetString());
        Assert.Matches(Timestamp, link.GetProperty("created_at").GetString());
        Assert.Equal(JsonValueKind.Null, link.GetProperty("used_at").ValueKind);
        Assert.False(link.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, link.GetProperty("deleted_at").ValueKind);
        Assert.Equal("Emulator Shop", link.GetProperty("merchant_name").GetString());

        var charges = link.GetProperty("charges");
        Assert.Equal("list", charges.GetProperty("object").GetString());
        Assert.Equal(0, charges.GetProperty("data").GetArrayLength());
        Assert.Equal(20, charges.GetProperty("limit").GetInt32());
        Assert.Equal(0, charges.GetProperty("offset").GetInt32());
        Assert.Equal(0, charges.GetProperty("total").GetInt32());
        Assert.Equal("/links/" + id + "/charges", charges.GetProperty("location").GetString());
        Assert.Equal("chronological", charges.GetProperty("order").GetString());
        Assert.Equal("1970-01-01T00:00:00Z", charges.GetProperty("from").GetString());
        Assert.Matches(Timestamp, charges.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Form_body_creates_a_link_with_the_recorded_shape()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var response = await client.PostAsync("links", Api.LinkForm(100000, "thb", "Order 1", "Invoice 1", multiple: false));
        var link = await Api.Ok(response);
        Assert.Equal("2019-05-29", response.Headers.GetValues("Omise-Version").Single());
        AssertLinkShape(link, 100000, "THB", "Order 1", "Invoice 1", multiple: false);

        var created = DateTimeOffset.Parse(link.GetProperty("created_at").GetString()!);
        Assert.InRange(created, before, DateTimeOffset.UtcNow.AddSeconds(1));

        var stored = Assert.Single(server.Links);
        Assert.Equal(link.GetProperty("id").GetString(), stored.Id);
        Assert.Equal("THB", stored.Currency);
        Assert.Equal(100000, stored.Amount);
    }

    [Fact]
    public async Task Json_body_creates_a_link()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var link = await Api.Ok(await client.PostAsync("links",
            Api.Json(new { amount = 5000, currency = "JPY", title = "T", description = "D", multiple = true })));
        AssertLinkShape(link, 5000, "JPY", "T", "D", multiple: true);
    }

    [Fact]
    public async Task Multiple_is_optional_and_accepts_1_and_0()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var omitted = await Api.Ok(await client.PostAsync("links", Api.Form(("amount", "0"), ("currency", "usd"), ("title", "t"), ("description", "d"))));
        Assert.False(omitted.GetProperty("multiple").GetBoolean());
        Assert.Equal(0, omitted.GetProperty("amount").GetInt64());
        var one = await Api.Ok(await client.PostAsync("links", Api.Form(("amount", "1"), ("currency", "sgd"), ("title", "t"), ("description", "d"), ("multiple", "1"))));
        Assert.True(one.GetProperty("multiple").GetBoolean());
        var zero = await Api.Ok(await client.PostAsync("links", Api.Form(("amount", "1"), ("currency", "myr"), ("title", "t"), ("description", "d"), ("multiple", "0"))));
        Assert.False(zero.GetProperty("multiple").GetBoolean());
    }

    public static TheoryData<string> Texts => new()
    {
        "ลิงก์ชำระเงิน ทดสอบ",
        "a&b=c+d%20e %41 ?x#y",
        "line 1\nline 2\r\nline 3\ttab",
        "  leading and trailing spaces  ",
        "emoji 😀 and quotes \" ' \\ / <tag>",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Title_and_description_round_trip_exactly_through_a_form(string text)
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var link = await Api.CreateLink(client, title: text, description: "desc: " + text);
        Assert.Equal(text, link.GetProperty("title").GetString());
        Assert.Equal("desc: " + text, link.GetProperty("description").GetString());
        var again = await Api.GetOk(client, "links/" + link.GetProperty("id").GetString());
        Assert.Equal(text, again.GetProperty("title").GetString());
        Assert.Equal(text, server.Links.Single().Title);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Title_and_description_round_trip_exactly_through_json(string text)
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var link = await Api.Ok(await client.PostAsync("links", Api.Json(new { amount = 1, currency = "thb", title = text, description = text })));
        Assert.Equal(text, link.GetProperty("title").GetString());
        Assert.Equal(text, server.Links.Single().Description);
    }

    [Fact]
    public async Task Thai_goes_out_as_raw_utf8()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var response = await client.PostAsync("links", Api.LinkForm(title: "ทดสอบ"));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"title\":\"ทดสอบ\"", raw);
    }

    public static TheoryData<string, string, string> FormErrors => new()
    {
        { "currency=thb&title=t&description=d", "bad_request", "amount is required" },
        { "amount=&currency=thb&title=t&description=d", "bad_request", "amount is required" },
        { "amount=abc&currency=thb&title=t&description=d", "bad_request", "amount is not a number" },
        { "amount=10.5&currency=thb&title=t&description=d", "invalid_amount", "amount must be an integer greater than or equal to 0" },
        { "amount=-1&currency=thb&title=t&description=d", "invalid_amount", "amount must be an integer greater than or equal to 0" },
        { "amount=100&title=t&description=d", "bad_request", "currency is required" },
        { "amount=100&currency=eur&title=t&description=d", "invalid_currency", "currency is currently not supported" },
        { "amount=100&currency=thb&description=d", "bad_request", "title is required" },
        { "amount=100&currency=thb&title=&description=d", "bad_request", "title is required" },
        { "amount=100&currency=thb&title=t", "bad_request", "description is required" },
        { "amount=100&currency=thb&title=t&description=", "bad_request", "description is required" },
        { "amount=100&currency=thb&title=t&description=d&multiple=maybe", "bad_request", "multiple must be true or false" },
        // order: the first failing rule wins
        { "amount=-5&currency=eur", "invalid_amount", "amount must be an integer greater than or equal to 0" },
        { "amount=5&currency=eur", "invalid_currency", "currency is currently not supported" },
    };

    [Theory]
    [MemberData(nameof(FormErrors))]
    public async Task Validation_errors_come_in_order_with_their_codes(string form, string code, string message)
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.AssertError(await client.PostAsync("links", Api.Form(form.Split('&').Select(f => (f.Split('=')[0], f.Split('=')[1])).ToArray())), 400, code, message);
        Assert.Empty(server.Links);
    }

    [Fact]
    public async Task Json_validation_matches_the_form_rules()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.AssertError(await client.PostAsync("links", Api.Json(new { amount = 10.5, currency = "thb", title = "t", description = "d" })), 400, "invalid_amount");
        await Api.AssertError(await client.PostAsync("links", Api.Json(new { amount = "x", currency = "thb", title = "t", description = "d" })), 400, "bad_request", "amount is not a number");
        await Api.AssertError(await client.PostAsync("links", Api.Json(new { amount = true, currency = "thb", title = "t", description = "d" })), 400, "bad_request", "amount is not a number");
        await Api.AssertError(await client.PostAsync("links", Api.Json(new { amount = 1, currency = "thb", title = "t", description = "d", multiple = "nope" })), 400, "bad_request");
        await Api.AssertError(await client.PostAsync("links", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")), 400, "bad_request");
        Assert.Empty(server.Links);
        // a numeric string amount and upper-case currency are accepted
        var link = await Api.Ok(await client.PostAsync("links", Api.Json(new { amount = "2500", currency = "USD", title = "t", description = "d" })));
        Assert.Equal(2500, link.GetProperty("amount").GetInt64());
        Assert.Equal("USD", link.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Live_mode_uses_link_prefix_and_livemode_true()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { LiveMode = true, SecretKey = "skey_5livekey" });
        using var client = Api.Client(server);
        var link = await Api.CreateLink(client);
        var id = link.GetProperty("id").GetString()!;
        Assert.Matches("^link_[0-9a-z]{19}$", id);
        Assert.True(link.GetProperty("livemode").GetBoolean());
        Assert.Equal("https://link.omise.co/" + id["link_".Length..].ToUpperInvariant(), link.GetProperty("payment_uri").GetString());
    }

    [Fact]
    public async Task Ids_are_unique()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i => (await Api.CreateLink(client, title: "t" + i)).GetProperty("id").GetString()));
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(50, server.Links.Count);
    }
}
