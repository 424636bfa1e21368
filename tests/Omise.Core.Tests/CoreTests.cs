using System.Net;
using Omise.Core.Models;
using Omise.Emulator;

namespace Omise.Core.Tests;

public class FormEncodingTests
{
    [Fact]
    public void Reserved_characters_thai_text_and_newlines_are_escaped_as_data()
    {
        var body = FormEncoder.Encode([new("title", "ค่า & + = % ok"), new("description", "a\nb")]);
        Assert.Equal("title=%E0%B8%84%E0%B9%88%E0%B8%B2%20%26%20%2B%20%3D%20%25%20ok&description=a%0Ab", body);
    }
}

public class SecretKeyTests
{
    [Theory]
    [InlineData("pkey_test_5emulat0rk3yf0rt3sts", "public key")]
    [InlineData("", "empty")]
    [InlineData("sk_live_abc123456789", "not an Omise secret key")]
    [InlineData("skey_test_has space", "not an Omise secret key")]
    public void Anything_but_a_secret_key_is_refused_with_what_to_use_instead(string key, string says)
    {
        var error = Assert.Throws<ArgumentException>(() => SecretKey.Parse(key));
        Assert.Contains(says, error.Message);
        Assert.Contains("skey_", error.Message);
        if (key.Length > 0) Assert.DoesNotContain(key, error.Message);
    }

    [Fact]
    public void The_key_shows_only_as_a_hint()
    {
        var key = SecretKey.Parse("skey_test_5emulat0rk3yf0rt3sts");
        Assert.Equal("skey_test_\u2026sts", key.ToString());
        Assert.True(key.IsTestKey);
        Assert.Equal("skey_\u2026xyz", SecretKey.Parse("skey_5livekeylivekeyxyz").Hint);
    }
}

public class ApiEndpointTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080/", true)]
    [InlineData("http://[::1]:5080/", true)]
    [InlineData("https://api.omise.co", true)]
    [InlineData("http://api.omise.co", false)]
    [InlineData("http://10.0.0.5", false)]
    public void Clear_text_is_allowed_only_to_loopback(string uri, bool allowed)
    {
        if (allowed) Assert.EndsWith("/", ApiEndpoint.Validate(new Uri(uri)).ToString());
        else Assert.Contains("clear text", Assert.Throws<ArgumentException>(() => ApiEndpoint.Validate(new Uri(uri))).Message);
    }
}

public class ClientTests
{
    internal const string RecordedLink = """
        {"object":"link","id":"link_test_6344k6rzgco9ul41cap","livemode":false,"location":"/links/link_test_6344k6rzgco9ul41cap",
         "amount":100000,"currency":"THB","used":false,"multiple":false,"title":"Cappuccino","description":"Cappuccino 1 cup",
         "charges":{"object":"list","data":[],"limit":20,"offset":0,"total":0,"location":"/links/link_test_6344k6rzgco9ul41cap/charges",
                    "order":"chronological","from":"1970-01-01T00:00:00Z","to":"2025-03-20T10:07:38Z"},
         "payment_uri":"https://link.omise.co/6344K6RZGCO9UL41CAP","created_at":"2025-03-20T10:07:38Z","used_at":null,
         "deleted":false,"deleted_at":null,"merchant_name":"Coffee Shop","some_future_field":{"nested":[1,2]}}
        """;

    [Fact]
    public async Task Reads_the_recorded_link_shape_tolerating_unknown_fields()
    {
        var http = new HandcraftedHttp(_ => HandcraftedHttp.Json(HttpStatusCode.OK, RecordedLink));
        using var client = HandcraftedHttp.Client(http);

        var link = await client.GetLinkAsync("link_test_6344k6rzgco9ul41cap");

        Assert.Equal("link_test_6344k6rzgco9ul41cap", link.Id);
        Assert.Equal(100000, link.Amount);
        Assert.Equal("THB", link.Currency);
        Assert.Equal("https://link.omise.co/6344K6RZGCO9UL41CAP", link.PaymentUri);
        Assert.Equal(new DateTime(2025, 3, 20, 10, 7, 38, DateTimeKind.Utc), link.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, link.CreatedAt.Kind);
        Assert.Null(link.UsedAt);
        Assert.Empty(link.Charges);
        Assert.Equal("", link.Charges.ToString());
    }

    [Fact]
    public async Task Every_request_carries_basic_auth_with_the_key_the_api_version_and_the_user_agent()
    {
        var http = new HandcraftedHttp(_ => HandcraftedHttp.Json(HttpStatusCode.OK, RecordedLink));
        using var client = HandcraftedHttp.Client(http);

        await client.CreateLinkAsync(new LinkCreateRequest(100000, "THB", "Cappuccino", "1 cup", false));

        var (request, body) = Assert.Single(http.Sent);
        Assert.Equal("Basic", request.Headers.Authorization!.Scheme);
        Assert.Equal(Convert.ToBase64String("skey_test_5unitt3stk3y0000abc:"u8.ToArray()), request.Headers.Authorization.Parameter);
        Assert.Equal("2019-05-29", request.Headers.GetValues("Omise-Version").Single());
        Assert.Equal("application/x-www-form-urlencoded", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("amount=100000&currency=thb&title=Cappuccino&description=1%20cup&multiple=false", body);
        Assert.Equal(new Uri("https://api.omise.co/links"), request.RequestUri);
    }

    [Theory]
    [InlineData(401, """{"object":"error","location":"https://www.omise.co/api-errors#authentication-failure","code":"authentication_failure","message":"authentication failed"}""", "authentication_failure", "authentication failed")]
    [InlineData(404, """{"object":"error","code":"not_found","message":"link link_test_x was not found"}""", "not_found", "link link_test_x was not found")]
    [InlineData(400, """{"object":"error","code":"invalid_amount","message":"amount must be an integer"}""", "invalid_amount", "amount must be an integer")]
    [InlineData(503, "<html>maintenance</html>", "server_error", "The Omise API answered 503 Service Unavailable.")]
    public async Task Error_answers_become_one_typed_exception_with_status_code_and_message(int status, string body, string code, string message)
    {
        var http = new HandcraftedHttp(_ => new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) });
        using var client = HandcraftedHttp.Client(http, RetryPolicy.None);

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetLinkAsync("link_test_x"));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(OmiseFailureKind.Api, error.Kind);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_and_a_get_retries_a_5xx()
    {
        var answers = new Queue<HttpResponseMessage>([
            new HttpResponseMessage((HttpStatusCode)429) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(0)) } },
            HandcraftedHttp.Json(HttpStatusCode.InternalServerError, """{"object":"error","code":"internal_error","message":"boom"}"""),
            HandcraftedHttp.Json(HttpStatusCode.OK, RecordedLink)]);
        var http = new HandcraftedHttp(_ => answers.Dequeue());
        using var client = HandcraftedHttp.Client(http);

        var link = await client.GetLinkAsync("link_test_6344k6rzgco9ul41cap");

        Assert.Equal(3, http.Sent.Count);
        Assert.Equal(100000, link.Amount);
    }

    private static HttpResponseMessage RateLimited(TimeSpan retryAfter) => new((HttpStatusCode)429)
    {
        Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter) },
    };

    private static OmiseClient ClientOn(TimeProvider time, HttpMessageHandler http) =>
        new(new OmiseClientOptions(SecretKey.Parse("skey_test_5unitt3stk3y0000abc"), new Uri("https://api.omise.co")) { TimeProvider = time }, http);

    [Fact]
    public async Task A_Retry_After_wait_is_on_the_client_clock()
    {
        using var time = VirtualClock.Patient();
        var answers = new Queue<HttpResponseMessage>([RateLimited(TimeSpan.FromSeconds(10)), HandcraftedHttp.Json(HttpStatusCode.OK, RecordedLink)]);
        var http = new HandcraftedHttp(_ => answers.Dequeue());
        using var client = ClientOn(time, http);

        await client.GetLinkAsync("link_test_6344k6rzgco9ul41cap");

        Assert.Equal(2, http.Sent.Count);
        Assert.InRange(time.Elapsed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.5));
    }

    [Fact]
    public async Task Cancellation_ends_a_Retry_After_wait_on_a_clock_that_never_moves()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var http = new HandcraftedHttp(_ => RateLimited(TimeSpan.FromSeconds(10)));
        using var client = ClientOn(time, http);
        using var cancel = new CancellationTokenSource();

        var call = client.GetLinkAsync("link_test_6344k6rzgco9ul41cap", null, cancel.Token);
        cancel.Cancel();

        // The guard only keeps a broken build from hanging the suite: the token alone ends the wait.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(http.Sent);
    }

    [Fact]
    public async Task A_create_that_got_a_5xx_is_not_blindly_resent_by_the_client()
    {
        var http = new HandcraftedHttp(_ => HandcraftedHttp.Json(HttpStatusCode.InternalServerError, """{"object":"error","code":"internal_error","message":"boom"}"""));
        using var client = HandcraftedHttp.Client(http);

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.CreateLinkAsync(new LinkCreateRequest(1, "thb", "t", "d", false)));

        Assert.Single(http.Sent);
        Assert.True(error.ServerMayHaveActed);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../account")]
    [InlineData("../account?x=1")]
    [InlineData("link_test_x/charges")]
    [InlineData("")]
    public async Task Only_a_link_id_reaches_a_path_anything_else_is_refused_before_any_request(string id)
    {
        var http = new HandcraftedHttp(_ => HandcraftedHttp.Json(HttpStatusCode.OK, RecordedLink));
        using var client = HandcraftedHttp.Client(http);

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetLinkAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteLinkAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => client.ListLinkChargesAsync(id, new ListQuery()));

        Assert.Empty(http.Sent);
    }

    [Fact]
    public async Task A_refused_connection_is_told_apart_from_one_lost_after_sending()
    {
        var options = new OmiseClientOptions(SecretKey.Parse("skey_test_5unitt3stk3y0000abc"), new Uri("http://127.0.0.1:9/")) { Retry = RetryPolicy.None };
        using var client = new OmiseClient(options);
        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetAccountAsync());
        Assert.Equal(OmiseFailureKind.ConnectionRefused, error.Kind);
        Assert.False(error.ServerMayHaveActed);
    }

    [Fact]
    public async Task A_timeout_is_a_typed_failure_that_may_have_acted()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Faults = new FaultOptions { LatencyMs = 2000 } });
        var options = new OmiseClientOptions(SecretKey.Parse(emulator.SecretKey), emulator.BaseUri) { Timeout = TimeSpan.FromMilliseconds(200), Retry = RetryPolicy.None };
        using var client = new OmiseClient(options);

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.CreateLinkAsync(new LinkCreateRequest(1, "thb", "t", "d", false)));

        Assert.Equal(OmiseFailureKind.Timeout, error.Kind);
        Assert.True(error.ServerMayHaveActed);
    }
}

public class LinkCreatorTests
{
    [Fact]
    public async Task Against_the_emulator_a_dropped_answer_is_adopted_and_the_server_keeps_one_link()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Faults = new FaultOptions { DropAfterStore = 1.0, OnlyPaths = "POST /links" } });
        using var client = new OmiseClient(new OmiseClientOptions(SecretKey.Parse(emulator.SecretKey), emulator.BaseUri));
        var creator = new LinkCreator(client);

        var outcome = await creator.CreateAsync(new LinkCreateRequest(2500, "thb", "Adopt me", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Adopted, outcome.Origin);
        Assert.Equal(Assert.Single(emulator.Links).Id, outcome.Link.Id);
    }

    [Fact]
    public async Task A_link_claimed_by_one_row_is_never_adopted_by_another()
    {
        await using var emulator = await EmulatorServer.StartAsync();
        using var client = new OmiseClient(new OmiseClientOptions(SecretKey.Parse(emulator.SecretKey), emulator.BaseUri));
        var creator = new LinkCreator(client);
        var request = new LinkCreateRequest(2500, "thb", "Same", "d", false);
        var first = await creator.CreateAsync(request, CancellationToken.None);
        emulator.Faults = new FaultOptions { DropAfterStore = 1.0, OnlyPaths = "POST /links" };

        var second = await creator.CreateAsync(request, CancellationToken.None);

        Assert.NotEqual(first.Link.Id, second.Link.Id);
        Assert.Equal(2, emulator.Links.Count);
    }
}

public class LinkCreatorMemoryTests
{
    [Fact]
    public async Task Claims_are_dropped_once_no_look_up_can_need_them_so_memory_does_not_grow_with_rows()
    {
        await using var emulator = await EmulatorServer.StartAsync();
        using var client = new OmiseClient(new OmiseClientOptions(SecretKey.Parse(emulator.SecretKey), emulator.BaseUri));
        var creator = new LinkCreator(client, new LinkCreatorOptions { ReuseExisting = true });
        for (var i = 0; i < 600; i++)
            emulator.AddLink(100 + i, "thb", $"Row {i}", "d", false, DateTimeOffset.UtcNow.AddMinutes(-5));

        for (var i = 0; i < 600; i++)
            Assert.Equal(LinkOrigin.Reused, (await creator.CreateAsync(new LinkCreateRequest(100 + i, "thb", $"Row {i}", "d", false), CancellationToken.None)).Origin);
        for (var i = 0; i < 5; i++)
            Assert.Equal(LinkOrigin.Created, (await creator.CreateAsync(new LinkCreateRequest(1, "thb", $"New {i}", "d", false), CancellationToken.None)).Origin);

        // 605 links claimed; those created minutes ago can never be in a look-up window again and are dropped.
        Assert.InRange(creator.ClaimCount, 5, 255);
        Assert.Equal(605, emulator.Links.Count);
    }
}

public class LinkCreatorLookUpTests
{
    [Fact]
    public async Task When_the_look_up_after_an_ambiguous_failure_fails_too_the_create_is_not_sent_again()
    {
        var http = new HandcraftedHttp(request => request.Method == HttpMethod.Post
            ? HandcraftedHttp.Json(HttpStatusCode.InternalServerError, """{"object":"error","code":"internal_error","message":"boom"}""")
            : HandcraftedHttp.Json(HttpStatusCode.ServiceUnavailable, """{"object":"error","code":"service_unavailable","message":"down"}"""));
        using var client = HandcraftedHttp.Client(http, new RetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) });
        var creator = new LinkCreator(client, new LinkCreatorOptions { MaxAttempts = 3 });

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => creator.CreateAsync(new LinkCreateRequest(1, "thb", "t", "d", false), CancellationToken.None));

        // One look-up page, retried by the client's one loop with the row's 3 attempts: no second loop around it, no resend.
        Assert.Single(http.Sent, s => s.Request.Method == HttpMethod.Post);
        Assert.Equal(3, http.Sent.Count(s => s.Request.Method == HttpMethod.Get));
        Assert.Contains("looking for it failed too", error.Message);
        Assert.Contains("-ReuseExisting", error.Message);
    }

    [Fact]
    public async Task A_key_refused_during_the_look_up_stays_a_401_so_the_cmdlet_ends_the_run_on_it()
    {
        var http = new HandcraftedHttp(request => request.Method == HttpMethod.Post
            ? HandcraftedHttp.Json(HttpStatusCode.InternalServerError, """{"object":"error","code":"internal_error","message":"boom"}""")
            : HandcraftedHttp.Json(HttpStatusCode.Unauthorized, """{"object":"error","code":"authentication_failure","message":"authentication failed"}"""));
        using var client = HandcraftedHttp.Client(http, new RetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) });
        var creator = new LinkCreator(client, new LinkCreatorOptions { MaxAttempts = 3 });

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => creator.CreateAsync(new LinkCreateRequest(1, "thb", "t", "d", false), CancellationToken.None));

        Assert.Equal(401, error.StatusCode);
        Assert.True(error.IsKeyRefused);
        Assert.Equal("authentication_failure", error.Code);
        Assert.Contains("may or may not have been created", error.Message);
        Assert.Contains("-ReuseExisting", error.Message);
        Assert.Single(http.Sent, s => s.Request.Method == HttpMethod.Post);
    }
}

public class OrderedWorkTests
{
    [Fact]
    public async Task Results_come_back_in_submission_order_whatever_order_they_finish_in()
    {
        var work = new OrderedWork<int, int>(maxConcurrency: 4, maxBuffered: 16);
        for (var i = 0; i < 12; i++)
        {
            var n = i;
            work.Submit(n, async ct => { await Task.Delay((12 - n) * 5, ct); return n * 10; }, CancellationToken.None);
        }
        var seen = new List<int>();
        while (work.Count > 0)
        {
            if (work.WaitForNext(TimeSpan.FromSeconds(5))) seen.Add(await work.Take().Task);
        }
        Assert.Equal(Enumerable.Range(0, 12).Select(n => n * 10), seen);
    }

    [Fact]
    public async Task In_completion_order_a_finished_item_is_handed_back_while_an_older_one_still_runs()
    {
        var work = new OrderedWork<int, int>(maxConcurrency: 4, maxBuffered: 4, completionOrder: true);
        var slow = new TaskCompletionSource<int>();
        work.Submit(0, _ => slow.Task, CancellationToken.None);
        for (var i = 1; i < 4; i++)
        {
            var n = i;
            work.Submit(n, _ => Task.FromResult(n), CancellationToken.None);
        }
        Assert.True(work.IsFull);

        var seen = new List<int>();
        while (work.WaitForNext(TimeSpan.Zero)) seen.Add(await work.Take().Task);

        Assert.Equal([1, 2, 3], seen); // the earliest submitted first among the finished
        Assert.Equal(1, work.Count);
        Assert.False(work.WaitForNext(TimeSpan.FromMilliseconds(20)));
        slow.SetResult(0);
        Assert.True(work.WaitForNext(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await work.Take().Task);
    }

    [Fact]
    public async Task In_submission_order_a_running_oldest_item_holds_back_the_finished_ones()
    {
        var work = new OrderedWork<int, int>(maxConcurrency: 4, maxBuffered: 4);
        var slow = new TaskCompletionSource<int>();
        work.Submit(0, _ => slow.Task, CancellationToken.None);
        work.Submit(1, _ => Task.FromResult(1), CancellationToken.None);
        await work.Pending().Last();

        Assert.False(work.WaitForNext(TimeSpan.Zero));
        slow.SetResult(0);
        Assert.True(work.WaitForNext(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await work.Take().Task);
        Assert.Equal(1, await work.Take().Task);
    }

    [Fact]
    public async Task No_more_than_the_limit_run_at_once()
    {
        var work = new OrderedWork<int, int>(maxConcurrency: 3, maxBuffered: 20);
        var running = 0;
        var peak = 0;
        for (var i = 0; i < 20; i++)
            work.Submit(i, async ct =>
            {
                var now = Interlocked.Increment(ref running);
                lock (work) peak = Math.Max(peak, now);
                await Task.Delay(10, ct);
                Interlocked.Decrement(ref running);
                return 0;
            }, CancellationToken.None);
        await Task.WhenAll(work.Pending());
        Assert.Equal(3, peak);
    }
}
