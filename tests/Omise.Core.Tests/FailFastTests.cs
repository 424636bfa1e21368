using System.Net.Sockets;

namespace Omise.Core.Tests;

/// <summary>Fail fast: with the API unreachable, a run stops after a few rows instead of spending every row's attempts.</summary>
public class FailFastTests
{
    /// <summary>Refuses every connection, as a closed port or a failed DNS look-up would, and counts the attempts.</summary>
    private sealed class Unreachable : HttpMessageHandler
    {
        public int Attempts;
        public volatile bool Up;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Attempts);
            if (Up) return Task.FromResult(HandcraftedHttp.Json(System.Net.HttpStatusCode.BadRequest,
                """{"object":"error","location":"https://www.omise.co/api-errors#bad-request","code":"bad_request","message":"amount is too small"}"""));
            throw new HttpRequestException("Connection refused (api.omise.co:443)", new SocketException((int)SocketError.ConnectionRefused));
        }
    }

    private static async Task<List<Exception>> RunRows(LinkCreator creator, int rows, int throttle)
    {
        var work = new OrderedWork<int, CreateOutcome>(throttle, throttle * 64);
        var errors = new List<Exception>();
        for (var i = 0; i < rows; i++)
            work.Submit(i, ct => creator.CreateAsync(new RowCreation(new LinkCreateRequest(100 + i, "thb", $"Row {i}", "d", false), $"row {i + 1}"), ct), CancellationToken.None);
        foreach (var item in work.DrainAll())
        {
            try { await item.Task; }
            catch (Exception ex) { errors.Add(ex); }
        }
        return errors;
    }

    [Fact]
    public async Task Three_unreachable_rows_in_a_row_close_the_run_and_the_queued_rows_are_never_sent()
    {
        var handler = new Unreachable();
        using var client = HandcraftedHttp.Client(handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { MaxAttempts = 5 });

        var errors = await RunRows(creator, 300, throttle: 4);

        Assert.NotNull(creator.Unreachable);
        Assert.Equal(OmiseFailureKind.ConnectionRefused, creator.Unreachable!.Kind);
        // Rows that ran before the run closed spent their attempts; the others sent nothing.
        var refused = errors.OfType<OmiseApiException>().Count();
        Assert.InRange(refused, 3, 4 + 3);
        Assert.Equal(300 - refused, errors.OfType<RowAbandonedException>().Count(e => !e.MayExist));
        Assert.InRange(handler.Attempts, 3 * 5, (4 + 3) * 5);
    }

    [Fact]
    public async Task Any_answer_from_the_server_resets_the_count()
    {
        var handler = new Unreachable();
        using var client = HandcraftedHttp.Client(handler);
        var creator = new LinkCreator(client, new LinkCreatorOptions { MaxAttempts = 1 });

        await RunRows(creator, 2, throttle: 1);
        handler.Up = true;
        await RunRows(creator, 1, throttle: 1);
        handler.Up = false;
        await RunRows(creator, 2, throttle: 1);

        Assert.Null(creator.Unreachable);
        Assert.False(creator.Closed);
    }
}
