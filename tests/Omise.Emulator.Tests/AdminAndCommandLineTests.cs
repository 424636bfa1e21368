using System.Text;

namespace Omise.Emulator.Tests;

public class AdminEndpointTests
{
    [Fact]
    public async Task Seed_stores_distinct_back_dated_links_listed_oldest_first()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var api = Api.Client(server);
        using var admin = Api.Client(server, withKey: false);

        var stats = await Api.Ok(await admin.PostAsync("_emulator/seed?count=250", null));

        Assert.Equal(250, stats.GetProperty("links").GetInt32());
        Assert.Equal(250, server.Links.Select(l => l.Title).Distinct().Count());
        Assert.All(server.Links, l => Assert.True(l.CreatedAt < DateTimeOffset.UtcNow.AddSeconds(-59)));
        var first = await Api.Ok(await api.GetAsync("links?limit=1"));
        Assert.Equal("Seeded 1", first.GetProperty("data")[0].GetProperty("title").GetString());
        Assert.Equal(400, (int)(await admin.PostAsync("_emulator/seed?count=0", null)).StatusCode);
    }

    [Fact]
    public async Task Stats_reset_and_faults_endpoints()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var api = Api.Client(server);
        using var admin = Api.Client(server, withKey: false);
        await Api.CreateLink(api);
        await Api.CreateLink(api);

        var stats = await Api.Ok(await admin.GetAsync("_emulator/stats"));
        Assert.Equal(2, stats.GetProperty("links").GetInt32());
        Assert.Equal(2, stats.GetProperty("request_count").GetInt64());
        Assert.Equal(1, stats.GetProperty("max_concurrent_requests").GetInt32());
        Assert.Equal(0, stats.GetProperty("faults").GetProperty("500").GetInt32());
        Assert.False((await admin.GetAsync("_emulator/stats")).Headers.Contains("Omise-Version"));

        // snake_case and PascalCase both work
        var set = await Api.Ok(await admin.PutAsync("_emulator/faults",
            new StringContent("""{"server_error_500": 1.0, "Seed": 9, "OnlyPaths": "GET /account", "latency-ms": 1}""", Encoding.UTF8, "application/json")));
        Assert.Equal(1.0, set.GetProperty("server_error_500").GetDouble());
        Assert.Equal(9, server.Faults.Seed);
        Assert.Equal(1, server.Faults.LatencyMs);
        Assert.Equal("GET /account", server.Faults.OnlyPaths);
        await Api.AssertError(await api.GetAsync("account"), 500, "internal_error");
        var current = await Api.Ok(await admin.GetAsync("_emulator/faults"));
        Assert.Equal("GET /account", current.GetProperty("only_paths").GetString());

        var bad = await admin.PutAsync("_emulator/faults", new StringContent("""{"server_error_500": 2}""", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)bad.StatusCode);
        var unknown = await admin.PutAsync("_emulator/faults", new StringContent("""{"typo": 1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)unknown.StatusCode);

        var reset = await Api.Ok(await admin.PostAsync("_emulator/reset", null));
        Assert.Equal(0, reset.GetProperty("links").GetInt32());
        Assert.Empty(server.Links);
        Assert.Equal(0, server.RequestCount);
        Assert.Equal(0, server.FaultsInjected["500"]);
        Assert.Equal(9, server.Faults.Seed); // fault options survive a reset
    }

    [Fact]
    public async Task Every_fault_option_is_set_by_its_CSharp_name_and_read_back()
    {
        // The benchmark sends a FaultOptions object; an option the endpoint does not know fails the whole PUT.
        await using var server = await EmulatorServer.StartAsync();
        using var admin = Api.Client(server, withKey: false);
        var every = FaultOptions.HostileMix(5);
        every.HangMs = 1234;
        every.RefuseTitleContaining = " REFUSE";
        every.RefuseStatus = 503;
        every.OnlyPaths = "POST /links";
        every.BrokenAnswerShape = BrokenAnswerShape.ErrorObject;
        every.ListIgnoresOffset = true;
        every.TrickleBodyMs = 3;
        var enumsByName = new System.Text.Json.JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        await Api.Ok(await admin.PutAsync("_emulator/faults", System.Net.Http.Json.JsonContent.Create(every, options: enumsByName)));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(every, enumsByName), System.Text.Json.JsonSerializer.Serialize(server.Faults, enumsByName));
        var echoed = await Api.Ok(await admin.GetAsync("_emulator/faults"));
        Assert.Equal(" REFUSE", echoed.GetProperty("refuse_title_containing").GetString());
        Assert.Equal(503, echoed.GetProperty("refuse_status").GetInt32());

    }

    [Fact]
    public async Task Many_links_are_held_and_listed_quickly()
    {
        await using var server = await EmulatorServer.StartAsync();
        var t0 = DateTimeOffset.UtcNow.AddDays(-100);
        for (var i = 0; i < 100_000; i++) server.AddLink(i, "thb", "t", "d", false, t0.AddSeconds(i));
        using var client = Api.Client(server);
        var last = await Api.GetOk(client, "links?order=reverse_chronological&limit=1&offset=0");
        Assert.Equal(100_000, last.GetProperty("total").GetInt32());
        Assert.Equal(99_999, last.GetProperty("data")[0].GetProperty("amount").GetInt64());
        var search = await Api.GetOk(client, "search?scope=link&filters[used]=false&per_page=1");
        Assert.Equal(100_000, search.GetProperty("total_pages").GetInt32());
    }
}

public class CommandLineTests
{
    [Fact]
    public void Parses_every_option()
    {
        Assert.True(EmulatorCommandLine.TryParse(
        [
            "--urls", "http://127.0.0.1:5099", "--latency-ms", "15", "--fault-seed", "3", "--fault-429", "0.1",
            "--fault-429-retry-after=0.2", "--retry-after-seconds", "4", "--fault-500", "0.05", "--fault-503", "0.06",
            "--fault-drop-before", "0.01", "--fault-drop-after", "0.02", "--secret-key", "skey_test_abc",
            "--ready-file", "/tmp/x.ready", "--fault-only-paths", "POST /links", "--live",
        ], out var cmd, out var error), error);
        var o = cmd.Options;
        Assert.Equal("http://127.0.0.1:5099", o.Urls);
        Assert.Equal("skey_test_abc", o.SecretKey);
        Assert.True(o.LiveMode);
        Assert.Equal("/tmp/x.ready", cmd.ReadyFile);
        Assert.Equal(15, o.Faults.LatencyMs);
        Assert.Equal(3, o.Faults.Seed);
        Assert.Equal(0.1, o.Faults.RateLimitWithoutRetryAfter);
        Assert.Equal(0.2, o.Faults.RateLimitWithRetryAfter);
        Assert.Equal(4, o.Faults.RetryAfterSeconds);
        Assert.Equal(0.05, o.Faults.ServerError500);
        Assert.Equal(0.06, o.Faults.ServiceUnavailable503);
        Assert.Equal(0.01, o.Faults.DropBeforeStore);
        Assert.Equal(0.02, o.Faults.DropAfterStore);
        Assert.Equal("POST /links", o.Faults.OnlyPaths);
    }

    [Fact]
    public void Defaults_to_port_5080()
    {
        Assert.True(EmulatorCommandLine.TryParse([], out var cmd, out _));
        Assert.Equal("http://127.0.0.1:5080", cmd.Options.Urls);
        Assert.Equal(EmulatorServer.DefaultSecretKey, cmd.Options.SecretKey);
        Assert.False(cmd.ShowHelp);
        Assert.True(EmulatorCommandLine.TryParse(["--help"], out cmd, out _));
        Assert.True(cmd.ShowHelp);
    }

    [Theory]
    [InlineData("--fault-500", "1.5")]
    [InlineData("--fault-500", "x")]
    [InlineData("--latency-ms", "-3")]
    [InlineData("--bogus", "1")]
    [InlineData("--secret-key", "pkey_test_x")]
    [InlineData("stray", "1")]
    public void Rejects_bad_arguments(string name, string value)
    {
        Assert.False(EmulatorCommandLine.TryParse([name, value], out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.False(EmulatorCommandLine.TryParse(["--urls"], out _, out error));
        Assert.Contains("needs a value", error);
    }
}
