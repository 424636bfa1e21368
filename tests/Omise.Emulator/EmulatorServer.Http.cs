using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Omise.Emulator;

public sealed partial class EmulatorServer
{
    private static readonly string[] Currencies = ["thb", "jpy", "sgd", "myr", "usd"];
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>A finished response: status, JSON body, and whether it echoes Omise-Version (API successes only).</summary>
    internal readonly record struct Reply(int Status, byte[] Body, bool EchoVersion = true, int? RetryAfter = null)
    {
        public static Reply Ok(byte[] body) => new(200, body);
        public static Reply Fail(int status, string code, string message) => new(status, WireJson.Error(code, message), EchoVersion: false);
        public static Reply BadRequest(string message) => Fail(400, "bad_request", message);
        public static Reply NotFound(string message) => Fail(404, "not_found", message);
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path.StartsWith("/_emulator", StringComparison.Ordinal) && (path.Length == 10 || path[10] == '/'))
        {
            await WriteAsync(ctx, (await AdminAsync(ctx, path).ConfigureAwait(false)) with { EchoVersion = false }).ConfigureAwait(false);
            return;
        }

        // Real work while the request is handled; it leaves the unit only while it waits on the clock (VirtualClock).
        using var work = _clock.Work();
        Interlocked.Increment(ref _requestCount);
        var inFlight = Interlocked.Increment(ref _inFlight);
        int seen;
        while (inFlight > (seen = Volatile.Read(ref _maxConcurrent))
               && Interlocked.CompareExchange(ref _maxConcurrent, inFlight, seen) != seen)
        {
        }

        // A request stops counting as in flight once its answer starts, its connection is dropped, or the client goes
        // away (e.g. timed out while this handler still hangs): from then on the client may send the next one, so
        // counting until the handler returns would make a client that keeps to its limit look one over it.
        var left = 0;
        void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 0) Interlocked.Decrement(ref _inFlight);
        }
        ctx.Response.OnStarting(() => { Leave(); return Task.CompletedTask; });
        using var onAbort = ctx.RequestAborted.Register(Leave);

        try
        {
            var faults = Volatile.Read(ref _faults);
            var method = ctx.Request.Method;
            var route = path.Length > 1 && path[^1] == '/' ? path.TrimEnd('/') : path;
            var isCreate = HttpMethods.IsPost(method) && route == "/links";
            if (isCreate)
            {
                Interlocked.Increment(ref _createRequests);
                if (IdempotencyKey(ctx.Request) is { } key) _idempotency.NoteArrival(key);
            }

            var latency = faults.Options.LatencyMs;
            if (latency > 0)
            {
                try
                {
                    await _clock.Delay(TimeSpan.FromMilliseconds(latency), ctx.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // the client went away
                }
            }

            var isList = HttpMethods.IsGet(method) && route is "/links" or "/search";
            var fault = faults.Draw(method, route, isCreate, isList);
            // broken answers and data:null lists are counted when they are actually sent
            if (fault is not (FaultKind.None or FaultKind.BrokenCreateAnswer or FaultKind.ListDataNull)) CountFault(fault);
            var trickle = faults.Options.TrickleBodyMs > 0 && faults.AppliesTo(method, route) ? faults.Options.TrickleBodyMs : 0;
            switch (fault)
            {
                case FaultKind.RateLimitWithRetryAfter:
                    await WriteAsync(ctx, RateLimited(faults.Options.RetryAfterSeconds), trickle).ConfigureAwait(false);
                    return;
                case FaultKind.RateLimit:
                    await WriteAsync(ctx, RateLimited(null), trickle).ConfigureAwait(false);
                    return;
                case FaultKind.ServerError:
                    await WriteAsync(ctx, Reply.Fail(500, "internal_error", "an internal error occurred, please try again later (emulated fault)"), trickle).ConfigureAwait(false);
                    return;
                case FaultKind.ServiceUnavailable:
                    await WriteAsync(ctx, Reply.Fail(503, "service_unavailable", "service is temporarily unavailable, please try again later (emulated fault)"), trickle).ConfigureAwait(false);
                    return;
                case FaultKind.DropBeforeStore:
                    Leave();
                    ctx.Abort();
                    return;
            }

            if (isCreate)
            {
                await CreateLinkAsync(ctx, fault, faults, trickle, Leave).ConfigureAwait(false);
                return;
            }

            Reply reply;
            try
            {
                reply = Dispatch(ctx, method, route, fault == FaultKind.ListDataNull, faults.Options.ListIgnoresOffset);
            }
            catch (BadHttpRequestException e)
            {
                reply = Reply.BadRequest(e.Message);
            }
            if (fault == FaultKind.ListDataNull && reply.Status == 200) CountFault(fault);
            await WriteAsync(ctx, reply, trickle).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // the client went away, or the server is stopping
        }
        finally
        {
            Leave();
        }
    }

    private void CountFault(FaultKind fault) => Interlocked.Increment(ref _faultCounts[(int)fault]);

    private static Reply RateLimited(int? retryAfter) =>
        new(429, WireJson.Error("too_many_requests", "too many requests, please slow down (emulated fault)"), EchoVersion: false, RetryAfter: retryAfter);

    /// <summary>Writes the reply; with <paramref name="trickleMs"/> &gt; 0 one byte at a time, flushed, that many ms apart.</summary>
    private async Task WriteAsync(HttpContext ctx, Reply reply, int trickleMs = 0)
    {
        var response = ctx.Response;
        response.StatusCode = reply.Status;
        response.ContentType = JsonContentType;
        if (reply.EchoVersion)
        {
            var version = ctx.Request.Headers["Omise-Version"].ToString();
            response.Headers["Omise-Version"] = string.IsNullOrEmpty(version) ? WireJson.ApiVersion : version;
        }
        // The emulator's clock, not Kestrel's: under a VirtualClock the client reads the server's time from this header.
        response.Headers.Date = _clock.Now.ToString("R", CultureInfo.InvariantCulture);
        if (reply.RetryAfter is { } seconds) response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = reply.Body.Length;
        if (trickleMs <= 0 || reply.Body.Length == 0)
        {
            await response.Body.WriteAsync(reply.Body, ctx.RequestAborted).ConfigureAwait(false);
            return;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
        for (var i = 0; i < reply.Body.Length; i++)
        {
            if (i > 0) await _clock.Delay(TimeSpan.FromMilliseconds(trickleMs), cts.Token).ConfigureAwait(false);
            await response.Body.WriteAsync(reply.Body.AsMemory(i, 1), cts.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(cts.Token).ConfigureAwait(false);
        }
    }

    private bool Authenticated(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':');
        var user = colon < 0 ? decoded : decoded[..colon];
        // The password is ignored, as the key alone identifies the account.
        return user.Length > 0 && string.Equals(user, _options.SecretKey, StringComparison.Ordinal);
    }

    /// <summary>Every API route but POST /links (see <see cref="CreateLinkAsync"/>).</summary>
    private Reply Dispatch(HttpContext ctx, string method, string path, bool listDataNull, bool listIgnoresOffset)
    {
        var request = ctx.Request;
        if (!Authenticated(request)) return Reply.Fail(401, "authentication_failure", "authentication failed");

        var now = _clock.Now;
        if (path == "/links")
        {
            if (HttpMethods.IsGet(method)) return ListLinks(request.Query, now, listDataNull, listIgnoresOffset);
            return NoRoute();
        }
        if (path.StartsWith("/links/", StringComparison.Ordinal))
        {
            var rest = path["/links/".Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                if (HttpMethods.IsGet(method))
                {
                    var link = _store.Get(rest);
                    return link is null ? LinkNotFound(rest) : Reply.Ok(WireJson.Build((link, now), static (w, s) => WireJson.Link(w, s.link, s.now)));
                }
                if (HttpMethods.IsDelete(method))
                {
                    var link = _store.Delete(rest, now);
                    return link is null ? LinkNotFound(rest) : Reply.Ok(WireJson.Build((link, now), static (w, s) => WireJson.Link(w, s.link, s.now)));
                }
                return NoRoute();
            }
            if (rest[(slash + 1)..] == "charges" && HttpMethods.IsGet(method)) return ListCharges(rest[..slash], request.Query, now);
            return NoRoute();
        }
        if (path == "/search" && HttpMethods.IsGet(method)) return Search(request.Query, now, listDataNull);
        if (path == "/account" && HttpMethods.IsGet(method)) return Account();
        return NoRoute();
    }

    private static Reply NoRoute() => Reply.NotFound("the requested resource was not found");

    private static Reply LinkNotFound(string id) => Reply.NotFound($"link {id} was not found");

    private Reply Account() => Reply.Ok(WireJson.Build(this, static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("object", "account");
        w.WriteString("id", s._accountId);
        w.WriteBoolean("livemode", s._options.LiveMode);
        w.WriteString("location", "/account");
        w.WriteString("country", "TH");
        w.WriteString("currency", "thb");
        w.WriteString("email", "ops@example.com");
        w.WriteStartArray("supported_currencies");
        foreach (var c in Currencies) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteString("api_version", WireJson.ApiVersion);
        WireJson.Time(w, "created_at", s._accountCreatedAt);
        w.WriteEndObject();
    }));

    // ---------------------------------------------------------------- POST /links

    /// <summary>A create parameter: its text, and the JSON kind it came as (String for form fields).</summary>
    private readonly record struct Field(string Text, JsonValueKind Kind);

    private static string? IdempotencyKey(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        return key.Length == 0 ? null : key;
    }

    /// <summary>
    /// POST /links after the faults drawn before processing (429, 500, 503, drop-before) were ruled out. Processing means
    /// validating and storing, and recording the answer under the Idempotency-Key; the faults that act after processing
    /// (drop-after, the late stores, broken answers) shape what the client sees.
    /// </summary>
    private async Task CreateLinkAsync(HttpContext ctx, FaultKind fault, FaultState faults, int trickle, Action leave)
    {
        var request = ctx.Request;
        Reply? answer = null;         // an answer that needs no processing: 401, unreadable body, a replay, a misused key
        Func<Reply>? process = null;  // validate and store (and record the key): now, or later for the late-store faults
        Action abandon = static () => { };
        if (!Authenticated(request))
        {
            answer = Reply.Fail(401, "authentication_failure", "authentication failed");
        }
        else
        {
            byte[]? body = null;
            try
            {
                body = await ReadBodyAsync(request, ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                answer = Reply.BadRequest(e.Message);
            }
            if (body is not null)
            {
                var (fields, parseError) = ParseFields(body, request.ContentType);
                var key = IdempotencyKey(request);
                Reply Process() => parseError ?? CreateLink(fields!, _clock.Now, key);

                if (key is null || _ignoreIdempotencyKey)
                {
                    process = Process;
                }
                else
                {
                    var fingerprint = fields is null ? Fingerprint(body, request.ContentType) : Fingerprint(fields);
                    var (outcome, entry) = _idempotency.Begin(key, fingerprint, _clock.Now, _options.IdempotencyKeyLifetime);
                    switch (outcome)
                    {
                        case IdempotencyTable.Outcome.Fresh:
                            process = () =>
                            {
                                var r = Process();
                                _idempotency.Complete(entry, r.Status, r.Body, _clock.Now);
                                return r;
                            };
                            abandon = () => _idempotency.Abandon(entry);
                            break;
                        case IdempotencyTable.Outcome.Replay:
                            _idempotency.NoteReplay();
                            answer = Replayed(await entry.Answer.Task.ConfigureAwait(false));
                            break;
                        case IdempotencyTable.Outcome.Mismatch:
                            answer = Reply.BadRequest("Idempotency-Key reused with different parameters");
                            break;
                        case IdempotencyTable.Outcome.Pending when fault is not (FaultKind.LateStoreAfter502 or FaultKind.LateStoreAfterTimeout):
                            answer = await WaitForKeyAsync(entry, ctx.RequestAborted).ConfigureAwait(false);
                            break;
                        // Pending, under a late-store fault: the 502 or the hang come at once; nothing new is processed.
                    }
                }
            }
        }

        switch (fault)
        {
            case FaultKind.DropAfterStore:
                process?.Invoke();
                leave();
                ctx.Abort(); // processed (the link is stored), but the client never hears back
                return;
            case FaultKind.LateStoreAfter502:
                if (process is not null) ScheduleLateStore(process, abandon, faults.Options.LateStoreDelayMs);
                await WriteAsync(ctx, Reply.Fail(502, "bad_gateway", "bad gateway (emulated fault)"), trickle).ConfigureAwait(false);
                return;
            case FaultKind.LateStoreAfterTimeout:
                await HangThenStoreAsync(process, abandon, faults.Options.HangMs).ConfigureAwait(false);
                leave();
                ctx.Abort();
                return;
        }

        var reply = answer ?? process?.Invoke()
            ?? Reply.Fail(409, "conflict", "a request with this Idempotency-Key is still being processed");
        if (fault == FaultKind.BrokenCreateAnswer && reply.Status == 200)
        {
            CountFault(fault);
            reply = BrokenAnswer(faults.NextBrokenShape());
        }
        await WriteAsync(ctx, reply, trickle).ConfigureAwait(false);
    }

    private static Reply Replayed(IdempotencyTable.StoredAnswer? stored) =>
        stored is null
            ? Reply.Fail(503, "service_unavailable", "the first request with this Idempotency-Key was abandoned (emulator reset or stopping)")
            : new Reply(stored.Status, stored.Body, EchoVersion: stored.Status is >= 200 and < 300);

    /// <summary>Waits (bounded) for the first request with the key to finish, then replays its answer; 409 on timeout.</summary>
    private async Task<Reply> WaitForKeyAsync(IdempotencyTable.Entry entry, CancellationToken ct)
    {
        if (!await _clock.WaitAsync(entry.Answer.Task, _options.IdempotencyWaitTimeout, ct).ConfigureAwait(false))
            return Reply.Fail(409, "conflict", "a request with this Idempotency-Key is still being processed, retry later");
        var stored = await entry.Answer.Task.ConfigureAwait(false);
        if (stored is not null) _idempotency.NoteReplay();
        return Replayed(stored);
    }

    private static Reply BrokenAnswer(BrokenAnswerShape shape) => shape switch
    {
        BrokenAnswerShape.EmptyObject => Reply.Ok("{}"u8.ToArray()),
        BrokenAnswerShape.ObjectOnly => Reply.Ok("""{"object":"link"}"""u8.ToArray()),
        _ => Reply.Ok(WireJson.Error("internal_error", "an internal error occurred (emulated fault: error object with status 200)")),
    };

    /// <summary>Runs <paramref name="process"/> (the store) <paramref name="delayMs"/> later, in the background.</summary>
    private void ScheduleLateStore(Func<Reply> process, Action abandon, int delayMs)
    {
        var token = Volatile.Read(ref _lateCts).Token;
        Interlocked.Increment(ref _pendingLateStores);
        var task = LateStoreAsync(process, abandon, delayMs, token, _clock.Work());
        _lateStores.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, s) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _),
            _lateStores, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task LateStoreAsync(Func<Reply> process, Action abandon, int delayMs, CancellationToken token, IDisposable? work)
    {
        using var _ = work;
        try
        {
            await _clock.Delay(TimeSpan.FromMilliseconds(delayMs), token).ConfigureAwait(false);
            if (token.IsCancellationRequested) abandon();
            else process();
        }
        catch (Exception)
        {
            abandon(); // reset or disposed meanwhile: the store is dropped; a late store never throws
        }
        finally
        {
            LateStoreEnded();
        }
    }

    /// <summary>LateStoreAfterTimeout: send nothing for <paramref name="hangMs"/>, then store (unless reset or disposed meanwhile).</summary>
    private async Task HangThenStoreAsync(Func<Reply>? process, Action abandon, int hangMs)
    {
        var token = Volatile.Read(ref _lateCts).Token;
        if (process is not null) Interlocked.Increment(ref _pendingLateStores);
        try
        {
            // Not the request's token: the store happens whether or not the client is still there.
            await _clock.Delay(TimeSpan.FromMilliseconds(hangMs), token).ConfigureAwait(false);
            process?.Invoke();
        }
        catch (OperationCanceledException)
        {
            abandon();
        }
        finally
        {
            if (process is not null) LateStoreEnded();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The parameters as the key's fingerprint: same fields and values, whatever the encoding (form or JSON) or order.</summary>
    private static string Fingerprint(Dictionary<string, Field> fields)
    {
        var sb = new StringBuilder();
        foreach (var name in fields.Keys.Order(StringComparer.Ordinal))
            sb.Append(name).Append('\0').Append(fields[name].Text).Append('\0');
        return sb.ToString();
    }

    /// <summary>An unparseable body's fingerprint: its bytes (hashed) and content type.</summary>
    private static string Fingerprint(byte[] body, string? contentType) =>
        "raw\0" + contentType + "\0" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body));

    /// <summary>Validates the create parameters and stores the link; the reply is the link JSON, or the first validation error.</summary>
    private Reply CreateLink(Dictionary<string, Field> fields, DateTimeOffset now, string? idempotencyKey)
    {
        // amount
        if (!fields.TryGetValue("amount", out var amountField) || amountField.Text.Length == 0)
            return Reply.BadRequest("amount is required");
        if (amountField.Kind is not (JsonValueKind.String or JsonValueKind.Number)
            || !decimal.TryParse(amountField.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var amountValue))
            return Reply.BadRequest("amount is not a number");
        if (amountValue < 0 || amountValue != decimal.Truncate(amountValue) || amountValue > long.MaxValue)
            return Reply.Fail(400, "invalid_amount", "amount must be an integer greater than or equal to 0");
        var amount = (long)amountValue;

        // currency
        if (!fields.TryGetValue("currency", out var currencyField) || currencyField.Text.Length == 0)
            return Reply.BadRequest("currency is required");
        var currency = currencyField.Text.ToLowerInvariant();
        if (currencyField.Kind != JsonValueKind.String || Array.IndexOf(Currencies, currency) < 0)
            return Reply.Fail(400, "invalid_currency", "currency is currently not supported");

        // title, description: stored exactly as received
        if (!fields.TryGetValue("title", out var titleField) || string.IsNullOrWhiteSpace(titleField.Text))
            return Reply.BadRequest("title is required");
        if (titleField.Kind != JsonValueKind.String) return Reply.BadRequest("title must be a string");
        if (Faults.RefuseTitleContaining is { Length: > 0 } refused && titleField.Text.Contains(refused, StringComparison.Ordinal))
            return Faults.RefuseStatus == 503
                ? Reply.Fail(503, "service_unavailable", "the service is unavailable")
                : Reply.Fail(400, "invalid_amount", "amount is beyond the account's limits");
        if (!fields.TryGetValue("description", out var descriptionField) || string.IsNullOrWhiteSpace(descriptionField.Text))
            return Reply.BadRequest("description is required");
        if (descriptionField.Kind != JsonValueKind.String) return Reply.BadRequest("description must be a string");

        // multiple: optional, default false
        var multiple = false;
        if (fields.TryGetValue("multiple", out var multipleField) && multipleField.Text.Length > 0)
        {
            switch (multipleField.Text.ToLowerInvariant())
            {
                case "true" or "1": multiple = true; break;
                case "false" or "0": multiple = false; break;
                default: return Reply.BadRequest("multiple must be true or false");
            }
        }

        var link = _store.Add(amount, currency.ToUpperInvariant(), titleField.Text, descriptionField.Text, multiple, now, idempotencyKey);
        return Reply.Ok(WireJson.Build((link, now), static (w, s) => WireJson.Link(w, s.link, s.now)));
    }

    /// <summary>The request parameters (see <see cref="ParseFields"/>) of the request's body.</summary>
    private static async Task<(Dictionary<string, Field>? Fields, Reply? Error)> ReadFieldsAsync(HttpRequest request, CancellationToken ct) =>
        ParseFields(await ReadBodyAsync(request, ct).ConfigureAwait(false), request.ContentType);

    /// <summary>The request parameters from a JSON object body, or else from an x-www-form-urlencoded (UTF-8) body.</summary>
    private static (Dictionary<string, Field>? Fields, Reply? Error) ParseFields(byte[] body, string? contentType)
    {
        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        if ((contentType ?? "").Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                return (null, Reply.BadRequest("request body is not valid JSON"));
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    return (null, Reply.BadRequest("request body must be a JSON object"));
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    var v = p.Value;
                    switch (v.ValueKind)
                    {
                        case JsonValueKind.Null: fields.Remove(p.Name); break;
                        case JsonValueKind.String: fields[p.Name] = new Field(v.GetString()!, v.ValueKind); break;
                        case JsonValueKind.True: fields[p.Name] = new Field("true", v.ValueKind); break;
                        case JsonValueKind.False: fields[p.Name] = new Field("false", v.ValueKind); break;
                        default: fields[p.Name] = new Field(v.GetRawText(), v.ValueKind); break;
                    }
                }
            }
            return (fields, null);
        }

        Dictionary<string, StringValues> form;
        try
        {
            using var reader = new FormReader(new MemoryStream(body, writable: false), Encoding.UTF8);
            form = reader.ReadForm();
        }
        catch (InvalidDataException e)
        {
            return (null, Reply.BadRequest("malformed form body: " + e.Message));
        }
        foreach (var (key, values) in form)
            if (values.Count > 0) fields[key] = new Field(values[values.Count - 1] ?? "", JsonValueKind.String);
        return (fields, null);
    }

    // ---------------------------------------------------------------- lists

    private readonly record struct ListQuery(long Offset, int Limit, bool Reverse, string Order, DateTimeOffset? From, DateTimeOffset? To, string FromText, string ToText);

    private static Reply? ParseListQuery(IQueryCollection q, DateTimeOffset now, out ListQuery result)
    {
        result = default;
        long offset = 0;
        var offsetText = q["offset"].ToString();
        if (offsetText.Length > 0)
        {
            if (!long.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                return Reply.BadRequest("offset must be an integer greater than or equal to 0");
        }
        var limit = 20;
        var limitText = q["limit"].ToString();
        if (limitText.Length > 0)
        {
            if (!long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
                return Reply.BadRequest("limit must be an integer greater than or equal to 0");
            limit = (int)Math.Min(l, 100);
        }
        var order = q["order"].ToString();
        if (order.Length == 0) order = "chronological";
        if (order is not ("chronological" or "reverse_chronological"))
            return Reply.BadRequest("order must be chronological or reverse_chronological");
        if (!TryTime(q, "from", out var from)) return Reply.BadRequest("from is not a valid ISO 8601 time");
        if (!TryTime(q, "to", out var to)) return Reply.BadRequest("to is not a valid ISO 8601 time");
        result = new ListQuery(offset, limit, order == "reverse_chronological", order, from, to,
            from is { } f ? Clock.Format(f) : WireJson.Epoch, Clock.Format(to ?? now));
        return null;
    }

    private static bool TryTime(IQueryCollection q, string name, out DateTimeOffset? value)
    {
        value = null;
        var text = q[name].ToString();
        if (text.Length == 0) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return false;
        value = t;
        return true;
    }

    /// <param name="dataNull">The ListDataNull fault: <c>"data": null</c>.</param>
    /// <param name="ignoreOffset">The ListIgnoresOffset switch: the first page whatever the offset (the offset asked is still echoed).</param>
    private Reply ListLinks(IQueryCollection q, DateTimeOffset now, bool dataNull, bool ignoreOffset)
    {
        if (ParseListQuery(q, now, out var lq) is { } error) return error;
        var offset = ignoreOffset ? 0 : (int)Math.Min(lq.Offset, int.MaxValue);
        var (page, total) = _store.List(lq.From, lq.To, offset, lq.Limit, lq.Reverse);
        return Reply.Ok(WireJson.Build((page, total, lq, now, dataNull), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            WireJson.Links(w, "data", s.dataNull ? null : s.page, s.now);
            w.WriteNumber("limit", s.lq.Limit);
            w.WriteNumber("offset", s.lq.Offset);
            w.WriteNumber("total", s.total);
            w.WriteString("location", "/links");
            w.WriteString("order", s.lq.Order);
            w.WriteString("from", s.lq.FromText);
            w.WriteString("to", s.lq.ToText);
            w.WriteEndObject();
        }));
    }

    private Reply ListCharges(string id, IQueryCollection q, DateTimeOffset now)
    {
        if (ParseListQuery(q, now, out var lq) is { } error) return error;
        var result = _store.Charges(id, lq.From, lq.To, (int)Math.Min(lq.Offset, int.MaxValue), lq.Limit, lq.Reverse);
        if (result is not { } r) return LinkNotFound(id);
        return Reply.Ok(WireJson.Build((r.Page, r.Total, lq, id), static (w, s) =>
            WireJson.ChargeList(w, "/links/" + s.id + "/charges", s.Page, s.Total, s.lq.Limit, s.lq.Offset, s.lq.Order, s.lq.FromText, s.lq.ToText)));
    }

    // ---------------------------------------------------------------- GET /search

    /// <param name="dataNull">The ListDataNull fault: <c>"data": null</c>.</param>
    private Reply Search(IQueryCollection q, DateTimeOffset now, bool dataNull)
    {
        var scope = q["scope"].ToString();
        if (scope != "link") return Reply.BadRequest(scope.Length == 0 ? "scope is required" : $"scope {scope} is not supported");

        var page = 1;
        var pageText = q["page"].ToString();
        if (pageText.Length > 0)
        {
            if (!long.TryParse(pageText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p))
                return Reply.BadRequest("page must be an integer");
            page = (int)Math.Clamp(p, 1, int.MaxValue);
        }
        var perPage = 30;
        var perPageText = q["per_page"].ToString();
        if (perPageText.Length > 0)
        {
            if (!long.TryParse(perPageText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pp))
                return Reply.BadRequest("per_page must be an integer");
            perPage = (int)Math.Clamp(pp, 1, 100);
        }
        var order = q["order"].ToString();
        if (order.Length == 0) order = "reverse_chronological";
        if (order is not ("chronological" or "reverse_chronological"))
            return Reply.BadRequest("order must be chronological or reverse_chronological");

        var query = q["query"].ToString();
        var filters = new List<KeyValuePair<string, string>>();
        bool? used = null, multiple = null, deleted = null;
        string? currency = null;
        foreach (var (key, values) in q)
        {
            if (!key.StartsWith("filters[", StringComparison.Ordinal) || !key.EndsWith(']')) continue;
            var name = key[8..^1];
            var value = values.ToString();
            filters.Add(new(name, value));
            if (value.Length == 0) continue;
            switch (name)
            {
                case "used" or "multiple" or "deleted":
                    if (!TryBool(value, out var b)) return Reply.BadRequest($"filters[{name}] must be a boolean");
                    if (name == "used") used = b;
                    else if (name == "multiple") multiple = b;
                    else deleted = b;
                    break;
                case "currency":
                    currency = value.ToUpperInvariant();
                    break;
                // other filters are echoed and ignored
            }
        }

        Func<StoredLink, bool>? match = null;
        if (query.Length > 0 || used is not null || multiple is not null || deleted is not null || currency is not null)
        {
            match = l =>
                (used is not { } u || l.Used == u)
                && (multiple is not { } m || l.Multiple == m)
                && (deleted is not { } d || l.Deleted == d)
                && (currency is null || l.Currency == currency)
                && (query.Length == 0
                    || l.Id.Contains(query, StringComparison.OrdinalIgnoreCase)
                    || l.Title.Contains(query, StringComparison.OrdinalIgnoreCase)
                    || l.Description.Contains(query, StringComparison.OrdinalIgnoreCase));
        }

        var (data, total) = _store.Search(match, page, perPage, order == "reverse_chronological");
        var totalPages = total == 0 ? 0 : (int)((total + (long)perPage - 1) / perPage);
        return Reply.Ok(WireJson.Build((data, total, totalPages, page, perPage, order, query, filters, now, dataNull), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("object", "search");
            w.WriteString("order", s.order);
            w.WriteString("scope", "link");
            w.WriteString("query", s.query);
            w.WriteStartObject("filters");
            foreach (var (name, value) in s.filters) w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteNumber("page", s.page);
            w.WriteNumber("per_page", s.perPage);
            w.WriteString("location", "/search");
            w.WriteNumber("total", s.total);
            w.WriteNumber("total_pages", s.totalPages);
            w.WriteNull("export");
            WireJson.Links(w, "data", s.dataNull ? null : s.data, s.now);
            w.WriteEndObject();
        }));
    }

    private static bool TryBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "1": value = true; return true;
            case "false" or "no" or "off" or "0": value = false; return true;
            default: value = false; return false;
        }
    }

    // ---------------------------------------------------------------- /_emulator/* (no auth, no faults)

    private async Task<Reply> AdminAsync(HttpContext ctx, string path)
    {
        var method = ctx.Request.Method;
        var route = path.TrimEnd('/');
        try
        {
            if (route == "/_emulator/stats" && HttpMethods.IsGet(method)) return Reply.Ok(StatsJson());
            if (route == "/_emulator/reset" && HttpMethods.IsPost(method))
            {
                Reset();
                return Reply.Ok(StatsJson());
            }
            if (route == "/_emulator/faults")
            {
                if (HttpMethods.IsGet(method)) return Reply.Ok(FaultsJson(Faults));
                if (HttpMethods.IsPut(method) || HttpMethods.IsPost(method))
                {
                    var (faults, error) = await ReadFaultsAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
                    if (error is not null) return Reply.BadRequest(error);
                    Faults = faults!;
                    return Reply.Ok(FaultsJson(faults!));
                }
            }
            if (route == "/_emulator/idempotency")
            {
                if (HttpMethods.IsPut(method) || HttpMethods.IsPost(method))
                {
                    var (fields, error) = await ReadFieldsAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
                    if (error is { } e) return e;
                    var text = fields!.TryGetValue("ignore_idempotency_key", out var f) ? f.Text : ctx.Request.Query["ignore_idempotency_key"].ToString();
                    if (!TryBool(text, out var ignore)) return Reply.BadRequest("ignore_idempotency_key must be true or false");
                    IgnoreIdempotencyKey = ignore;
                }
                else if (!HttpMethods.IsGet(method))
                {
                    return Reply.NotFound("unknown emulator endpoint; see tests/Omise.Emulator/README.md");
                }
                return Reply.Ok(WireJson.Build(this, static (w, s) => s.IdempotencyJson(w)));
            }
            if (route == "/_emulator/seed" && HttpMethods.IsPost(method))
            {
                var (fields, error) = await ReadFieldsAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
                if (error is { } e) return e;
                var countText = fields!.TryGetValue("count", out var c) ? c.Text : ctx.Request.Query["count"].ToString();
                if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > 1_000_000)
                    return Reply.BadRequest("count must be a whole number from 1 to 1000000");
                SeedLinks(count);
                return Reply.Ok(StatsJson());
            }
            const string linksPrefix = "/_emulator/links/";
            if (route.StartsWith(linksPrefix, StringComparison.Ordinal) && route.EndsWith("/pay", StringComparison.Ordinal) && HttpMethods.IsPost(method))
            {
                var id = route[linksPrefix.Length..^"/pay".Length];
                var (fields, error) = await ReadFieldsAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
                if (error is { } e) return e;
                long? amount = null;
                var amountText = fields!.TryGetValue("amount", out var f) ? f.Text : ctx.Request.Query["amount"].ToString();
                if (amountText.Length > 0)
                {
                    if (!long.TryParse(amountText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a))
                        return Reply.BadRequest("amount is not a number");
                    amount = a;
                }
                try
                {
                    var charge = PayLink(id, amount);
                    return Reply.Ok(WireJson.Build(charge, static (w, c) => WireJson.Charge(w, c)));
                }
                catch (KeyNotFoundException)
                {
                    return LinkNotFound(id);
                }
                catch (InvalidOperationException ex)
                {
                    return Reply.Fail(409, "conflict", ex.Message);
                }
                catch (ArgumentException ex)
                {
                    return Reply.BadRequest(ex.Message);
                }
            }
            return Reply.NotFound("unknown emulator endpoint; see tests/Omise.Emulator/README.md");
        }
        catch (OperationCanceledException)
        {
            return Reply.BadRequest("request aborted");
        }
        catch (BadHttpRequestException e)
        {
            return Reply.BadRequest(e.Message);
        }
    }

    private byte[] StatsJson() => WireJson.Build(this, static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteNumber("links", s._store.Count);
        w.WriteNumber("request_count", s.RequestCount);
        w.WriteNumber("max_concurrent_requests", s.MaxConcurrentRequests);
        w.WriteNumber("in_flight", Volatile.Read(ref s._inFlight));
        w.WriteNumber("create_requests", s.CreateLinkRequests);
        w.WriteNumber("pending_late_stores", s.PendingLateStores);
        w.WriteStartObject("faults");
        foreach (var (name, count) in s.FaultsInjected) w.WriteNumber(name, count);
        w.WriteEndObject();
        w.WritePropertyName("idempotency");
        s.IdempotencyJson(w);
        w.WriteEndObject();
    });

    private void IdempotencyJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteBoolean("ignore_idempotency_key", IgnoreIdempotencyKey);
        w.WriteNumber("keyed_requests", IdempotencyKeyedRequests);
        w.WriteNumber("distinct_keys", IdempotencyDistinctKeys);
        w.WriteNumber("replays", IdempotencyReplays);
        w.WriteEndObject();
    }

    private static byte[] FaultsJson(FaultOptions f) => WireJson.Build(f, static (w, f) =>
    {
        w.WriteStartObject();
        w.WriteNumber("seed", f.Seed);
        w.WriteNumber("latency_ms", f.LatencyMs);
        w.WriteNumber("rate_limit_with_retry_after", f.RateLimitWithRetryAfter);
        w.WriteNumber("retry_after_seconds", f.RetryAfterSeconds);
        w.WriteNumber("rate_limit_without_retry_after", f.RateLimitWithoutRetryAfter);
        w.WriteNumber("server_error_500", f.ServerError500);
        w.WriteNumber("service_unavailable_503", f.ServiceUnavailable503);
        w.WriteNumber("drop_before_store", f.DropBeforeStore);
        w.WriteNumber("drop_after_store", f.DropAfterStore);
        w.WriteNumber("late_store_after_502", f.LateStoreAfter502);
        w.WriteNumber("late_store_after_timeout", f.LateStoreAfterTimeout);
        w.WriteNumber("late_store_delay_ms", f.LateStoreDelayMs);
        w.WriteNumber("hang_ms", f.HangMs);
        w.WriteNumber("broken_create_answer", f.BrokenCreateAnswer);
        w.WriteString("broken_answer_shape", ShapeName(f.BrokenAnswerShape));
        w.WriteNumber("list_data_null", f.ListDataNull);
        w.WriteBoolean("list_ignores_offset", f.ListIgnoresOffset);
        w.WriteNumber("trickle_body_ms", f.TrickleBodyMs);
        if (f.OnlyPaths is null) w.WriteNull("only_paths");
        else w.WriteString("only_paths", f.OnlyPaths);
        if (f.RefuseTitleContaining is null) w.WriteNull("refuse_title_containing");
        else w.WriteString("refuse_title_containing", f.RefuseTitleContaining);
        w.WriteNumber("refuse_status", f.RefuseStatus);
        w.WriteEndObject();
    });

    /// <summary>The wire name of a broken-answer shape: rotate, empty, object, error.</summary>
    internal static string ShapeName(BrokenAnswerShape shape) => shape switch
    {
        BrokenAnswerShape.EmptyObject => "empty",
        BrokenAnswerShape.ObjectOnly => "object",
        BrokenAnswerShape.ErrorObject => "error",
        _ => "rotate",
    };

    /// <summary>rotate, empty, object or error (or the enum member's name), any case; null otherwise.</summary>
    internal static BrokenAnswerShape? ParseShape(string text) => text.Trim().ToLowerInvariant() switch
    {
        "rotate" => BrokenAnswerShape.Rotate,
        "empty" or "emptyobject" or "{}" => BrokenAnswerShape.EmptyObject,
        "object" or "objectonly" => BrokenAnswerShape.ObjectOnly,
        "error" or "errorobject" => BrokenAnswerShape.ErrorObject,
        _ => null,
    };

    /// <summary>
    /// FaultOptions from a JSON object. Names match case-insensitively with '_' and '-' ignored, so both
    /// snake_case (latency_ms) and PascalCase (LatencyMs) work. Missing fields take their defaults.
    /// </summary>
    private static async Task<(FaultOptions? Faults, string? Error)> ReadFaultsAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, default, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, "body must be a JSON object of fault options");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, "body must be a JSON object of fault options");
            var f = new FaultOptions();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var name = p.Name.Replace("_", "").Replace("-", "").ToLowerInvariant();
                var v = p.Value;
                try
                {
                    switch (name)
                    {
                        case "seed": f.Seed = v.GetInt32(); break;
                        case "latencyms": f.LatencyMs = v.GetInt32(); break;
                        case "ratelimitwithretryafter": f.RateLimitWithRetryAfter = v.GetDouble(); break;
                        case "retryafterseconds": f.RetryAfterSeconds = v.GetInt32(); break;
                        case "ratelimitwithoutretryafter": f.RateLimitWithoutRetryAfter = v.GetDouble(); break;
                        case "servererror500": f.ServerError500 = v.GetDouble(); break;
                        case "serviceunavailable503": f.ServiceUnavailable503 = v.GetDouble(); break;
                        case "dropbeforestore": f.DropBeforeStore = v.GetDouble(); break;
                        case "dropafterstore": f.DropAfterStore = v.GetDouble(); break;
                        case "latestoreafter502": f.LateStoreAfter502 = v.GetDouble(); break;
                        case "latestoreaftertimeout": f.LateStoreAfterTimeout = v.GetDouble(); break;
                        case "latestoredelayms": f.LateStoreDelayMs = v.GetInt32(); break;
                        case "hangms": f.HangMs = v.GetInt32(); break;
                        case "brokencreateanswer": f.BrokenCreateAnswer = v.GetDouble(); break;
                        case "brokenanswershape":
                            if (ParseShape(v.GetString() ?? "") is not { } shape) return (null, "broken_answer_shape must be rotate, empty, object or error");
                            f.BrokenAnswerShape = shape;
                            break;
                        case "listdatanull": f.ListDataNull = v.GetDouble(); break;
                        case "listignoresoffset": f.ListIgnoresOffset = v.GetBoolean(); break;
                        case "tricklebodyms": f.TrickleBodyMs = v.GetInt32(); break;
                        case "onlypaths": f.OnlyPaths = v.ValueKind == JsonValueKind.Null ? null : v.GetString(); break;
                        case "refusetitlecontaining": f.RefuseTitleContaining = v.ValueKind == JsonValueKind.Null ? null : v.GetString(); break;
                        case "refusestatus": f.RefuseStatus = v.GetInt32(); break;
                        default: return (null, $"unknown fault option {p.Name}");
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException)
                {
                    return (null, $"fault option {p.Name} has the wrong type");
                }
            }
            return FaultsError(f) is { } error ? (null, error) : (f, null);
        }
    }
}
