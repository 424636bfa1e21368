using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OmiseLinks.Tests;

/// <summary>
/// A server or a hop that echoes the request's Authorization header in its error answer: the key and its base64 never
/// reach an error record, its exception, Verbose, or $Error exported with Export-Clixml.
/// </summary>
public class SecretRedactionTests
{
    [Fact]
    public async Task An_error_answer_that_echoes_the_Authorization_header_reaches_no_error_record_Verbose_or_Clixml_with_the_key()
    {
        const string key = "skey_test_5ech0edk3yech0edk3y42";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));
        var bare = Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
        using var server = new EchoingServer();
        using var shell = new HostedPowerShell();
        shell.SetVariable("key", TestBed.Secure(key));
        shell.SetVariable("api", server.BaseUri);
        var clixml = Path.Combine(Path.GetTempPath(), "omiselinks-redaction-" + Guid.NewGuid().ToString("N") + ".xml");
        shell.SetVariable("clixml", clixml);

        try
        {
            var result = shell.Run("""
                Connect-Omise -SecretKey $key -ApiUri $api -SkipValidation -InformationAction Ignore
                Get-OmiseLink -Id link_test_5ech0ed0000000000001 -Verbose
                $Error | Export-Clixml -Path $clixml -Depth 5
                $Error[0].Exception.Message
                $Error[0] | Out-String -Width 300
                """);

            var record = Assert.Single(result.Errors);
            Assert.Contains("Authorization: Basic [redacted]", record.ToString());
            Assert.True(server.Requests > 0);
            var everything = string.Join("\n", result.AllText(), record.ToString(), record.Exception.Message,
                record.ErrorDetails?.Message, record.Exception.ToString(), File.ReadAllText(clixml));
            foreach (var secret in new[] { key, basic.TrimEnd('='), bare.TrimEnd('=') })
                Assert.DoesNotContain(secret, everything);
        }
        finally
        {
            File.Delete(clixml);
        }
    }

    /// <summary>Answers every request with 400 and an Omise error body quoting the Authorization header it received.</summary>
    private sealed class EchoingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _requests;

        public EchoingServer()
        {
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        public int Requests => Volatile.Read(ref _requests);

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!head.ToString().Contains("\r\n\r\n"))
                    {
                        var n = await stream.ReadAsync(buffer);
                        if (n == 0) break;
                        head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    Interlocked.Increment(ref _requests);
                    var authorization = head.ToString().Split("\r\n")
                        .FirstOrDefault(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)) ?? "";
                    var basic = authorization.Split(' ').Last();
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(basic)).TrimEnd(':');
                    var bare = Convert.ToBase64String(Encoding.UTF8.GetBytes(decoded));
                    var body = "{\"object\":\"error\",\"location\":\"https://www.omise.co/api-errors#" + basic + "\",\"code\":\"bad_request\"," +
                        "\"message\":\"header rejected: " + authorization + " (key " + decoded + ", base64 " + bare + ")\"}";
                    var bytes = Encoding.UTF8.GetBytes(body);
                    var response = "HTTP/1.1 400 Bad " + basic + "\r\nContent-Type: application/json\r\nX-Request-Id: " + basic +
                        "\r\nConnection: close\r\nContent-Length: " + bytes.Length + "\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
                    await stream.WriteAsync(bytes);
                }
            }
            catch (Exception) { }
        }

        public void Dispose() => _listener.Stop();
    }
}
