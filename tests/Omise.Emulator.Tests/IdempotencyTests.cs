using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using System.Text;

namespace Omise.Emulator.Tests;

public class IdempotencyTests
{
    internal static async Task<HttpResponseMessage> Post(HttpClient client, string? key, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "links") { Content = content ?? Api.LinkForm() };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>Until no late store is pending (each one stored or dropped).</summary>
    internal static Task SettleAsync(EmulatorServer server) => server.LateStoresLandedAsync();

    [Fact]
    public async Task Same_key_twice_gives_one_link_and_the_same_answer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { TimeProvider = time });
        using var client = Api.Client(server);
        var first = await Post(client, "key-1", Api.LinkForm(title: "once"));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)first.StatusCode);
        time.Advance(TimeSpan.FromSeconds(1.1)); // a new answer would show another charges.to time
        var second = await Post(client, "key-1", Api.LinkForm(title: "once"));
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Omise-Version"));

        var link = Assert.Single(server.Links);
        Assert.Equal("key-1", link.IdempotencyKey);
        Assert.Equal("key-1", server.IdempotencyKeyOf(link.Id));
        Assert.DoesNotContain("key-1", firstBody); // the key is not part of the API JSON
        Assert.Equal(2, server.IdempotencyKeyedRequests);
        Assert.Equal(1, server.IdempotencyDistinctKeys);
        Assert.Equal(1, server.IdempotencyReplays);
        Assert.Equal(2, server.CreateLinkRequests);
    }

    [Fact]
    public async Task Different_keys_and_no_key_create_new_links()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.Ok(await Post(client, "a"));
        await Api.Ok(await Post(client, "b"));
        var unkeyed = await Api.Ok(await Post(client, null));
        await Api.Ok(await Post(client, null));
        Assert.Equal(4, server.Links.Count);
        Assert.Null(server.IdempotencyKeyOf(unkeyed.GetProperty("id").GetString()!));
        Assert.Null(server.IdempotencyKeyOf("link_test_unknown"));
        Assert.Equal(2, server.IdempotencyKeyedRequests);
        Assert.Equal(2, server.IdempotencyDistinctKeys);
        Assert.Equal(0, server.IdempotencyReplays);
        Assert.Equal(4, server.CreateLinkRequests);
    }

    [Fact]
    public async Task The_same_parameters_as_form_or_json_match_the_key()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var form = await Api.Ok(await Post(client, "k", Api.LinkForm(amount: 500, title: "t", description: "d", multiple: true)));
        var json = await Api.Ok(await Post(client, "k",
            Api.Json(new { multiple = true, description = "d", title = "t", currency = "thb", amount = 500 })));
        Assert.Equal(form.GetProperty("id").GetString(), json.GetProperty("id").GetString());
        Assert.Single(server.Links);
    }

    [Fact]
    public async Task A_validation_error_is_stored_and_replayed()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var bad = Api.Form(("amount", "-1"), ("currency", "thb"), ("title", "t"), ("description", "d"));
        var first = await Post(client, "bad-key", bad);
        await Api.AssertError(first, 400, "invalid_amount");
        var second = await Post(client, "bad-key", Api.Form(("amount", "-1"), ("currency", "thb"), ("title", "t"), ("description", "d")));
        await Api.AssertError(second, 400, "invalid_amount");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, server.IdempotencyReplays);

        // the key stays bound to its first (bad) parameters: a corrected request needs a new key
        await Api.AssertError(await Post(client, "bad-key", Api.LinkForm()), 400, "bad_request", "Idempotency-Key reused with different parameters");
        Assert.Empty(server.Links);
        await Api.Ok(await Post(client, "good-key", Api.LinkForm()));
        Assert.Single(server.Links);

        // an unparseable body is a validation error too, matched by its bytes
        var broken1 = await Post(client, "json-key", new StringContent("{not json", Encoding.UTF8, "application/json"));
        await Api.AssertError(broken1, 400, "bad_request", "request body is not valid JSON");
        var broken2 = await Post(client, "json-key", new StringContent("{not json", Encoding.UTF8, "application/json"));
        await Api.AssertError(broken2, 400, "bad_request", "request body is not valid JSON");
        Assert.Equal(2, server.IdempotencyReplays);
    }

    [Fact]
    public async Task Same_key_with_other_parameters_is_refused_and_creates_nothing()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        var original = await Api.Ok(await Post(client, "k1", Api.LinkForm(amount: 100)));
        await Api.AssertError(await Post(client, "k1", Api.LinkForm(amount: 200)), 400, "bad_request", "Idempotency-Key reused with different parameters");
        var again = await Api.Ok(await Post(client, "k1", Api.LinkForm(amount: 100)));
        Assert.Equal(original.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Single(server.Links);
        Assert.Equal(1, server.IdempotencyReplays);
    }

    [Fact]
    public async Task An_unauthenticated_request_records_nothing()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var wrong = Api.Client(server, key: "skey_test_wrong");
        await Api.AssertError(await Post(wrong, "k"), 401, "authentication_failure");
        using var client = Api.Client(server);
        await Api.Ok(await Post(client, "k"));
        Assert.Single(server.Links);
        Assert.Equal(0, server.IdempotencyReplays);
    }

    [Fact]
    public async Task Faults_before_processing_record_nothing()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        server.Faults = new FaultOptions { RateLimitWithRetryAfter = 1 };
        await Api.AssertError(await Post(client, "k"), 429, "too_many_requests");
        server.Faults = new FaultOptions { RateLimitWithoutRetryAfter = 1 };
        await Api.AssertError(await Post(client, "k"), 429, "too_many_requests");
        server.Faults = new FaultOptions { ServerError500 = 1 };
        await Api.AssertError(await Post(client, "k"), 500, "internal_error");
        server.Faults = new FaultOptions { ServiceUnavailable503 = 1 };
        await Api.AssertError(await Post(client, "k"), 503, "service_unavailable");
        server.Faults = new FaultOptions { DropBeforeStore = 1 };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Post(client, "k"));
        Assert.Empty(server.Links);

        server.Faults = new FaultOptions();
        var response = await Post(client, "k");
        await Api.Ok(response);
        Assert.Single(server.Links);
        Assert.Equal(0, server.IdempotencyReplays); // processed fresh, not replayed
        Assert.Equal(6, server.IdempotencyKeyedRequests);
        Assert.Equal(1, server.IdempotencyDistinctKeys);
    }

    [Fact]
    public async Task Drop_after_store_then_retry_with_the_key_gets_the_same_link()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Faults = new FaultOptions { DropAfterStore = 1 } });
        using var client = Api.Client(server);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Post(client, "row-7", Api.LinkForm(title: "row 7")));
        var stored = Assert.Single(server.Links);

        server.Faults = new FaultOptions();
        var retry = await Api.Ok(await Post(client, "row-7", Api.LinkForm(title: "row 7")));
        Assert.Equal(stored.Id, retry.GetProperty("id").GetString());
        Assert.Equal("row 7", retry.GetProperty("title").GetString());
        Assert.Single(server.Links);
        Assert.Equal(1, server.IdempotencyReplays);
        Assert.Equal("row-7", server.IdempotencyKeyOf(stored.Id));
    }

    [Fact]
    public async Task A_server_that_ignores_the_key_creates_a_second_link()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { IgnoreIdempotencyKey = true });
        Assert.True(server.IgnoreIdempotencyKey);
        using var client = Api.Client(server);
        var a = await Api.Ok(await Post(client, "same"));
        var b = await Api.Ok(await Post(client, "same"));
        Assert.NotEqual(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal(2, server.Links.Count);
        Assert.All(server.Links, l => Assert.Equal("same", l.IdempotencyKey)); // the key is still kept on each link
        Assert.Equal(0, server.IdempotencyReplays);
        Assert.Equal(2, server.IdempotencyKeyedRequests);
        Assert.Equal(1, server.IdempotencyDistinctKeys);

        // switched at run time
        server.IgnoreIdempotencyKey = false;
        var c = await Api.Ok(await Post(client, "other"));
        var d = await Api.Ok(await Post(client, "other"));
        Assert.Equal(c.GetProperty("id").GetString(), d.GetProperty("id").GetString());
        Assert.Equal(3, server.Links.Count);
        server.IgnoreIdempotencyKey = true;
        await Api.Ok(await Post(client, "other"));
        Assert.Equal(4, server.Links.Count);
    }

    [Fact]
    public async Task A_retry_while_the_first_is_pending_waits_and_gets_the_link()
    {
        using var time = VirtualClock.Patient();
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            TimeProvider = time,
            Faults = new FaultOptions { LateStoreAfter502 = 1, LateStoreDelayMs = 800 },
        });
        using var client = Api.Client(server);
        await Api.AssertError(await Post(client, "wait-key"), 502, "bad_gateway");
        Assert.Empty(server.Links);
        Assert.Equal(1, server.PendingLateStores);

        server.Faults = new FaultOptions();
        var retry = await Api.Ok(await Post(client, "wait-key"));
        Assert.True(time.Elapsed >= TimeSpan.FromMilliseconds(800), $"the retry came back after {time.Elapsed}, before the late store");
        var link = Assert.Single(server.Links);
        Assert.Equal(link.Id, retry.GetProperty("id").GetString());
        Assert.Equal(1, server.IdempotencyReplays);
        Assert.Equal(0, server.PendingLateStores);
    }

    [Fact]
    public async Task A_retry_that_waits_too_long_gets_409_conflict()
    {
        using var time = VirtualClock.Patient();
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            TimeProvider = time,
            IdempotencyWaitTimeout = TimeSpan.FromMilliseconds(200),
            Faults = new FaultOptions { LateStoreAfter502 = 1, LateStoreDelayMs = 1500 },
        });
        using var client = Api.Client(server);
        await Api.AssertError(await Post(client, "slow"), 502, "bad_gateway");
        server.Faults = new FaultOptions();
        await Api.AssertError(await Post(client, "slow"), 409, "conflict");
        Assert.InRange(time.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1499));
        Assert.Empty(server.Links);

        await IdempotencyTests.SettleAsync(server);
        var link = Assert.Single(server.Links);
        var replay = await Api.Ok(await Post(client, "slow"));
        Assert.Equal(link.Id, replay.GetProperty("id").GetString());
        Assert.Single(server.Links);
    }

    [Fact]
    public async Task A_stored_answer_expires_after_the_key_lifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { TimeProvider = time, IdempotencyKeyLifetime = TimeSpan.FromMilliseconds(2000) });
        using var client = Api.Client(server);
        var a = await Api.Ok(await Post(client, "k"));
        time.Advance(TimeSpan.FromMilliseconds(2000));
        var b = await Api.Ok(await Post(client, "k"));
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        time.Advance(TimeSpan.FromMilliseconds(1));
        var c = await Api.Ok(await Post(client, "k"));
        Assert.NotEqual(a.GetProperty("id").GetString(), c.GetProperty("id").GetString());
        Assert.Equal(2, server.Links.Count);
    }

    [Fact]
    public async Task Reset_forgets_the_keys_and_the_counters()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        await Api.Ok(await Post(client, "k"));
        await Api.Ok(await Post(client, "k"));
        server.ResetStats();
        Assert.Equal(0, server.IdempotencyKeyedRequests);
        Assert.Equal(0, server.IdempotencyDistinctKeys);
        Assert.Equal(0, server.IdempotencyReplays);
        Assert.Equal(0, server.CreateLinkRequests);
        await Api.Ok(await Post(client, "k")); // records survive ResetStats
        Assert.Equal(1, server.IdempotencyReplays);
        Assert.Single(server.Links);

        server.Reset();
        Assert.Equal(0, server.IdempotencyReplays);
        await Api.Ok(await Post(client, "k")); // records do not survive Reset
        Assert.Single(server.Links);
        Assert.Equal(0, server.IdempotencyReplays);
    }

    [Fact]
    public async Task Admin_endpoints_show_and_switch_idempotency()
    {
        await using var server = await EmulatorServer.StartAsync();
        using var client = Api.Client(server);
        using var admin = Api.Client(server, withKey: false);
        await Api.Ok(await Post(client, "k"));
        await Api.Ok(await Post(client, "k"));
        var stats = await Api.Ok(await admin.GetAsync("_emulator/stats"));
        var idem = stats.GetProperty("idempotency");
        Assert.Equal(2, idem.GetProperty("keyed_requests").GetInt64());
        Assert.Equal(1, idem.GetProperty("distinct_keys").GetInt32());
        Assert.Equal(1, idem.GetProperty("replays").GetInt64());
        Assert.False(idem.GetProperty("ignore_idempotency_key").GetBoolean());
        Assert.Equal(2, stats.GetProperty("create_requests").GetInt64());
        Assert.Equal(0, stats.GetProperty("pending_late_stores").GetInt32());

        var set = await Api.Ok(await admin.PutAsync("_emulator/idempotency",
            new StringContent("""{"ignore_idempotency_key": true}""", Encoding.UTF8, "application/json")));
        Assert.True(set.GetProperty("ignore_idempotency_key").GetBoolean());
        Assert.True(server.IgnoreIdempotencyKey);
        await Api.Ok(await Post(client, "k"));
        Assert.Equal(2, server.Links.Count);
        var current = await Api.Ok(await admin.GetAsync("_emulator/idempotency"));
        Assert.True(current.GetProperty("ignore_idempotency_key").GetBoolean());
        Assert.Equal(400, (int)(await admin.PutAsync("_emulator/idempotency",
            new StringContent("""{"ignore_idempotency_key": "maybe"}""", Encoding.UTF8, "application/json"))).StatusCode);
    }
}
