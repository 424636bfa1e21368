using System.Management.Automation;

namespace OmiseLinks.Tests;

/// <summary>
/// Connect-Omise -Vault/-SecretName, the way runbooks keep keys. The real Microsoft.PowerShell.SecretManagement module is
/// not installed here, so a Get-Secret function stands in for it: same parameters, a SecureString (or PSCredential, or
/// string) for the secrets it holds, and SecretManagement's terminating "not found" error for any other name.
/// </summary>
public class ConnectFromVaultTests
{
    private const string StandInGetSecret = """
        $global:GetSecretCalls = [System.Collections.Generic.List[object]]::new()
        function global:Get-Secret {
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, Position = 0)] [string] $Name,
                [string] $Vault,
                [switch] $AsPlainText
            )
            $global:GetSecretCalls.Add([pscustomobject]@{ Name = $Name; Vault = $Vault; AsPlainText = $AsPlainText.IsPresent })
            $held = @{
                OmiseSecretKey  = $key
                OmiseCredential = [pscredential]::new('omise', $key)
                OmisePlainText  = [System.Net.NetworkCredential]::new('', $key).Password
                OmiseHashtable  = @{ key = [System.Net.NetworkCredential]::new('', $key).Password }
            }
            if ((-not $Vault -or $Vault -eq 'RunbookVault') -and $held.ContainsKey($Name)) { return $held[$Name] }
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [System.Management.Automation.ItemNotFoundException]::new("The secret $Name was not found."),
                'GetSecretNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Name))
        }
        """;

    private static async Task<TestBed> StartWithVaultAsync()
    {
        var bed = await TestBed.StartAsync(connect: false);
        var setup = bed.Run(StandInGetSecret);
        Assert.Empty(setup.Errors);
        Assert.Null(setup.Terminating);
        return bed;
    }

    [Theory]
    [InlineData("OmiseSecretKey")]
    [InlineData("OmiseCredential")]
    [InlineData("OmisePlainText")]
    public async Task The_key_comes_from_the_vault_and_never_shows(string secretName)
    {
        await using var bed = await StartWithVaultAsync();
        var result = bed.Run($"""
            Connect-Omise -Vault RunbookVault -SecretName {secretName} -ApiUri $api -PassThru -Verbose -Debug
            New-OmiseLink -Amount 5000 -Currency thb -Title runbook -Description d -Verbose
            """);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Equal("Test", result.Output[0].Properties["Mode"].Value);
        Assert.StartsWith("acct_", (string)result.Output[0].Properties["AccountId"].Value);
        Assert.Equal(["runbook"], bed.Emulator.Links.Select(l => l.Title));
        Assert.Contains(result.Verbose, v => v.Contains($"the secret '{secretName}' in the vault 'RunbookVault'"));
        Assert.DoesNotContain(bed.Emulator.SecretKey, result.AllText());
    }

    [Fact]
    public async Task Get_Secret_is_asked_for_that_name_in_that_vault_and_not_as_plain_text()
    {
        await using var bed = await StartWithVaultAsync();
        bed.Run("Connect-Omise -Vault RunbookVault -SecretName OmiseSecretKey -ApiUri $api");
        var calls = bed.Run("$GetSecretCalls").Output;

        var call = Assert.Single(calls);
        Assert.Equal("OmiseSecretKey", call.Properties["Name"].Value);
        Assert.Equal("RunbookVault", call.Properties["Vault"].Value);
        Assert.Equal(false, call.Properties["AsPlainText"].Value);
    }

    [Fact]
    public async Task Without_Vault_SecretManagement_chooses_the_vault()
    {
        await using var bed = await StartWithVaultAsync();
        var result = bed.Run("Connect-Omise -SecretName OmiseSecretKey -ApiUri $api -PassThru; $GetSecretCalls");

        Assert.Empty(result.Errors);
        Assert.Equal("Test", result.Output[0].Properties["Mode"].Value);
        Assert.Equal("", result.Output[1].Properties["Vault"].Value);
    }

    [Fact]
    public async Task A_missing_secret_is_a_terminating_ObjectNotFound_naming_secret_and_vault_and_nothing_is_sent()
    {
        await using var bed = await StartWithVaultAsync();
        var result = bed.Run("""
            Connect-Omise -Vault RunbookVault -SecretName NoSuchKey -ApiUri $api
            New-OmiseLink -Amount 100 -Currency thb -Title t -Description d
            """);

        Assert.Equal(2, result.Errors.Count);
        var error = result.Errors[0];
        Assert.Equal("SecretNotFound,OmiseLinks.Commands.ConnectOmiseCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("'NoSuchKey' in the vault 'RunbookVault'", error.ToString());
        Assert.Contains("was not found", error.ToString());
        Assert.Contains("Get-SecretInfo", error.ErrorDetails.RecommendedAction);
        Assert.Equal("NotConnected,OmiseLinks.Commands.NewOmiseLinkCommand", result.Errors[1].FullyQualifiedErrorId);
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task A_secret_of_another_type_is_refused_by_its_type_name_alone()
    {
        await using var bed = await StartWithVaultAsync();
        var result = bed.Run("Connect-Omise -Vault RunbookVault -SecretName OmiseHashtable -ApiUri $api");

        var error = Assert.Single(result.Errors);
        Assert.Equal("SecretTypeNotSupported,OmiseLinks.Commands.ConnectOmiseCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Hashtable", error.ToString());
        Assert.DoesNotContain(bed.Emulator.SecretKey, result.AllText());
        Assert.Equal(0, bed.Emulator.RequestCount);
    }

    [Fact]
    public async Task Without_SecretManagement_the_error_says_how_to_install_it()
    {
        await using var bed = await TestBed.StartAsync(connect: false);
        var result = bed.Run("Connect-Omise -Vault RunbookVault -SecretName OmiseSecretKey -ApiUri $api");

        var error = Assert.Single(result.Errors);
        Assert.Equal("SecretManagementNotInstalled,OmiseLinks.Commands.ConnectOmiseCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotInstalled, error.CategoryInfo.Category);
        Assert.Contains("Microsoft.PowerShell.SecretManagement", error.ToString());
        Assert.Contains("Install-Module Microsoft.PowerShell.SecretManagement", error.ErrorDetails.RecommendedAction);
        Assert.Equal(0, bed.Emulator.RequestCount);
    }
}
