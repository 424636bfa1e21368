using System.Management.Automation;
using Omise.Emulator;

namespace OmiseLinks.Tests;

public class ConnectOmiseTests
{
    [Fact]
    public async Task PassThru_session_says_uri_version_mode_and_a_key_hint_but_never_the_key()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api -PassThru -Verbose; $s = Connect-Omise -SecretKey $key -ApiUri $api -PassThru; \"$s\"");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var session = result.Output[0];
        Assert.Equal(bed.Emulator.BaseUri.ToString(), session.Properties["ApiUri"].Value.ToString());
        Assert.Equal("2019-05-29", session.Properties["ApiVersion"].Value);
        Assert.Equal("Test", session.Properties["Mode"].Value);
        var key = bed.Emulator.SecretKey;
        Assert.Equal("skey_test_\u2026" + key[^3..], session.Properties["KeyHint"].Value);
        Assert.StartsWith("acct_", (string)session.Properties["AccountId"].Value);
        Assert.Contains("skey_test_\u2026", result.Output[1].ToString());
        Assert.DoesNotContain(key, result.AllText());
        Assert.Contains(result.Verbose, v => v.Contains("GET /account -> 200"));
    }

    [Fact]
    public async Task TimeoutSec_takes_1_to_120_as_no_call_may_last_longer_than_120_s()
    {
        await using var bed = await TestBed.StartAsync(connect: false);

        var refused = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api -TimeoutSec 121");
        var longest = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api -TimeoutSec 120");

        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("ParameterArgumentValidationError", error.FullyQualifiedErrorId);
        Assert.Contains("120", error.ToString());
        Assert.Equal(1L, bed.Emulator.RequestCount); // only the accepted one checked its key (GET /account)
        Assert.Empty(longest.Errors);
    }

    [Fact]
    public async Task Credential_password_is_the_key_as_in_an_Azure_Automation_credential_asset()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run("$cred = [pscredential]::new('omise', $key); Connect-Omise -Credential $cred -ApiUri $api -PassThru");
        Assert.Empty(result.Errors);
        Assert.Equal("Test", result.Output.Single().Properties["Mode"].Value);
        Assert.Equal(1, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task A_public_key_is_refused_before_any_request_and_the_message_says_to_use_the_secret_key()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("pkey", TestBed.Secure(bed.Emulator.PublicKey));
        var result = bed.Run("Connect-Omise -SecretKey $pkey -ApiUri $api");

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidSecretKey,OmiseLinks.Commands.ConnectOmiseCommand", error.FullyQualifiedErrorId);
        Assert.Contains("public key", error.ToString());
        Assert.Contains("skey_", error.ToString());
        Assert.Equal(0, bed.Emulator.RequestCount);
        Assert.DoesNotContain(bed.Emulator.PublicKey, result.AllText());
    }

    [Fact]
    public async Task A_rejected_key_is_a_terminating_AuthenticationError_that_says_the_key_was_refused()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        const string wrongKey = "skey_test_0000000000wrongkey42";
        bed.Shell.SetVariable("wrong", TestBed.Secure(wrongKey));
        var result = bed.Run("Connect-Omise -SecretKey $wrong -ApiUri $api -Verbose");

        var record = Assert.Single(result.Errors);
        Assert.Equal("AuthenticationFailed,OmiseLinks.Commands.ConnectOmiseCommand", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, record.CategoryInfo.Category);
        Assert.Contains("refused the secret key skey_test_\u2026y42", record.ToString());
        Assert.DoesNotContain(wrongKey, result.AllText());
        var after = bed.Run("New-OmiseLink -Amount 100 -Currency thb -Title t -Description d");
        Assert.Equal("NotConnected,OmiseLinks.Commands.NewOmiseLinkCommand", after.FirstError?.FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("http://api.example.com")]
    [InlineData("ftp://127.0.0.1/")]
    public async Task Clear_text_http_is_refused_unless_the_host_is_loopback(string uri)
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run($"Connect-Omise -SecretKey $key -ApiUri '{uri}' -SkipValidation");
        Assert.Equal("InvalidApiUri,OmiseLinks.Commands.ConnectOmiseCommand", result.FirstError?.FullyQualifiedErrorId);
        Assert.Contains("https://", result.FirstError!.ToString());
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task SkipValidation_sends_nothing_and_the_session_says_it_is_not_validated()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api -SkipValidation -PassThru");
        Assert.Empty(result.Errors);
        Assert.Equal(false, result.Output.Single().Properties["Validated"].Value);
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task Calling_an_API_cmdlet_without_a_session_says_to_run_Connect_Omise()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run("New-OmiseLink -Amount 100 -Currency thb -Title t -Description d");
        Assert.Equal("NotConnected,OmiseLinks.Commands.NewOmiseLinkCommand", result.FirstError?.FullyQualifiedErrorId);
        Assert.Contains("Connect-Omise", result.FirstError!.ToString());
    }

    [Fact]
    public async Task Two_runspaces_in_one_process_keep_their_own_sessions()
    {
        await using var first = await TestBed.StartAsync();
        await using var second = await TestBed.StartAsync(new EmulatorOptions { SecretKey = "skey_test_5ec0ndacc0untk3yxyz" });

        first.Run("New-OmiseLink -Amount 100 -Currency thb -Title one -Description d");
        second.Run("New-OmiseLink -Amount 200 -Currency thb -Title two -Description d");
        var hint = second.Run("(Connect-Omise -SecretKey $key -ApiUri $api -PassThru).KeyHint").Output.Single();

        Assert.Equal(["one"], first.Emulator.Links.Select(l => l.Title));
        Assert.Equal(["two"], second.Emulator.Links.Select(l => l.Title));
        Assert.Equal("skey_test_\u2026xyz", hint.ToString());
    }

    [Fact]
    public async Task Session_parameter_uses_another_session_than_the_current_one()
    {
        await using var bed = await TestBed.StartAsync();
        await using var other = await EmulatorServer.StartAsync(new EmulatorOptions { SecretKey = "skey_test_0therk3y0therk3yabc" });
        bed.Shell.SetVariable("otherKey", TestBed.Secure(other.SecretKey));
        bed.Shell.SetVariable("otherApi", other.BaseUri);

        var result = bed.Run("""
            $current = Connect-Omise -SecretKey $key -ApiUri $api -PassThru
            $s = Connect-Omise -SecretKey $otherKey -ApiUri $otherApi -PassThru
            Connect-Omise -SecretKey $key -ApiUri $api
            New-OmiseLink -Amount 100 -Currency thb -Title elsewhere -Description d -Session $s
            New-OmiseLink -Amount 100 -Currency thb -Title here -Description d
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["elsewhere"], other.Links.Select(l => l.Title));
        Assert.Equal(["here"], bed.Emulator.Links.Select(l => l.Title));
    }

    [Fact]
    public async Task Connect_says_in_one_line_which_account_and_mode_and_keeps_the_output_stream_clean()
    {
        await using var bed = await TestBed.StartAsync(connect: false);

        var quiet = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api");
        var passThru = bed.Run("Connect-Omise -SecretKey $key -ApiUri $api -PassThru");

        Assert.Empty(quiet.Output);
        var line = Assert.Single(quiet.Information);
        var session = Assert.Single(passThru.Output);
        Assert.Equal("OmiseLinks.OmiseSession", session.BaseObject.GetType().FullName);
        var account = (string)session.Properties["AccountId"].Value;
        var hint = "skey_test_\u2026" + bed.Emulator.SecretKey[^3..];
        Assert.StartsWith("acct_", account);
        Assert.Equal($"Connected to Omise in TEST mode: account {account} (ops@example.com), key {hint}, API {bed.Emulator.BaseUri}", line);
        Assert.DoesNotContain(bed.Emulator.SecretKey, quiet.AllText() + passThru.AllText());
    }

    [Fact]
    public async Task Get_OmiseSession_shows_account_mode_api_version_key_hint_and_proxy_and_nothing_once_disconnected()
    {
        await using var bed = await TestBed.StartAsync();

        var connected = bed.Run("Get-OmiseSession");
        var after = bed.Run("Disconnect-Omise; Get-OmiseSession -Verbose");

        var session = Assert.Single(connected.Output);
        Assert.StartsWith("acct_", (string)session.Properties["AccountId"].Value);
        Assert.Equal("ops@example.com", session.Properties["AccountEmail"].Value);
        Assert.Equal("Test", session.Properties["Mode"].Value);
        Assert.Equal(bed.Emulator.BaseUri.ToString(), session.Properties["ApiUri"].Value.ToString());
        Assert.Equal("2019-05-29", session.Properties["ApiVersion"].Value);
        Assert.Equal("skey_test_\u2026" + bed.Emulator.SecretKey[^3..], session.Properties["KeyHint"].Value);
        Assert.Equal("none", session.Properties["Proxy"].Value);
        Assert.NotNull(session.Properties["ConnectedAt"].Value);
        Assert.Empty(after.Output);
        Assert.Empty(after.Errors);
        Assert.Contains(after.Verbose, v => v.Contains("Not connected"));
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task A_ForEach_Object_Parallel_iteration_that_did_not_connect_never_uses_the_key_of_another_iteration()
    {
        // -ThrottleLimit 1: one runspace, reused by PowerShell for the second iteration (as every runspace is since 7.1).
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("manifest", Repo.ModuleManifest);

        var result = bed.Run("""
            1..2 | ForEach-Object -ThrottleLimit 1 -Parallel {
                Import-Module $using:manifest
                $runspace = [runspace]::DefaultRunspace.InstanceId
                if ($_ -eq 1) {
                    Connect-Omise -SecretKey $using:key -ApiUri $using:api -InformationAction Ignore
                    $made = New-OmiseLink -Amount 100 -Currency thb -Title 'Tenant A invoice' -Description 'tenant A' -InformationAction Ignore
                    "1 $runspace created $($made.Id)"
                }
                else {
                    try {
                        $made = New-OmiseLink -Amount 200 -Currency thb -Title 'Tenant B invoice' -Description 'tenant B' -InformationAction Ignore -ErrorAction Stop
                        "2 $runspace created $($made.Id)"
                    }
                    catch { "2 $runspace $($_.FullyQualifiedErrorId) session:$([bool](Get-OmiseSession))" }
                }
            }
            """);

        Assert.Null(result.Terminating);
        var lines = result.Output.Select(o => o.ToString().Split(' ')).OrderBy(l => l[0]).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(lines[0][1], lines[1][1]); // the same runspace: PowerShell reused it
        Assert.Equal("created", lines[0][2]);
        Assert.Equal("NotConnected,OmiseLinks.Commands.NewOmiseLinkCommand", lines[1][2]);
        Assert.Equal("session:False", lines[1][3]);
        Assert.Equal(["Tenant A invoice"], bed.Emulator.Links.Select(l => l.Title));
    }

    [Theory]
    [InlineData("-Proxy 'http://proxy.example.com:3128'", "InvalidProxy", "clear text")] // an http:// (loopback) API off this computer
    [InlineData("-Proxy 'http://puser:s3cretpr0xy@127.0.0.1:3128'", "InvalidProxy", "-ProxyCredential")]
    [InlineData("-Proxy 'socks5://127.0.0.1:1080'", "InvalidProxy", "http://")]
    [InlineData("-Proxy 'http://127.0.0.1:3128' -ProxyCredential $pc -ProxyUseDefaultCredentials", "ProxyCredentialConflict", "not both")]
    public async Task A_proxy_that_cannot_be_used_is_refused_before_any_request_without_echoing_a_password(string parameters, string errorId, string says)
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        bed.Shell.SetVariable("pc", new PSCredential("puser", TestBed.Secure("s3cretpr0xy")));

        var result = bed.Run($"Connect-Omise -SecretKey $key -ApiUri $api {parameters}");

        Assert.Equal(errorId + ",OmiseLinks.Commands.ConnectOmiseCommand", result.FirstError?.FullyQualifiedErrorId);
        Assert.Contains(says, result.FirstError!.ToString());
        Assert.DoesNotContain("s3cretpr0xy", result.AllText() + result.FirstError);
        Assert.Equal(0, bed.Emulator.RequestCount);
        Assert.Empty(bed.Run("Get-OmiseSession").Output);
    }

    [Fact]
    public async Task Disconnect_forgets_the_current_session()
    {
        await using var bed = await TestBed.StartAsync();
        var result = bed.Run("Disconnect-Omise; New-OmiseLink -Amount 100 -Currency thb -Title t -Description d");
        Assert.Equal("NotConnected,OmiseLinks.Commands.NewOmiseLinkCommand", result.FirstError?.FullyQualifiedErrorId);
    }
}

/// <summary>Environment variables are process-wide: these tests run alone, not beside others that read them.</summary>
[CollectionDefinition("Environment", DisableParallelization = true)]
public class EnvironmentCollection { }

[Collection("Environment")]
public class ConnectFromEnvironmentTests
{
    [Fact]
    public async Task With_no_key_parameter_the_key_and_uri_come_from_OMISE_SECRET_KEY_and_OMISE_API_URI()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        Environment.SetEnvironmentVariable("OMISE_SECRET_KEY", bed.Emulator.SecretKey);
        Environment.SetEnvironmentVariable("OMISE_API_URI", bed.Emulator.BaseUri.ToString());
        try
        {
            var result = bed.Run("Connect-Omise -PassThru -Verbose -Debug; New-OmiseLink -Amount 5000 -Currency thb -Title runbook -Description d -Verbose -Debug");
            Assert.Empty(result.Errors);
            Assert.Equal("Test", result.Output[0].Properties["Mode"].Value);
            Assert.Equal(["runbook"], bed.Emulator.Links.Select(l => l.Title));
            Assert.DoesNotContain(bed.Emulator.SecretKey, result.AllText());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OMISE_SECRET_KEY", null);
            Environment.SetEnvironmentVariable("OMISE_API_URI", null);
        }
    }

    [Fact]
    public async Task With_no_key_anywhere_the_error_names_the_three_ways_to_give_one()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        Environment.SetEnvironmentVariable("OMISE_SECRET_KEY", null);
        var result = bed.Run("Connect-Omise");
        Assert.Equal("SecretKeyMissing,OmiseLinks.Commands.ConnectOmiseCommand", result.FirstError?.FullyQualifiedErrorId);
        Assert.Contains("OMISE_SECRET_KEY", result.FirstError!.ToString());
    }
}

/// <summary>The process-wide default proxy is changed here: alone, not beside the other tests that change or read it.</summary>
[Collection("Environment")]
public class SystemProxySessionTests
{
    [Fact]
    public async Task The_session_names_the_system_proxy_an_https_API_goes_through()
    {
        using var proxy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        proxy.Start();
        var port = ((System.Net.IPEndPoint)proxy.LocalEndpoint).Port;
        var before = System.Net.Http.HttpClient.DefaultProxy;
        try
        {
            System.Net.Http.HttpClient.DefaultProxy = new System.Net.WebProxy($"http://127.0.0.1:{port}");
            await using var bed = await TestBed.StartAsync(connect: false);

            var result = bed.Run("Connect-Omise -SecretKey $key -ApiUri 'https://api.example.com' -SkipValidation -PassThru; Connect-Omise -SecretKey $key -ApiUri $api -SkipValidation -PassThru");

            Assert.Empty(result.Errors);
            Assert.Equal($"http://127.0.0.1:{port}/ (system)", result.Output[0].Properties["Proxy"].Value);
            Assert.Equal("none", result.Output[1].Properties["Proxy"].Value); // a loopback API never goes through the system proxy
            Assert.EndsWith($", API https://api.example.com/, proxy http://127.0.0.1:{port}/ (system)", result.Information[0]);
        }
        finally
        {
            System.Net.Http.HttpClient.DefaultProxy = before;
            proxy.Stop();
        }
    }
}
