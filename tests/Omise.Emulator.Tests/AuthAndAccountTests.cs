using System.Net.Http.Headers;
using System.Text;

namespace Omise.Emulator.Tests;

public class AuthAndAccountTests
{
    [Fact]
    public async Task No_key_is_401_with_the_error_json_and_no_version_header()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server, withKey: false);
        var response = await client.GetAsync("account");
        await Api.AssertError(response, 401, "authentication_failure", "authentication failed");
        var body = await Api.Body(response);
        Assert.Equal("https://www.omise.co/api-errors#authentication-failure", body.GetProperty("location").GetString());
        Assert.Equal(["object", "location", "code", "message"], body.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task Wrong_key_is_401()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server, key: "skey_test_notthekey");
        await Api.AssertError(await client.GetAsync("account"), 401, "authentication_failure", "authentication failed");
        await Api.AssertError(await client.PostAsync("links", Api.LinkForm()), 401, "authentication_failure");
        Assert.Empty(server.Links);
    }

    [Fact]
    public async Task Public_key_is_401()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server, key: EmulatorServer.DefaultPublicKey);
        await Api.AssertError(await client.GetAsync("links"), 401, "authentication_failure", "authentication failed");
    }

    [Theory]
    [InlineData("Bearer skey_test_5emulat0rk3yf0rt3sts")]
    [InlineData("Basic !!!notbase64")]
    [InlineData("Basic ")]
    public async Task Malformed_authorization_is_401(string header)
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server, withKey: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "account");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        await Api.AssertError(await client.SendAsync(request), 401, "authentication_failure");
    }

    [Fact]
    public async Task Custom_secret_key_is_the_only_one_accepted()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { SecretKey = "skey_test_custom" });
        Assert.Equal("skey_test_custom", server.SecretKey);
        using var good = Api.Client(server);
        using var old = Api.Client(server, key: EmulatorServer.DefaultSecretKey);
        await Api.GetOk(good, "account");
        await Api.AssertError(await old.GetAsync("account"), 401, "authentication_failure");
    }

    [Fact]
    public async Task Success_echoes_the_requested_version_or_the_default()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);

        var plain = await client.GetAsync("account");
        Assert.Equal("2019-05-29", plain.Headers.GetValues("Omise-Version").Single());
        Assert.Equal("application/json; charset=utf-8", plain.Content.Headers.ContentType?.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, "account");
        request.Headers.Add("Omise-Version", "2017-11-02");
        var pinned = await client.SendAsync(request);
        Assert.Equal("2017-11-02", pinned.Headers.GetValues("Omise-Version").Single());
    }

    [Fact]
    public async Task Account_has_the_documented_shape()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var account = await Api.GetOk(client, "account");
        Assert.Equal("account", account.GetProperty("object").GetString());
        Assert.StartsWith("acct_test_", account.GetProperty("id").GetString());
        Assert.False(account.GetProperty("livemode").GetBoolean());
        Assert.Equal("/account", account.GetProperty("location").GetString());
        Assert.Equal("TH", account.GetProperty("country").GetString());
        Assert.Equal("thb", account.GetProperty("currency").GetString());
        Assert.Equal("ops@example.com", account.GetProperty("email").GetString());
        Assert.Equal(["thb", "jpy", "sgd", "myr", "usd"],
            account.GetProperty("supported_currencies").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("2019-05-29", account.GetProperty("api_version").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", account.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task Unknown_route_is_404_not_found()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.AssertError(await client.GetAsync("charges"), 404, "not_found");
        await Api.AssertError(await client.PutAsync("links", Api.LinkForm()), 404, "not_found");
    }

    [Fact]
    public async Task Password_is_ignored_and_key_must_match_exactly()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server, withKey: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(server.SecretKey.ToUpperInvariant() + ":")));
        await Api.AssertError(await client.GetAsync("account"), 401, "authentication_failure");
    }
}
