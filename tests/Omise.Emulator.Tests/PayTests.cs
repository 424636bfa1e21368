using System.Text.Json;

namespace Omise.Emulator.Tests;

public class PayTests
{
    [Fact]
    public async Task Paying_a_single_use_link_marks_it_used_and_lists_the_charge()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var id = (await Api.CreateLink(client, 150000, "thb")).GetProperty("id").GetString()!;

        var charge = server.PayLink(id);
        Assert.Matches("^chrg_test_[0-9a-z]{19}$", charge.Id);
        Assert.Equal(150000, charge.Amount);
        Assert.Equal("thb", charge.Currency);
        Assert.Equal(id, charge.LinkId);

        var link = await Api.GetOk(client, "links/" + id);
        Assert.True(link.GetProperty("used").GetBoolean());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", link.GetProperty("used_at").GetString());
        var embedded = link.GetProperty("charges");
        Assert.Equal(1, embedded.GetProperty("total").GetInt32());
        var c = embedded.GetProperty("data")[0];
        Assert.Equal(charge.Id, c.GetProperty("id").GetString());
        AssertChargeShape(c, id, 150000, "thb");

        var charges = await Api.GetOk(client, $"links/{id}/charges");
        Assert.Equal("list", charges.GetProperty("object").GetString());
        Assert.Equal($"/links/{id}/charges", charges.GetProperty("location").GetString());
        Assert.Equal([charge.Id], Api.Ids(charges));

        Assert.Throws<InvalidOperationException>(() => server.PayLink(id));
    }

    internal static void AssertChargeShape(JsonElement c, string linkId, long amount, string currency)
    {
        Assert.Equal("charge", c.GetProperty("object").GetString());
        var id = c.GetProperty("id").GetString()!;
        Assert.Matches("^chrg_test_[0-9a-z]{19}$", id);
        Assert.False(c.GetProperty("livemode").GetBoolean());
        Assert.Equal("/charges/" + id, c.GetProperty("location").GetString());
        Assert.Equal(amount, c.GetProperty("amount").GetInt64());
        Assert.Equal(currency, c.GetProperty("currency").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("description").ValueKind);
        Assert.Equal("successful", c.GetProperty("status").GetString());
        Assert.True(c.GetProperty("authorized").GetBoolean());
        Assert.True(c.GetProperty("paid").GetBoolean());
        Assert.Matches(@"Z$", c.GetProperty("paid_at").GetString());
        Assert.Matches("^trxn_test_[0-9a-z]{19}$", c.GetProperty("transaction").GetString());
        Assert.Equal(linkId, c.GetProperty("link").GetString());
        Assert.Matches(@"Z$", c.GetProperty("created_at").GetString());
        Assert.Equal(0, c.GetProperty("refunded_amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("failure_code").ValueKind);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("failure_message").ValueKind);
        Assert.Equal(JsonValueKind.Object, c.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task A_multiple_link_stays_unused_and_collects_charges_in_pages()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var link = server.AddLink(500, "usd", "t", "d", multiple: true);
        var charges = Enumerable.Range(1, 25).Select(i => server.PayLink(link.Id, 500 + i)).ToArray();

        var fetched = await Api.GetOk(client, "links/" + link.Id);
        Assert.False(fetched.GetProperty("used").GetBoolean());
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("used_at").ValueKind);
        Assert.Equal(25, fetched.GetProperty("charges").GetProperty("total").GetInt32());
        Assert.Equal(20, fetched.GetProperty("charges").GetProperty("data").GetArrayLength());

        var page = await Api.GetOk(client, $"links/{link.Id}/charges?offset=20&limit=10");
        Assert.Equal(charges.Skip(20).Select(c => c.Id), Api.Ids(page));
        var reverse = await Api.GetOk(client, $"links/{link.Id}/charges?order=reverse_chronological&limit=2");
        Assert.Equal([charges[24].Id, charges[23].Id], Api.Ids(reverse));
        Assert.Equal(525, reverse.GetProperty("data")[0].GetProperty("amount").GetInt64());
        Assert.Equal("usd", reverse.GetProperty("data")[0].GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Paying_deleted_unknown_or_open_amount_links_fails()
    {
        await using var server = await EmulatorServer.StartAsync();
        var deleted = server.AddLink(100, "thb", "t", "d", false);
        using var client = Api.Client(server);
        await Api.Ok(await client.DeleteAsync("links/" + deleted.Id));
        Assert.Throws<InvalidOperationException>(() => server.PayLink(deleted.Id));
        Assert.Throws<KeyNotFoundException>(() => server.PayLink("link_test_unknown"));

        var open = server.AddLink(0, "thb", "any amount", "d", false);
        Assert.Throws<ArgumentOutOfRangeException>(() => server.PayLink(open.Id));
        Assert.Equal(777, server.PayLink(open.Id, 777).Amount);
    }

    [Fact]
    public async Task Admin_pay_endpoint_needs_no_key()
    {
        await using var server = await EmulatorServer.StartAsync();
        var link = server.AddLink(0, "jpy", "t", "d", false);
        using var admin = Api.Client(server, withKey: false);

        var charge = await Api.Ok(await admin.PostAsync($"_emulator/links/{link.Id}/pay", Api.Form(("amount", "1234"))));
        AssertChargeShape(charge, link.Id, 1234, "jpy");
        Assert.True(server.Links.Single().Used);

        var again = await admin.PostAsync($"_emulator/links/{link.Id}/pay", Api.Form(("amount", "1")));
        Assert.Equal(409, (int)again.StatusCode);
        var unknown = await admin.PostAsync("_emulator/links/link_test_none/pay", null);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal(0, server.RequestCount);
    }
}
