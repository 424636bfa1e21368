using System.Net;
using System.Text;

namespace Omise.Core.Tests;

/// <summary>A server or a hop that echoes the Authorization header: every text it supplies reaches errors without the key.</summary>
public class RedactionTests
{
    private const string Key = "skey_test_5unitt3stk3y0000abc"; // HandcraftedHttp.Client's key
    private static readonly string Basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":"));
    private static readonly string Bare = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key));
    private static readonly string[] Secrets = [Key, Basic.TrimEnd('='), Bare.TrimEnd('=')];

    private static void AssertNoSecret(string? text)
    {
        foreach (var secret in Secrets) Assert.DoesNotContain(secret, text ?? "");
    }

    [Fact]
    public async Task An_Omise_error_body_echoing_the_header_the_key_and_its_base64_is_redacted_in_message_code_and_location()
    {
        var json = $$"""{"object":"error","location":"https://www.omise.co/api-errors#{{Basic}}","code":"bad_{{Key}}","message":"Authorization: Basic {{Basic}} user {{Key}} alone {{Bare}}"}""";
        var http = new HandcraftedHttp(_ => HandcraftedHttp.Json(HttpStatusCode.BadRequest, json));
        using var client = HandcraftedHttp.Client(http);

        var ex = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetLinkAsync("link_test_5redact000000000001"));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("Authorization: Basic [redacted] user [redacted] alone [redacted]", ex.Message.TrimEnd('='));
        AssertNoSecret(ex.Message);
        AssertNoSecret(ex.Code);
        AssertNoSecret(ex.Location);
        AssertNoSecret(ex.ToString());
    }

    [Fact]
    public async Task A_hop_answering_without_an_Omise_body_with_the_header_in_its_status_line_is_redacted()
    {
        var http = new HandcraftedHttp(_ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            ReasonPhrase = "Forbidden Basic " + Basic,
            Content = new StringContent("<html>Authorization: Basic " + Basic + "</html>"),
        });
        using var client = HandcraftedHttp.Client(http, RetryPolicy.None);

        var ex = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetLinkAsync("link_test_5redact000000000001"));

        Assert.Contains("[redacted]", ex.Message);
        AssertNoSecret(ex.ToString());
    }

    [Fact]
    public async Task A_success_status_whose_body_cannot_be_read_names_no_key_either()
    {
        var http = new HandcraftedHttp(_ => HandcraftedHttp.Json(HttpStatusCode.OK, "{\"object\":\"link\",\"id\":\"" + Basic + "\"}"));
        using var client = HandcraftedHttp.Client(http, RetryPolicy.None);

        var ex = await Assert.ThrowsAsync<OmiseApiException>(() => client.GetLinkAsync("link_test_5redact000000000001"));

        Assert.Equal(OmiseFailureKind.InvalidResponse, ex.Kind);
        AssertNoSecret(ex.ToString());
    }
}
