using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Omise.Emulator.Tests;

/// <summary>Plain HttpClient helpers: what a client of api.omise.co would send.</summary>
internal static class Api
{
    public static HttpClient Client(EmulatorServer server, string? key = null, bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        if (withKey)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes((key ?? server.SecretKey) + ":")));
        return client;
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    public static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static FormUrlEncodedContent LinkForm(long amount = 100000, string currency = "thb", string title = "Order 1",
        string description = "Invoice 1", bool multiple = false) =>
        Form(("amount", amount.ToString()), ("currency", currency), ("title", title), ("description", description),
            ("multiple", multiple ? "true" : "false"));

    public static async Task<JsonElement> Body(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await Body(response);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task<JsonElement> GetOk(HttpClient client, string path) => await Ok(await client.GetAsync(path));

    public static async Task<JsonElement> CreateLink(HttpClient client, long amount = 100000, string currency = "thb",
        string title = "Order 1", string description = "Invoice 1", bool multiple = false) =>
        await Ok(await client.PostAsync("links", LinkForm(amount, currency, title, description, multiple)));

    public static async Task AssertError(HttpResponseMessage response, int status, string code, string? message = null)
    {
        var body = await Body(response);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("error", body.GetProperty("object").GetString());
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.StartsWith("https://www.omise.co/api-errors#", body.GetProperty("location").GetString());
        if (message is not null) Assert.Equal(message, body.GetProperty("message").GetString());
        Assert.False(response.Headers.Contains("Omise-Version"), "error responses carry no Omise-Version header");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    public static string[] Ids(JsonElement list) =>
        list.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("id").GetString()!).ToArray();
}
