using System.Net;
using System.Text;

namespace Omise.Core.Tests;

/// <summary>Answers requests with handcrafted responses and keeps what was sent, for the shapes the emulator does not produce.</summary>
public sealed class HandcraftedHttp(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string? Body)> Sent { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Sent.Add((request, body));
        return answer(request);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static OmiseClient Client(HttpMessageHandler handler, RetryPolicy? retry = null) =>
        new(new OmiseClientOptions(SecretKey.Parse("skey_test_5unitt3stk3y0000abc"), new Uri("https://api.omise.co")) { Retry = retry ?? new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(1) } }, handler);
}
