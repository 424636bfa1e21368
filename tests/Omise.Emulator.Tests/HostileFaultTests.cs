using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using System.Text;
using System.Text.Json;

namespace Omise.Emulator.Tests;

public class HostileFaultTests
{
    private static Task<EmulatorServer> Start(FaultOptions faults, TimeProvider? time = null) =>
        EmulatorServer.StartAsync(new EmulatorOptions { Faults = faults, TimeProvider = time ?? TimeProvider.System });

    private static Task<HttpResponseMessage> Post(HttpClient client, string? key = null, HttpContent? content = null) =>
        IdempotencyTests.Post(client, key, content);

    private static async Task<int> LinkTotal(HttpClient client) => (await Api.GetOk(client, "links")).GetProperty("total").GetInt32();

    [Fact]
    public async Task Late_store_after_502_shows_the_link_only_after_the_delay()
    {
        // A clock only the test moves: the 502 comes while no time passes, the store exactly at 2 s.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Start(new FaultOptions { LateStoreAfter502 = 1, LateStoreDelayMs = 2000, OnlyPaths = "POST /links" }, time);
        using var client = Api.Client(server);
        var response = await Post(client, content: Api.LinkForm(title: "late"));
        await Api.AssertError(response, 502, "bad_gateway");
        Assert.Equal(0, await LinkTotal(client)); // a look-up made at once misses it
        Assert.Equal(1, server.PendingLateStores);

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, await LinkTotal(client));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await server.LateStoresLandedAsync();
        Assert.Equal(1, await LinkTotal(client));
        Assert.Equal("late", Assert.Single(server.Links).Title);
        Assert.Equal(0, server.PendingLateStores);
        Assert.Equal(1, server.FaultsInjected["late-store-502"]);
        Assert.Equal(1, server.CreateLinkRequests); // the late store is no request
    }

    [Fact]
    public async Task Late_store_after_502_of_an_invalid_request_stores_nothing()
    {
        await using var server = await Start(new FaultOptions { LateStoreAfter502 = 1, LateStoreDelayMs = 100 });
        using var client = Api.Client(server);
        await Api.AssertError(await Post(client, "bad", Api.Form(("amount", "x"))), 502, "bad_gateway");
        await IdempotencyTests.SettleAsync(server);
        Assert.Empty(server.Links);
        server.Faults = new FaultOptions();
        // the key's stored answer is the validation error the backend produced
        await Api.AssertError(await Post(client, "bad", Api.Form(("amount", "x"))), 400, "bad_request", "amount is not a number");
        Assert.Equal(1, server.IdempotencyReplays);
    }

    [Fact]
    public async Task Late_store_after_timeout_stores_after_the_client_gave_up()
    {
        // The hang (3 s) is on a clock only the test moves, so the client's 0.3 s (HttpClient's own, real) always ends first.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Start(new FaultOptions { LateStoreAfterTimeout = 1, HangMs = 3000 }, time);
        using var client = Api.Client(server);
        using var impatient = Api.Client(server);
        impatient.Timeout = TimeSpan.FromMilliseconds(300);
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => Post(impatient, "t-key", Api.LinkForm(title: "hung")));
        server.Faults = new FaultOptions();

        // the client has given up: the request no longer counts as in flight, and nothing is stored yet
        using var admin = Api.Client(server, withKey: false);
        var inFlight = -1;
        while (sw.ElapsedMilliseconds < 2500 && (inFlight = (await Api.Ok(await admin.GetAsync("_emulator/stats"))).GetProperty("in_flight").GetInt32()) != 0)
            await Task.Delay(10);
        Assert.Equal(0, inFlight);
        Assert.Equal(0, await LinkTotal(client));
        Assert.Equal(1, server.PendingLateStores);

        time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Equal(0, await LinkTotal(client));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await server.LateStoresLandedAsync();
        var link = Assert.Single(server.Links);
        Assert.Equal("hung", link.Title);
        Assert.Equal(1, server.FaultsInjected["late-store-timeout"]);

        // a retry with the key gets the link that was stored
        var retry = await Api.Ok(await Post(client, "t-key", Api.LinkForm(title: "hung")));
        Assert.Equal(link.Id, retry.GetProperty("id").GetString());
        Assert.Single(server.Links);
        Assert.Equal(1, server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Late_store_after_timeout_drops_a_patient_client_after_storing()
    {
        using var time = VirtualClock.Patient();
        await using var server = await Start(new FaultOptions { LateStoreAfterTimeout = 1, HangMs = 300 }, time);
        using var client = Api.Client(server);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Post(client, content: Api.LinkForm()));
        Assert.True(e is HttpRequestException or IOException, e.ToString());
        Assert.True(time.Elapsed >= TimeSpan.FromMilliseconds(300), $"dropped after {time.Elapsed} of the emulator's clock");
        Assert.Single(server.Links);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_retry_during_a_hang_waits_for_the_store()
    {
        // The hang is on a clock only the test moves: the client's 200 ms (real) always ends first, however loaded the machine.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Start(new FaultOptions { LateStoreAfterTimeout = 1, HangMs = 800 }, time);
        using var impatient = Api.Client(server);
        impatient.Timeout = TimeSpan.FromMilliseconds(200);
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => Post(impatient, "h"));
        server.Faults = new FaultOptions();
        using var client = Api.Client(server);
        var retrying = Post(client, "h");
        time.Advance(TimeSpan.FromMilliseconds(800));
        var retry = await Api.Ok(await retrying);
        Assert.Equal(Assert.Single(server.Links).Id, retry.GetProperty("id").GetString());
        Assert.Equal(1, server.IdempotencyReplays);
    }

    [Fact]
    public async Task Broken_create_answers_rotate_and_each_stores_one_link()
    {
        await using var server = await Start(new FaultOptions { BrokenCreateAnswer = 1 });
        using var client = Api.Client(server);
        var bodies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var response = await Post(client, "b" + i);
            Assert.Equal(200, (int)response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        Assert.Equal("{}", bodies[0]);
        Assert.Equal("""{"object":"link"}""", bodies[1]);
        using (var error = JsonDocument.Parse(bodies[2]))
        {
            Assert.Equal("error", error.RootElement.GetProperty("object").GetString());
            Assert.Equal("internal_error", error.RootElement.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("message").GetString()));
        }
        Assert.Equal("{}", bodies[3]);
        Assert.Equal(4, server.Links.Count);
        Assert.Equal(4, server.FaultsInjected["broken-answer"]);

        // the key's stored answer is the real link
        server.Faults = new FaultOptions();
        var retry = await Api.Ok(await Post(client, "b1"));
        Assert.Equal("link", retry.GetProperty("object").GetString());
        Assert.Equal(server.Links[1].Id, retry.GetProperty("id").GetString());
        Assert.Equal(4, server.Links.Count);
    }

    [Theory]
    [InlineData(BrokenAnswerShape.EmptyObject, "{}")]
    [InlineData(BrokenAnswerShape.ObjectOnly, """{"object":"link"}""")]
    public async Task A_broken_answer_shape_can_be_pinned(BrokenAnswerShape shape, string expected)
    {
        await using var server = await Start(new FaultOptions { BrokenCreateAnswer = 1, BrokenAnswerShape = shape });
        using var client = Api.Client(server);
        for (var i = 0; i < 3; i++) Assert.Equal(expected, await (await Post(client)).Content.ReadAsStringAsync());
        Assert.Equal(3, server.Links.Count);
    }

    [Fact]
    public async Task A_pinned_error_shape_is_an_error_object_with_status_200()
    {
        await using var server = await Start(new FaultOptions { BrokenCreateAnswer = 1, BrokenAnswerShape = BrokenAnswerShape.ErrorObject });
        using var client = Api.Client(server);
        var response = await Post(client);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("internal_error", (await Api.Body(response)).GetProperty("code").GetString());
        Assert.Single(server.Links);
    }

    [Fact]
    public async Task A_failed_create_gets_its_real_answer_under_broken_answers()
    {
        await using var server = await Start(new FaultOptions { BrokenCreateAnswer = 1 });
        using var client = Api.Client(server);
        await Api.AssertError(await Post(client, content: Api.Form(("amount", "1"))), 400, "bad_request", "currency is required");
        Assert.Empty(server.Links);
        Assert.Equal(0, server.FaultsInjected["broken-answer"]);
    }

    [Fact]
    public async Task List_data_null_on_links_and_search()
    {
        await using var server = await Start(new FaultOptions { ListDataNull = 1 });
        server.AddLink(100, "thb", "t", "d", false);
        using var client = Api.Client(server);
        var list = await Api.GetOk(client, "links");
        Assert.Equal(JsonValueKind.Null, list.GetProperty("data").ValueKind);
        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var search = await Api.GetOk(client, "search?scope=link");
        Assert.Equal(JsonValueKind.Null, search.GetProperty("data").ValueKind);
        Assert.Equal("search", search.GetProperty("object").GetString());
        Assert.Equal(2, server.FaultsInjected["list-data-null"]);

        // other routes are untouched
        await Api.GetOk(client, "links/" + server.Links[0].Id);
        Assert.Single(server.Links);
        await Api.Ok(await Post(client));
        Assert.Equal(2, server.Links.Count);
        // a list request that fails validation keeps its error (and is not counted)
        await Api.AssertError(await client.GetAsync("links?order=sideways"), 400, "bad_request");
        Assert.Equal(2, server.FaultsInjected["list-data-null"]);
    }

    [Fact]
    public async Task List_data_null_follows_only_paths()
    {
        await using var server = await Start(new FaultOptions { ListDataNull = 1, OnlyPaths = "GET /search" });
        using var client = Api.Client(server);
        Assert.Equal(JsonValueKind.Array, (await Api.GetOk(client, "links")).GetProperty("data").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await Api.GetOk(client, "search?scope=link")).GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task List_ignores_offset_returns_the_first_page()
    {
        await using var server = await Start(new FaultOptions { ListIgnoresOffset = true });
        var t0 = DateTimeOffset.UtcNow.AddDays(-1);
        var links = Enumerable.Range(0, 5).Select(i => server.AddLink(i, "thb", "t" + i, "d", false, t0.AddMinutes(i))).ToArray();
        using var client = Api.Client(server);
        var page = await Api.GetOk(client, "links?offset=3&limit=2");
        Assert.Equal([links[0].Id, links[1].Id], Api.Ids(page));
        Assert.Equal(3, page.GetProperty("offset").GetInt32()); // the asked offset is echoed
        Assert.Equal(5, page.GetProperty("total").GetInt32());
        Assert.Equal([links[4].Id], Api.Ids(await Api.GetOk(client, "links?offset=2&limit=1&order=reverse_chronological")));
        Assert.Equal(0, server.FaultsInjected.Values.Sum());

        server.Faults = new FaultOptions();
        Assert.Equal([links[3].Id, links[4].Id], Api.Ids(await Api.GetOk(client, "links?offset=3&limit=2")));
    }

    [Fact]
    public async Task Trickled_body_takes_about_its_length_times_the_delay()
    {
        // The test moves the emulator's clock 4 ms at a time: the body can only be whole after a move per byte.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Start(new FaultOptions { TrickleBodyMs = 4, OnlyPaths = "GET /account" }, time);
        using var client = Api.Client(server);
        await Api.GetOk(client, "links"); // warm up the connection (not trickled: outside OnlyPaths)
        var reading = client.GetAsync("account", HttpCompletionOption.ResponseContentRead);
        var moves = 0;
        while (!reading.IsCompleted && moves < 10_000)
        {
            time.Advance(TimeSpan.FromMilliseconds(4));
            moves++;
            await Task.Delay(1);
        }
        var response = await reading;
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(bytes.Length > 100, $"{bytes.Length} bytes");
        Assert.True(moves >= bytes.Length - 1, $"{bytes.Length} bytes after {moves} moves of 4 ms");
        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal("account", doc.RootElement.GetProperty("object").GetString());
        Assert.Equal(0, server.FaultsInjected.Values.Sum());
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task A_client_that_gives_up_on_a_trickled_body_does_not_break_the_server()
    {
        await using var server = await Start(new FaultOptions { TrickleBodyMs = 50 });
        using (var impatient = Api.Client(server))
        {
            impatient.Timeout = TimeSpan.FromMilliseconds(200);
            await Assert.ThrowsAnyAsync<TaskCanceledException>(async () =>
                await (await impatient.GetAsync("account", HttpCompletionOption.ResponseContentRead)).Content.ReadAsStringAsync());
        }
        server.Faults = new FaultOptions();
        using var client = Api.Client(server);
        await Api.GetOk(client, "account");
    }

    [Fact]
    public async Task Disposing_with_pending_late_stores_and_hangs_is_quick_and_quiet()
    {
        // On a clock that never moves: the late stores and the hang would wait for ever, so a dispose that finishes at all
        // did not wait for them.
        var server = await Start(new FaultOptions { LateStoreAfter502 = 1, LateStoreDelayMs = 20_000 }, new FakeTimeProvider(DateTimeOffset.UtcNow));
        using var client = Api.Client(server);
        await Api.AssertError(await Post(client, "p1"), 502, "bad_gateway");
        await Api.AssertError(await Post(client), 502, "bad_gateway");
        server.Faults = new FaultOptions { LateStoreAfterTimeout = 1, HangMs = 20_000 };
        var hanging = Post(client, "p2");
        var sw = Stopwatch.StartNew();
        while (server.PendingLateStores < 3 && sw.ElapsedMilliseconds < 5000) await Task.Delay(10);
        Assert.Equal(3, server.PendingLateStores);
        server.Faults = new FaultOptions();
        var waiting = Post(client, "p1"); // waits on the pending key
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await server.DisposeAsync();
        Assert.Empty(server.Links);
        Assert.Equal(0, server.PendingLateStores);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => hanging);
        try
        {
            var answer = await waiting; // released, with an error or a dropped connection, never a link
            Assert.NotEqual(200, (int)answer.StatusCode);
        }
        catch (HttpRequestException)
        {
        }
        await server.DisposeAsync(); // twice is fine
    }

    [Fact]
    public async Task Reset_drops_pending_late_stores()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Start(new FaultOptions { LateStoreAfter502 = 1, LateStoreDelayMs = 300 }, time);
        using var client = Api.Client(server);
        await Api.AssertError(await Post(client, "r"), 502, "bad_gateway");
        server.Reset();
        await server.LateStoresLandedAsync();
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Empty(server.Links);
    }

    private static async Task<string> CreateSequence(EmulatorServer server, int count)
    {
        using var client = Api.Client(server);
        var outcomes = new List<string>();
        for (var i = 0; i < count; i++)
        {
            try
            {
                var response = await Post(client, "row-" + i);
                var body = await response.Content.ReadAsStringAsync();
                outcomes.Add((int)response.StatusCode + (response.IsSuccessStatusCode && !body.Contains("\"id\"") ? "!" : ""));
            }
            catch (HttpRequestException)
            {
                outcomes.Add("x");
            }
        }
        using var lists = Api.Client(server);
        for (var i = 0; i < 20; i++)
        {
            var response = await lists.GetAsync("links");
            var body = await Api.Body(response);
            outcomes.Add(response.IsSuccessStatusCode
                ? body.GetProperty("data").ValueKind == JsonValueKind.Null ? "null" : "list"
                : ((int)response.StatusCode).ToString());
        }
        return string.Join(",", outcomes);
    }

    [Fact]
    public async Task Hostile_mix_is_deterministic_with_its_seed()
    {
        static FaultOptions Mix(int seed)
        {
            var f = FaultOptions.HostileMix(seed);
            f.RateLimitWithRetryAfter = 0; // no waiting on Retry-After here: the draws are what is tested
            f.HangMs = 50;
            f.LateStoreDelayMs = 10;
            f.LateStoreAfter502 = f.LateStoreAfterTimeout = f.BrokenCreateAnswer = f.ListDataNull = 0.1;
            return f;
        }
        await using var a = await Start(Mix(3));
        await using var b = await Start(Mix(3));
        var seqA = await CreateSequence(a, 60);
        var seqB = await CreateSequence(b, 60);
        Assert.Equal(seqA, seqB);
        Assert.Contains("502", seqA);
        Assert.Contains("200!", seqA);
        Assert.Contains("null", seqA);
        Assert.Contains("x", seqA);
        await IdempotencyTests.SettleAsync(a);
        Assert.Equal(a.FaultsInjected, b.FaultsInjected);
        Assert.True(a.FaultsInjected["late-store-timeout"] > 0);
        Assert.Equal(80, a.RequestCount);
        Assert.Equal(60, a.CreateLinkRequests);

        var mix = FaultOptions.HostileMix(9);
        Assert.Equal(0.03, mix.LateStoreAfter502);
        Assert.Equal(0.03, mix.LateStoreAfterTimeout);
        Assert.Equal(0.03, mix.BrokenCreateAnswer);
        Assert.Equal(0.03, mix.ListDataNull);
        Assert.Equal(0.03, mix.DropAfterStore);
        Assert.False(mix.ListIgnoresOffset);
        Assert.Equal(0, mix.TrickleBodyMs);
        Assert.Equal(0, FaultOptions.FaultSuiteMix(9).LateStoreAfter502);
    }

    [Fact]
    public async Task New_fault_options_are_validated_and_settable_through_the_admin_endpoint()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Start(new FaultOptions { LateStoreAfter502 = 2 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Start(new FaultOptions { HangMs = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Start(new FaultOptions { TrickleBodyMs = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Start(new FaultOptions { BrokenAnswerShape = (BrokenAnswerShape)9 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            EmulatorServer.StartAsync(new EmulatorOptions { IdempotencyWaitTimeout = TimeSpan.FromSeconds(-1) }));

        await using var server = await Start(new FaultOptions());
        using var admin = Api.Client(server, withKey: false);
        var set = await Api.Ok(await admin.PutAsync("_emulator/faults", new StringContent("""
            {"late_store_after_502": 0.1, "late-store-after-timeout": 0.2, "LateStoreDelayMs": 10, "hang_ms": 20,
             "broken_create_answer": 0.3, "broken_answer_shape": "error", "list_data_null": 0.4, "list_ignores_offset": true,
             "trickle_body_ms": 3}
            """, Encoding.UTF8, "application/json")));
        var f = server.Faults;
        Assert.Equal(0.1, f.LateStoreAfter502);
        Assert.Equal(0.2, f.LateStoreAfterTimeout);
        Assert.Equal(10, f.LateStoreDelayMs);
        Assert.Equal(20, f.HangMs);
        Assert.Equal(0.3, f.BrokenCreateAnswer);
        Assert.Equal(BrokenAnswerShape.ErrorObject, f.BrokenAnswerShape);
        Assert.Equal(0.4, f.ListDataNull);
        Assert.True(f.ListIgnoresOffset);
        Assert.Equal(3, f.TrickleBodyMs);
        Assert.Equal("error", set.GetProperty("broken_answer_shape").GetString());
        Assert.True(set.GetProperty("list_ignores_offset").GetBoolean());
        Assert.Equal(1500, (await Api.Ok(await admin.PutAsync("_emulator/faults", new StringContent("{}", Encoding.UTF8, "application/json"))))
            .GetProperty("late_store_delay_ms").GetInt32());
        Assert.Equal(400, (int)(await admin.PutAsync("_emulator/faults",
            new StringContent("""{"broken_answer_shape": "weird"}""", Encoding.UTF8, "application/json"))).StatusCode);

        var stats = await Api.Ok(await admin.GetAsync("_emulator/stats"));
        foreach (var name in new[] { "late-store-502", "late-store-timeout", "broken-answer", "list-data-null" })
            Assert.Equal(0, stats.GetProperty("faults").GetProperty(name).GetInt32());
    }
}

public class HostileCommandLineTests
{
    [Fact]
    public void Parses_the_hostile_options()
    {
        Assert.True(EmulatorCommandLine.TryParse(
        [
            "--ignore-idempotency-key", "--fault-late-store-502", "0.1", "--late-store-delay-ms=200", "--fault-late-store-timeout", "0.2",
            "--hang-ms", "3000", "--fault-broken-answer", "0.3", "--broken-answer-shape", "object", "--fault-list-data-null", "0.4",
            "--list-ignores-offset", "--trickle-body-ms", "7",
        ], out var cmd, out var error), error);
        var o = cmd.Options;
        Assert.True(o.IgnoreIdempotencyKey);
        Assert.Equal(0.1, o.Faults.LateStoreAfter502);
        Assert.Equal(200, o.Faults.LateStoreDelayMs);
        Assert.Equal(0.2, o.Faults.LateStoreAfterTimeout);
        Assert.Equal(3000, o.Faults.HangMs);
        Assert.Equal(0.3, o.Faults.BrokenCreateAnswer);
        Assert.Equal(BrokenAnswerShape.ObjectOnly, o.Faults.BrokenAnswerShape);
        Assert.Equal(0.4, o.Faults.ListDataNull);
        Assert.True(o.Faults.ListIgnoresOffset);
        Assert.Equal(7, o.Faults.TrickleBodyMs);

        Assert.True(EmulatorCommandLine.TryParse([], out cmd, out _));
        Assert.False(cmd.Options.IgnoreIdempotencyKey);
        Assert.Equal(1500, cmd.Options.Faults.LateStoreDelayMs);
        Assert.Equal(5000, cmd.Options.Faults.HangMs);
        Assert.Equal(BrokenAnswerShape.Rotate, cmd.Options.Faults.BrokenAnswerShape);
    }

    [Theory]
    [InlineData("--broken-answer-shape", "zigzag")]
    [InlineData("--fault-late-store-502", "1.2")]
    [InlineData("--hang-ms", "-1")]
    [InlineData("--trickle-body-ms", "x")]
    public void Rejects_bad_hostile_values(string name, string value)
    {
        Assert.False(EmulatorCommandLine.TryParse([name, value], out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
