using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OmiseLinks.Benchmark;

/// <summary>
/// The baseline of the overhead scenario: a plain HttpClient loop sending, one after another, the same form-encoded POST /links
/// the module sends (same handler settings, same Authorization, Omise-Version, User-Agent, Accept and Content-Type), reading
/// each answer fully and checking its status. It does not parse the JSON nor make objects: that is part of what is measured.
/// </summary>
internal sealed class PlainLoop : IDisposable
{
    private readonly HttpClient _http;

    public PlainLoop(Uri baseUri, string secretKey, string userAgent)
    {
        var handler = new HttpClientHandler
        {
            MaxConnectionsPerServer = 16,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
        _http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(secretKey + ":")));
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Omise-Version", "2019-05-29");
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Row i as the module encodes it (amount, currency, title, description, multiple; every value escaped).</summary>
    public static string FormBody(int i) =>
        $"amount={10000 + i}&currency=thb&title={Uri.EscapeDataString("Invoice " + i)}&description=Benchmark&multiple=false";

    public TimeSpan Run(int rows) => RunAsync(rows).GetAwaiter().GetResult();

    private async Task<TimeSpan> RunAsync(int rows)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 1; i <= rows; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "links")
            {
                Content = new StringContent(FormBody(i), Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
                throw new InvalidOperationException($"POST /links answered {(int)response.StatusCode} in the plain loop.");
        }
        return watch.Elapsed;
    }

    /// <summary>Every link the emulator holds (GET /links, 100 a page), for the duplicate check. Call with faults off.</summary>
    public List<(string Id, string Title)> ListAllLinks()
    {
        var links = new List<(string, string)>();
        for (var offset = 0; ; offset += 100)
        {
            using var response = _http.GetAsync($"links?offset={offset}&limit=100&order=chronological").GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /links answered {(int)response.StatusCode}.");
            using var json = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStream());
            var data = json.RootElement.GetProperty("data");
            foreach (var link in data.EnumerateArray())
                links.Add((link.GetProperty("id").GetString()!, link.GetProperty("title").GetString()!));
            if (data.GetArrayLength() < 100) return links;
        }
    }

    public void Dispose() => _http.Dispose();
}
