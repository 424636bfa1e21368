using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Omise.Core.Models;
using EmulatorOptions = Omise.Emulator.EmulatorOptions;
using EmulatorServer = Omise.Emulator.EmulatorServer;
using FaultOptions = Omise.Emulator.FaultOptions;
using VirtualClock = Omise.Emulator.VirtualClock;

namespace Omise.Core.Tests;

/// <summary>
/// A small stateful Links server behind a handler, for answers the emulator does not give: each POST is answered by the
/// script (which may store the link, now or later), GET /links lists what is stored. Counts what it holds and was sent.
/// </summary>
internal sealed class ScriptedLinks
{
    private readonly ConcurrentQueue<string> _stored = new();
    private int _next;

    public ScriptedLinks(Func<int, ScriptedLinks, HttpRequestMessage, string, HttpResponseMessage> onPost) => OnPost = onPost;

    public Func<int, ScriptedLinks, HttpRequestMessage, string, HttpResponseMessage> OnPost { get; }
    public List<(HttpRequestMessage Request, string? Body)> Sent { get; } = [];
    public int Posts => Sent.Count(s => s.Request.Method == HttpMethod.Post);
    public IReadOnlyList<JsonElement> Links => _stored.Select(j => JsonDocument.Parse(j).RootElement).ToList();
    public bool IgnoreOffset { get; set; }

    /// <summary>How many GET /links requests, from the next one on, are answered 429 before lists are served again.</summary>
    public int ListsRefused;

    /// <summary>Stores a link made from a form body as a server would decode it; returns its JSON.</summary>
    public string Store(string formBody, DateTime? createdAt = null, bool used = false, bool deleted = false)
    {
        var fields = formBody.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        var id = $"link_test_{Interlocked.Increment(ref _next):0000000000000000000}";
        var json = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["object"] = "link", ["id"] = id, ["livemode"] = false, ["location"] = "/links/" + id,
            ["amount"] = long.Parse(fields["amount"]), ["currency"] = fields["currency"].ToUpperInvariant(),
            ["used"] = used, ["multiple"] = fields["multiple"] == "true", ["title"] = fields["title"], ["description"] = fields["description"],
            ["payment_uri"] = "https://link.omise.co/" + id.ToUpperInvariant(),
            ["created_at"] = (createdAt ?? DateTime.UtcNow).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["used_at"] = null, ["deleted"] = deleted, ["deleted_at"] = null,
        });
        _stored.Enqueue(json);
        return json;
    }

    public HttpMessageHandler Handler => new HandcraftedHttp(request =>
    {
        var body = request.Content?.ReadAsStringAsync().Result ?? "";
        lock (Sent) Sent.Add((request, body));
        if (request.Method == HttpMethod.Post) return OnPost(Posts, this, request, body);
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/links")
            return Interlocked.Decrement(ref ListsRefused) >= 0 ? Status(429, "too_many_requests") : List(request.RequestUri);
        var one = _stored.FirstOrDefault(j => path == "/links/" + JsonDocument.Parse(j).RootElement.GetProperty("id").GetString());
        return one == null
            ? HandcraftedHttp.Json(HttpStatusCode.NotFound, """{"object":"error","code":"not_found","message":"not found"}""")
            : HandcraftedHttp.Json(HttpStatusCode.OK, one);
    });

    private HttpResponseMessage List(Uri uri)
    {
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        var offset = IgnoreOffset ? 0 : int.Parse(query.GetValueOrDefault("offset", "0"));
        var limit = int.Parse(query.GetValueOrDefault("limit", "20"));
        var from = query.TryGetValue("from", out var f) ? DateTime.Parse(f).ToUniversalTime() : DateTime.MinValue;
        var all = _stored.Where(j => DateTime.Parse(JsonDocument.Parse(j).RootElement.GetProperty("created_at").GetString()!).ToUniversalTime() >= from).ToList();
        var page = all.Skip(offset).Take(limit);
        return HandcraftedHttp.Json(HttpStatusCode.OK,
            $$"""{"object":"list","data":[{{string.Join(",", page)}}],"limit":{{limit}},"offset":{{offset}},"total":{{all.Count}},"order":"chronological","location":"/links"}""");
    }

    public static OmiseClient Client(HttpMessageHandler handler, TimeSpan? timeout = null, TimeProvider? time = null) =>
        new(new OmiseClientOptions(SecretKey.Parse("skey_test_5unitt3stk3y0000abc"), new Uri("https://api.omise.co"))
        {
            Retry = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(20) },
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
            TimeProvider = time ?? TimeProvider.System,
        }, handler);

    public static HttpResponseMessage Ok(string json) => HandcraftedHttp.Json(HttpStatusCode.OK, json);
    public static HttpResponseMessage Status(int status, string code) =>
        HandcraftedHttp.Json((HttpStatusCode)status, $$"""{"object":"error","code":"{{code}}","message":"{{code}}"}""");
}

public class IdempotencyKeyTests
{
    [Fact]
    public async Task Every_attempt_of_a_row_carries_the_same_key_and_another_row_another_key()
    {
        // Two rows; the first row's first POST is dropped before the server stores anything, so it is sent twice.
        var server = new ScriptedLinks((n, s, _, body) => n == 1 ? ScriptedLinks.Status(503, "service_unavailable") : ScriptedLinks.Ok(s.Store(body)));
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { SettleInterval = TimeSpan.FromMilliseconds(10) });

        await creator.CreateAsync(new LinkCreateRequest(100, "thb", "A", "d", false), CancellationToken.None);
        await creator.CreateAsync(new LinkCreateRequest(100, "thb", "B", "d", false), CancellationToken.None);

        var keys = server.Sent.Where(s => s.Request.Method == HttpMethod.Post).Select(s => s.Request.Headers.GetValues("Idempotency-Key").Single()).ToList();
        Assert.Equal(3, keys.Count);
        Assert.Equal(keys[0], keys[1]);
        Assert.NotEqual(keys[1], keys[2]);
        Assert.True(Guid.TryParse(keys[0], out _));
        Assert.Equal(2, server.Links.Count);
    }

    [Fact]
    public async Task A_post_without_a_key_in_the_options_carries_one_made_by_the_client_the_same_on_each_retry_of_that_call()
    {
        // 429 twice: certainly not acted on, so the client itself sends the create again, three attempts in one call.
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK]);
        var http = new HandcraftedHttp(_ =>
        {
            var status = answers.Count > 0 ? answers.Dequeue() : HttpStatusCode.OK;
            return status == HttpStatusCode.OK
                ? HandcraftedHttp.Json(status, ClientTests.RecordedLink)
                : HandcraftedHttp.Json(status, """{"object":"error","code":"too_many_requests","message":"slow down"}""");
        });
        using var client = HandcraftedHttp.Client(http);

        await client.CreateLinkAsync(new LinkCreateRequest(100, "thb", "A", "d", false));
        await client.CreateLinkAsync(new LinkCreateRequest(100, "thb", "B", "d", false), new RequestOptions());
        await client.CreateLinkAsync(new LinkCreateRequest(100, "thb", "C", "d", false), new RequestOptions { IdempotencyKey = "row-7-key" });
        await client.GetLinkAsync("link_test_6344k6rzgco9ul41cap");

        var keys = http.Sent.Where(s => s.Request.Method == HttpMethod.Post).Select(s => s.Request.Headers.GetValues("Idempotency-Key").Single()).ToList();
        Assert.Equal(5, keys.Count);
        Assert.True(Guid.TryParse(keys[0], out _));
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keys[0], keys[2]);
        Assert.True(Guid.TryParse(keys[3], out _));
        Assert.NotEqual(keys[0], keys[3]);
        Assert.Equal("row-7-key", keys[4]);
        Assert.False(http.Sent.Last().Request.Headers.Contains("Idempotency-Key"));
    }
}

public class AmbiguousAnswerTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("""{"object":"link"}""")]
    [InlineData("""{"object":"error","code":"internal_error","message":"boom"}""")]
    [InlineData("""{"object":"link","id":"","payment_uri":null}""")]
    [InlineData("null")]
    public async Task A_200_that_is_not_a_complete_link_is_never_a_result_the_stored_link_is_adopted(string answer)
    {
        var server = new ScriptedLinks((_, s, _, body) => { s.Store(body); return ScriptedLinks.Ok(answer); });
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client);

        var outcome = await creator.CreateAsync(new LinkCreateRequest(2500, "thb", "Broken answer", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Adopted, outcome.Origin);
        var stored = Assert.Single(server.Links);
        Assert.Equal(stored.GetProperty("id").GetString(), outcome.Link.Id);
        Assert.StartsWith("https://link.omise.co/", outcome.Link.PaymentUri);
        Assert.Equal(1, server.Posts);
    }

    [Fact]
    public async Task A_broken_200_to_a_read_is_an_invalid_response_not_an_empty_link()
    {
        var http = new HandcraftedHttp(_ => ScriptedLinks.Ok("""{"object":"list","data":[],"total":0}"""));
        using var client = HandcraftedHttp.Client(http, RetryPolicy.None);

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetLinkAsync("link_test_1"));

        Assert.Equal(OmiseFailureKind.InvalidResponse, error.Kind);
        Assert.Contains("where a link was expected", error.Message);
    }

    [Theory]
    [InlineData("""{"object":"list","data":null,"total":3}""", "without \"data\"")]
    [InlineData("""{"object":"list","data":[],"limit":20}""", "without \"total\"")]
    [InlineData("""{"object":"list","data":[{}],"total":1}""", "item 1 of the list")]
    [InlineData("""{"object":"list","data":[null],"total":1}""", "item 1 of the list is null")]
    public async Task A_list_missing_a_field_is_an_invalid_response_not_a_null_reference(string answer, string says)
    {
        var http = new HandcraftedHttp(_ => ScriptedLinks.Ok(answer));
        using var client = HandcraftedHttp.Client(http, RetryPolicy.None);

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.ListLinksAsync(new ListQuery()));

        Assert.Equal(OmiseFailureKind.InvalidResponse, error.Kind);
        Assert.Contains(says, error.Message);
    }

    [Fact]
    public async Task The_currency_of_links_and_charges_reads_upper_case_whatever_the_server_sent()
    {
        var http = new HandcraftedHttp(_ => ScriptedLinks.Ok("""
            {"object":"link","id":"link_test_1","amount":100,"currency":"thb","payment_uri":"https://link.omise.co/1","created_at":"2026-01-01T00:00:00Z",
             "charges":{"object":"list","data":[{"object":"charge","id":"chrg_test_1","amount":100,"currency":"Thb","created_at":"2026-01-01T00:00:00Z"}],"total":1}}
            """));
        using var client = HandcraftedHttp.Client(http);

        var link = await client.GetLinkAsync("link_test_1");

        Assert.Equal("THB", link.Currency);
        Assert.Equal("THB", Assert.Single(link.Charges).Currency);
    }
}

public class LateStoreTests
{
    [Fact]
    public async Task A_look_up_takes_the_rows_MaxAttempts_for_each_page_so_a_throttled_read_does_not_lose_the_row()
    {
        // The POST is stored but answered 500; the next 7 list requests are throttled. The client's default is 5 attempts
        // per request; the row asked for 10, and its look-up outlasts the burst instead of failing the row.
        var server = new ScriptedLinks((_, s, _, body) => { s.Store(body); s.ListsRefused = 7; return ScriptedLinks.Status(500, "internal_error"); });
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { MaxAttempts = 10, SettleInterval = TimeSpan.FromMilliseconds(10) });

        var outcome = await creator.CreateAsync(new LinkCreateRequest(2500, "thb", "Throttled look-up", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Adopted, outcome.Origin);
        Assert.Equal(1, server.Posts);
        Assert.Single(server.Links);
        Assert.Equal(8, server.Sent.Count(s => s.Request.Method == HttpMethod.Get));
    }

    [Fact]
    public async Task A_link_stored_after_a_502_is_adopted_soon_after_it_lands_and_never_created_twice()
    {
        // The gateway answers 502 at once; the backend stores the link 1.2 s later (a timer of the same virtual clock, so
        // it lands before the 3 s settle interval ends however loaded the machine). The server ignores Idempotency-Key.
        // The looks during the interval (at 0.5 s and 1.5 s, then 3 s) find it at the first look after it landed, 1.5 s: the row
        // does not sit out the whole interval.
        using var time = VirtualClock.Patient();
        var server = new ScriptedLinks((_, s, _, body) =>
        {
            time.CreateTimer(_ => s.Store(body, time.GetUtcNow().UtcDateTime), null, TimeSpan.FromMilliseconds(1200), Timeout.InfiniteTimeSpan);
            return ScriptedLinks.Status(502, "bad_gateway");
        });
        using var client = ScriptedLinks.Client(server.Handler, time: time);
        var creator = new LinkCreator(client, new LinkCreatorOptions { SettleInterval = TimeSpan.FromSeconds(3) });

        var outcome = await creator.CreateAsync(new LinkCreateRequest(2500, "thb", "Late", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Adopted, outcome.Origin);
        Assert.Equal(1, server.Posts);
        Assert.Single(server.Links);
        Assert.Equal(TimeSpan.FromSeconds(1.5), time.Elapsed);
    }

    [Fact]
    public async Task A_create_whose_link_never_lands_is_sent_again_only_after_the_whole_settle_interval()
    {
        // The first POST is answered 502 and nothing is ever stored; the second is stored. The looks during the 3 s interval
        // (0.5 s, 1.5 s, 3 s) all miss, so the row is sent again at 3 s of the clock, not sooner, and once.
        using var time = VirtualClock.Patient();
        var posts = 0;
        var server = new ScriptedLinks((_, s, _, body) => ++posts == 1 ? ScriptedLinks.Status(502, "bad_gateway") : ScriptedLinks.Ok(s.Store(body, time.GetUtcNow().UtcDateTime)));
        using var client = ScriptedLinks.Client(server.Handler, time: time);
        var creator = new LinkCreator(client, new LinkCreatorOptions { SettleInterval = TimeSpan.FromSeconds(3) });

        var outcome = await creator.CreateAsync(new LinkCreateRequest(2500, "thb", "Never landed", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Created, outcome.Origin);
        Assert.Equal(2, server.Posts);
        Assert.Single(server.Links);
        Assert.Equal(4, server.Sent.Count(s => s.Request.Method == HttpMethod.Get));
        Assert.InRange(time.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task After_a_slow_failure_the_look_up_waits_as_long_as_the_attempt_ran_before_sending_again()
    {
        // The POST hangs past the client's 2 s timeout; the server (ignoring Idempotency-Key) stores the link 3 s after it
        // arrived. The settle interval alone (0.1 s) would look again at 2.1 s and send again; waiting as long as the
        // attempt ran (2 s) keeps looking until 4 s and finds it at the look at 3.5 s. On one virtual clock for the emulator
        // and the client: no slack needed.
        using var time = VirtualClock.Patient();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            TimeProvider = time,
            IgnoreIdempotencyKey = true,
            Faults = new FaultOptions { LateStoreAfterTimeout = 1, HangMs = 3000, OnlyPaths = "POST /links" },
        });
        using var client = new OmiseClient(new OmiseClientOptions(SecretKey.Parse(emulator.SecretKey), emulator.BaseUri)
        {
            Timeout = TimeSpan.FromSeconds(2),
            TimeProvider = time,
        });
        var creator = new LinkCreator(client, new LinkCreatorOptions { SettleInterval = TimeSpan.FromMilliseconds(100) });

        var outcome = await creator.CreateAsync(new LinkCreateRequest(2500, "thb", "Slow", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Adopted, outcome.Origin);
        Assert.Equal(1, emulator.CreateLinkRequests);
        Assert.Single(emulator.Links);
        Assert.InRange(time.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4) - TimeSpan.FromTicks(1));
    }

    [Theory]
    [InlineData("Cut emoji \ud83d")]
    [InlineData("Replacement \ufffd char")]
    [InlineData("Bell \u0007 char")]
    public void Text_the_wire_would_change_is_refused_before_anything_is_sent(string title)
    {
        // A lone surrogate would travel as U+FFFD: the server would store another title than the row's, and no look-up
        // could ever recognise the link as this row's.
        var error = Assert.Throws<ArgumentException>(() => new LinkCreateRequest(100, "thb", title, "d", false));
        Assert.Contains("Title", error.Message);
    }
}

public class ListWalkTests
{
    [Fact]
    public async Task A_server_that_ignores_offset_ends_the_walk_with_an_invalid_response_instead_of_looping()
    {
        var server = new ScriptedLinks((_, s, _, body) => ScriptedLinks.Ok(s.Store(body))) { IgnoreOffset = true };
        for (var i = 0; i < 250; i++) server.Store($"amount={i}&currency=thb&title=t{i}&description=d&multiple=false");
        using var client = ScriptedLinks.Client(server.Handler);
        var pager = LinkPaging.Links(client, new LinkListFilter(), new PageWindow());

        var error = await Assert.ThrowsAsync<OmiseApiException>(async () => { while (pager.HasMore) await pager.NextPageAsync(CancellationToken.None); });

        Assert.Equal(OmiseFailureKind.InvalidResponse, error.Kind);
        Assert.Contains("ignores offset", error.Message);
        Assert.Equal(2, server.Sent.Count);
    }

    [Fact]
    public async Task The_reuse_index_read_stops_too_and_the_row_is_an_error_not_a_hang()
    {
        var server = new ScriptedLinks((_, s, _, body) => ScriptedLinks.Ok(s.Store(body))) { IgnoreOffset = true };
        for (var i = 0; i < 250; i++) server.Store($"amount={i}&currency=thb&title=t{i}&description=d&multiple=false");
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { ReuseExisting = true });

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => creator.CreateAsync(new LinkCreateRequest(1, "thb", "New", "d", false), CancellationToken.None));

        Assert.Contains("ignores offset", error.Message);
        Assert.Equal(0, server.Posts);
        Assert.InRange(server.Sent.Count, 2, 4);
    }
}

public class ReuseTests
{
    [Fact]
    public async Task Only_a_payable_link_is_reused_never_a_paid_single_use_or_a_removed_one()
    {
        var server = new ScriptedLinks((_, s, _, body) => ScriptedLinks.Ok(s.Store(body)));
        const string single = "amount=5000&currency=thb&title=Invoice%201&description=d&multiple=false";
        const string multi = "amount=5000&currency=thb&title=Donations&description=d&multiple=true";
        server.Store(single, DateTime.UtcNow.AddDays(-2), used: true);
        server.Store(single, DateTime.UtcNow.AddDays(-1), deleted: true);
        server.Store(multi, DateTime.UtcNow.AddDays(-1), used: true);
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { ReuseExisting = true });
        var request = new LinkCreateRequest(5000, "thb", "Invoice 1", "d", false);

        // The paid invoice is refused (never reused, never linked again); -AllowDuplicate (RefusePaid false) links it anew.
        var refused = await Assert.ThrowsAsync<AlreadyPaidException>(() => creator.CreateAsync(request, CancellationToken.None));
        var anew = new LinkCreator(client, new LinkCreatorOptions { ReuseExisting = true, RefusePaid = false });
        var invoice = await anew.CreateAsync(request, CancellationToken.None);
        var donations = await creator.CreateAsync(new LinkCreateRequest(5000, "thb", "Donations", "d", true), CancellationToken.None);

        Assert.Contains("already paid: link_test_0000000000000000001", refused.Message);
        Assert.Equal(LinkOrigin.Created, invoice.Origin);
        Assert.False(invoice.Link.Used);
        Assert.Equal(LinkOrigin.Reused, donations.Origin);
        Assert.Equal(4, server.Links.Count);
        Assert.Equal(1, server.Posts);
    }

    [Fact]
    public async Task The_index_is_read_with_parallel_pages_and_every_link_counts_once()
    {
        var server = new ScriptedLinks((_, s, _, body) => ScriptedLinks.Ok(s.Store(body)));
        for (var i = 0; i < 1050; i++) server.Store($"amount={i}&currency=thb&title=t{i}&description=d&multiple=false", DateTime.UtcNow.AddHours(-1));
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { ReuseExisting = true, ReadParallelism = 4 });

        var last = await creator.CreateAsync(new LinkCreateRequest(1049, "thb", "t1049", "d", false), CancellationToken.None);
        var first = await creator.CreateAsync(new LinkCreateRequest(0, "thb", "t0", "d", false), CancellationToken.None);

        Assert.Equal(LinkOrigin.Reused, last.Origin);
        Assert.Equal(LinkOrigin.Reused, first.Origin);
        Assert.Equal(11, server.Sent.Count(s => s.Request.RequestUri!.AbsolutePath == "/links" && s.Request.Method == HttpMethod.Get));
        Assert.Equal(0, server.Posts);
    }
}

public class EarlyEndTests
{
    [Fact]
    public async Task After_Close_a_row_is_never_sent_and_says_so()
    {
        var server = new ScriptedLinks((_, s, _, body) => ScriptedLinks.Ok(s.Store(body)));
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client);
        var row = new RowCreation(new LinkCreateRequest(1, "thb", "t", "d", false), "row 1");

        creator.Close();
        var abandoned = await Assert.ThrowsAsync<RowAbandonedException>(() => creator.CreateAsync(row, CancellationToken.None));

        Assert.False(abandoned.MayExist);
        Assert.False(row.MayExist);
        Assert.Empty(server.Sent);
    }

    [Fact]
    public async Task A_row_whose_create_may_have_acted_is_not_sent_again_after_Close()
    {
        LinkCreator? creator = null;
        var server = new ScriptedLinks((_, _, _, _) => { creator!.Close(); return ScriptedLinks.Status(500, "internal_error"); });
        using var client = ScriptedLinks.Client(server.Handler);
        creator = new LinkCreator(client, new LinkCreatorOptions { SettleInterval = TimeSpan.FromMilliseconds(10) });
        var row = new RowCreation(new LinkCreateRequest(1, "thb", "t", "d", false), "row 1");

        var abandoned = await Assert.ThrowsAsync<RowAbandonedException>(() => creator.CreateAsync(row, CancellationToken.None));

        Assert.True(abandoned.MayExist);
        Assert.True(row.MayExist);
        Assert.Equal(1, server.Posts);
    }
}

public class HangTests
{
    [Fact]
    public async Task A_server_that_trickles_its_answer_cannot_hold_a_call_past_its_time()
    {
        using var time = VirtualClock.Patient();
        var http = new HandcraftedHttp(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new TrickleStream(time)) });
        using var client = new OmiseClient(new OmiseClientOptions(SecretKey.Parse("skey_test_5unitt3stk3y0000abc"), new Uri("https://api.omise.co"))
        {
            Retry = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(1) },
            Timeout = TimeSpan.FromSeconds(60),
            TimeProvider = time,
        }, http);

        var error = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetAccountAsync(new RequestOptions { Within = TimeSpan.FromSeconds(2) }));

        Assert.Equal(OmiseFailureKind.Timeout, error.Kind);
        // The call's 2 s, not the attempt's 60 s, on the client's clock.
        Assert.InRange(time.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
    }

    /// <summary>One byte every 100 ms of <paramref name="time"/>, forever.</summary>
    private sealed class TrickleStream(TimeProvider time) : Stream
    {
        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            buffer[offset] = (byte)' ';
            return 1;
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            buffer.Span[0] = (byte)' ';
            return 1;
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public class EndpointUserInfoTests
{
    [Fact]
    public void An_api_uri_with_user_info_is_refused_without_showing_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => ApiEndpoint.Validate(new Uri("http://user:s3cretpass@127.0.0.1:5080/")));
        Assert.Contains("user name or password", error.Message);
        Assert.DoesNotContain("s3cretpass", error.Message);
    }
}

public class RequestSlotTests
{
    [Fact]
    public async Task A_row_waiting_for_a_request_slot_when_the_run_closes_is_never_sent()
    {
        // One request slot. The first row's POST is held at the server; the second row has passed every check before
        // sending and waits for the slot. The run closes (Ctrl+C, SIGTERM), then the first answer comes: the second row
        // gives up without sending, and the server holds one link.
        using var firstArrived = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var server = new ScriptedLinks((posts, s, _, body) =>
        {
            if (posts == 1)
            {
                firstArrived.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
            return ScriptedLinks.Ok(s.Store(body));
        });
        using var client = ScriptedLinks.Client(server.Handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { MaxConcurrentRequests = 1 });

        var first = Task.Run(() => creator.CreateAsync(new LinkCreateRequest(100, "thb", "Slot holder", "d", false), CancellationToken.None));
        Assert.True(firstArrived.Wait(TimeSpan.FromSeconds(30)));
        var second = creator.CreateAsync(new LinkCreateRequest(200, "thb", "Slot waiter", "d", false), CancellationToken.None);
        Assert.False(second.IsCompleted);
        creator.Close();
        release.Set();

        Assert.Equal(LinkOrigin.Created, (await first).Origin);
        var abandoned = await Assert.ThrowsAsync<RowAbandonedException>(() => second);
        Assert.False(abandoned.MayExist);
        Assert.Equal(1, server.Posts);
        Assert.Single(server.Links);
    }
}
