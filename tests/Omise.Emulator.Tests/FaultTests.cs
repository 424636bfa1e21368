using System.Diagnostics;
using System.Net;

namespace Omise.Emulator.Tests;

public class FaultTests
{
    private static Task<EmulatorServer> Start(FaultOptions faults) => EmulatorServer.StartAsync(new EmulatorOptions { Faults = faults });

    [Fact]
    public async Task Rate_limit_with_retry_after()
    {
        await using var server = await Start(new FaultOptions { RateLimitWithRetryAfter = 1.0, RetryAfterSeconds = 7 });
        using var client = Api.Client(server);
        var response = await client.GetAsync("account");
        await Api.AssertError(response, 429, "too_many_requests");
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, server.FaultsInjected["429-retry-after"]);
        Assert.Equal(0, server.FaultsInjected["429"]);
    }

    [Fact]
    public async Task Rate_limit_without_retry_after()
    {
        await using var server = await Start(new FaultOptions { RateLimitWithoutRetryAfter = 1.0 });
        using var client = Api.Client(server);
        var response = await client.PostAsync("links", Api.LinkForm());
        await Api.AssertError(response, 429, "too_many_requests");
        Assert.Null(response.Headers.RetryAfter);
        Assert.Empty(server.Links);
        Assert.Equal(1, server.FaultsInjected["429"]);
    }

    [Fact]
    public async Task Server_error_and_service_unavailable()
    {
        await using var server = await Start(new FaultOptions { ServerError500 = 1.0 });
        using var client = Api.Client(server);
        await Api.AssertError(await client.GetAsync("links"), 500, "internal_error");
        server.Faults = new FaultOptions { ServiceUnavailable503 = 1.0 };
        await Api.AssertError(await client.PostAsync("links", Api.LinkForm()), 503, "service_unavailable");
        Assert.Empty(server.Links);
        Assert.Equal(1, server.FaultsInjected["500"]);
        Assert.Equal(1, server.FaultsInjected["503"]);
        server.Faults = new FaultOptions();
        await Api.GetOk(client, "links");
    }

    [Fact]
    public async Task Drop_before_store_aborts_and_stores_nothing()
    {
        await using var server = await Start(new FaultOptions { DropBeforeStore = 1.0 });
        using var client = Api.Client(server);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostAsync("links", Api.LinkForm()));
        Assert.Empty(server.Links);
        Assert.Equal(1, server.FaultsInjected["drop-before"]);
        // drops act on POST /links only
        await Api.GetOk(client, "account");
    }

    [Fact]
    public async Task Drop_after_store_stores_the_link_but_the_client_gets_no_response()
    {
        await using var server = await Start(new FaultOptions { DropAfterStore = 1.0 });
        using var client = Api.Client(server);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => client.PostAsync("links", Api.LinkForm(title: "lost reply")));
        Assert.True(e is HttpRequestException or IOException, e.ToString());
        var stored = Assert.Single(server.Links);
        Assert.Equal("lost reply", stored.Title);
        Assert.Equal(1, server.FaultsInjected["drop-after"]);
        await Api.GetOk(client, "links");
    }

    [Fact]
    public async Task Only_paths_restricts_faults()
    {
        await using var server = await Start(new FaultOptions { ServerError500 = 1.0, OnlyPaths = "POST /links" });
        using var client = Api.Client(server);
        await Api.GetOk(client, "account");
        await Api.GetOk(client, "links");
        await Api.AssertError(await client.PostAsync("links", Api.LinkForm()), 500, "internal_error");

        server.Faults = new FaultOptions { ServiceUnavailable503 = 1.0, OnlyPaths = "GET /links/{id}; GET /search" };
        var link = server.AddLink(1, "thb", "t", "d", false);
        await Api.GetOk(client, "links");
        await Api.AssertError(await client.GetAsync("links/" + link.Id), 503, "service_unavailable");
        await Api.AssertError(await client.GetAsync("search?scope=link"), 503, "service_unavailable");
    }

    [Fact]
    public async Task Admin_endpoints_are_never_faulted_or_counted()
    {
        // The emulator's clock never moves here: an API request would wait out its 5 s of latency for ever, so the admin
        // request answering at all shows it is not delayed.
        var frozen = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Faults = new FaultOptions { ServerError500 = 1.0, LatencyMs = 5000 },
            TimeProvider = frozen,
        });
        using var client = Api.Client(server, withKey: false);
        var stats = await Api.Ok(await client.GetAsync("_emulator/stats"));
        Assert.Equal(TimeSpan.Zero, frozen.GetUtcNow() - frozen.Start);
        Assert.Equal(0, stats.GetProperty("request_count").GetInt64());
        Assert.Equal(0, server.RequestCount);
    }

    private static async Task<string> StatusSequence(EmulatorServer server, int count)
    {
        using var client = Api.Client(server);
        var codes = new List<int>();
        for (var i = 0; i < count; i++) codes.Add((int)(await client.GetAsync("account")).StatusCode);
        return string.Join(",", codes);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_fault_sequence()
    {
        var faults = new FaultOptions { Seed = 42, ServerError500 = 0.2, ServiceUnavailable503 = 0.2, RateLimitWithoutRetryAfter = 0.2 };
        await using var a = await Start(faults.Clone());
        await using var b = await Start(faults.Clone());
        var seqA = await StatusSequence(a, 40);
        var seqB = await StatusSequence(b, 40);
        Assert.Equal(seqA, seqB);
        Assert.Contains("200", seqA);
        Assert.Contains("500", seqA);
        Assert.Contains("503", seqA);
        Assert.Contains("429", seqA);

        // setting the options again restarts the sequence
        a.Faults = faults.Clone();
        Assert.Equal(seqA, await StatusSequence(a, 40));
        // so does Reset()
        b.Reset();
        Assert.Equal(seqA, await StatusSequence(b, 40));

        await using var c = await Start(new FaultOptions { Seed = 43, ServerError500 = 0.2, ServiceUnavailable503 = 0.2, RateLimitWithoutRetryAfter = 0.2 });
        Assert.NotEqual(seqA, await StatusSequence(c, 40));
    }

    [Fact]
    public async Task Fault_rate_follows_the_probability()
    {
        await using var server = await Start(new FaultOptions { Seed = 7, ServerError500 = 0.25 });
        var seq = (await StatusSequence(server, 200)).Split(',');
        var errors = seq.Count(s => s == "500");
        Assert.InRange(errors, 30, 70);
        Assert.Equal(errors, server.FaultsInjected["500"]);
        Assert.Equal(200, server.RequestCount);
    }

    [Fact]
    public async Task Latency_is_added_to_api_requests()
    {
        using var time = VirtualClock.Patient();
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { TimeProvider = time, Faults = new FaultOptions { LatencyMs = 250 } });
        using var client = Api.Client(server);
        await Api.GetOk(client, "account");
        Assert.Equal(TimeSpan.FromMilliseconds(250), time.Elapsed);
        await Api.GetOk(client, "account");
        Assert.Equal(TimeSpan.FromMilliseconds(500), time.Elapsed);
    }

    [Fact]
    public async Task Max_concurrent_requests_counts_parallel_requests()
    {
        await using var server = await Start(new FaultOptions { LatencyMs = 600 });
        using var client = Api.Client(server);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.PostAsync("links", Api.LinkForm(title: "p" + i))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(8, server.MaxConcurrentRequests);
        Assert.Equal(8, server.RequestCount);
        Assert.Equal(8, server.Links.Count);

        server.ResetStats();
        Assert.Equal(0, server.MaxConcurrentRequests);
        Assert.Equal(0, server.RequestCount);
        await Api.GetOk(client, "account");
        Assert.Equal(1, server.MaxConcurrentRequests);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Invalid_fault_options_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Start(new FaultOptions { ServerError500 = 1.5 }));
        await using var server = await Start(new FaultOptions());
        Assert.Throws<ArgumentException>(() => server.Faults = new FaultOptions { LatencyMs = -1 });
        Assert.Throws<ArgumentException>(() => server.Faults = new FaultOptions { DropAfterStore = double.NaN });
    }
}
