using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Security;
using Omise.Core;
using Omise.Core.Models;

namespace OmiseLinks.Commands
{
    /// <summary>Connect-Omise: checks a secret key and makes it this runspace's current session.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Omise", DefaultParameterSetName = EnvironmentSet)]
    [OutputType(typeof(OmiseSession))]
    public sealed class ConnectOmiseCommand : OmiseCmdlet
    {
        private const string SecretKeySet = "SecretKey";
        private const string CredentialSet = "Credential";
        private const string EnvironmentSet = "Environment";
        private const string SecretVaultSet = "SecretVault";
        private const string SecretManagementModule = "Microsoft.PowerShell.SecretManagement";
        internal const string KeyVariable = "OMISE_SECRET_KEY";
        internal const string ApiUriVariable = "OMISE_API_URI";

        /// <summary>The secret key (skey_...) as a SecureString.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SecretKeySet)]
        [ValidateNotNull]
        public SecureString? SecretKey { get; set; }

        /// <summary>A credential whose password is the secret key (the user name is ignored): Azure Automation credential assets.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [ValidateNotNull]
        [CredentialOnly]
        public PSCredential? Credential { get; set; }

        /// <summary>The name of the secret (in Microsoft.PowerShell.SecretManagement) that holds the secret key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SecretVaultSet)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        /// <summary>The registered SecretManagement vault to read -SecretName from. Default: SecretManagement's own search (default vault first).</summary>
        [Parameter(ParameterSetName = SecretVaultSet)]
        [ValidateNotNullOrEmpty]
        public string? Vault { get; set; }

        /// <summary>The API base URI. Default: OMISE_API_URI, else https://api.omise.co.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? ApiUri { get; set; }

        /// <summary>
        /// A proxy for every request of the session (http://host:port), a loopback -ApiUri included. Default: the system
        /// proxy (never for a loopback -ApiUri).
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? Proxy { get; set; }

        /// <summary>The user name and password the proxy asks for (407 Proxy Authentication Required): -Proxy's, or the system proxy's.</summary>
        [Parameter]
        [ValidateNotNull]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Signs in to the proxy as the current user (Windows integrated authentication: NTLM, Kerberos).</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>How long one request may take, answer and body included (default 60 s, as Omise's own libraries).</summary>
        [Parameter]
        [ValidateRange(1, 120)]
        public int TimeoutSec { get; set; } = 60;

        /// <summary>Do not check the key with GET /account now.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        /// <summary>Write the session object.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>How long the key check may take in all, retries included: a server that hangs or trickles cannot hold Connect-Omise.</summary>
        internal static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(20);

        protected override void EndProcessing()
        {
            // Whatever happens next, the key connected before is no longer this runspace's: a failed connect leaves none.
            SessionStore.Set(SessionState, null);
            var key = ParseKey(ReadKey());
            var baseUri = ResolveApiUri();
            var options = new OmiseClientOptions(key, baseUri)
            {
                UserAgent = UserAgent(),
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                TimeProvider = TestClock.For(Runspace.DefaultRunspace),
            };
            SetProxy(options);
            var client = new OmiseClient(options);
            string? accountId = null, email = null;
            if (!SkipValidation)
            {
                WriteVerbose($"Checking the key {key.Hint} with GET /account at {options.BaseUri}");
                try
                {
                    var account = Run(ct => client.GetAccountAsync(new RequestOptions { Within = CheckTimeout }, ct));
                    accountId = account.Id;
                    email = account.Email;
                }
                catch (OmiseApiException ex)
                {
                    client.Dispose();
                    if (ex.IsKeyRefused)
                    {
                        ThrowTerminatingError(new ErrorRecord(ex, "AuthenticationFailed", ErrorCategory.AuthenticationError, null)
                        {
                            ErrorDetails = new ErrorDetails($"The Omise API refused the secret key {key.Hint}: {ex.Message} (HTTP 401 {ex.Code}).")
                            {
                                RecommendedAction = "Copy the secret key again from the Omise dashboard (Keys) and check test/live mode.",
                            },
                        });
                    }
                    ThrowTerminatingError(ApiErrorRecord(ex, null, $"Could not check the key {key.Hint} at {options.BaseUri}"));
                }
            }
            var session = new OmiseSession(client, accountId, email);
            SessionStore.Set(SessionState, session);
            // Write-Host's way (an information record tagged PSHOST): the console and transcripts show which account and
            // mode a run is about to use, and the output stream (-PassThru, a runbook's links) stays clean.
            WriteInformation(new HostInformationMessage { Message = session.ConnectedLine() }, HostTags);
            if (PassThru) WriteObject(session);
        }

        private static readonly string[] HostTags = { "PSHOST" };

        private void SetProxy(OmiseClientOptions options)
        {
            if (ProxyCredential != null && ProxyUseDefaultCredentials)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Give either -ProxyCredential or -ProxyUseDefaultCredentials, not both."),
                    "ProxyCredentialConflict", ErrorCategory.InvalidArgument, null));
            }
            if (Proxy != null)
            {
                try { options.Proxy = Proxy; }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, "InvalidProxy", ErrorCategory.InvalidArgument, null));
                }
            }
            if (ProxyCredential != null) options.ProxyCredentials = ProxyCredential.GetNetworkCredential();
            else if (ProxyUseDefaultCredentials) options.ProxyCredentials = CredentialCache.DefaultCredentials;
        }

        private string ReadKey()
        {
            switch (ParameterSetName)
            {
                case SecretKeySet: return new NetworkCredential(string.Empty, SecretKey).Password;
                case CredentialSet: return Credential!.GetNetworkCredential().Password;
                case SecretVaultSet: return ReadKeyFromVault();
                default:
                    var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable);
                    if (string.IsNullOrWhiteSpace(fromEnvironment))
                    {
                        ThrowTerminatingError(new ErrorRecord(
                            new ArgumentException($"No secret key given. Use -SecretKey, -Credential, -SecretName (SecretManagement), or set the {KeyVariable} environment variable."),
                            "SecretKeyMissing", ErrorCategory.InvalidArgument, null));
                    }
                    return fromEnvironment!;
            }
        }

        /// <summary>
        /// Reads the key with SecretManagement's Get-Secret, found at run time through the engine: the module has no
        /// compile-time dependency on SecretManagement and works without it for every other parameter set.
        /// </summary>
        private string ReadKeyFromVault()
        {
            var where = Vault == null ? $"the secret '{SecretName}'" : $"the secret '{SecretName}' in the vault '{Vault}'";
            var getSecret = InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function);
            if (getSecret == null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException($"Connect-Omise -SecretName needs the {SecretManagementModule} module (Get-Secret), which is not installed."),
                    "SecretManagementNotInstalled", ErrorCategory.NotInstalled, null)
                {
                    ErrorDetails = new ErrorDetails($"Cannot read {where}: the {SecretManagementModule} module (Get-Secret) is not installed.")
                    {
                        RecommendedAction = $"Install-Module {SecretManagementModule} -Scope CurrentUser, register a vault (Register-SecretVault), store the key with Set-Secret; in Azure Automation import the module into the account. Or use -SecretKey, -Credential or OMISE_SECRET_KEY.",
                    },
                });
            }

            WriteVerbose($"Reading {where} with Get-Secret");
            object? secret = null;
            Exception? failure = null;
            using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                ps.AddCommand(getSecret!).AddParameter("Name", SecretName).AddParameter("AsPlainText", false);
                if (Vault != null) ps.AddParameter("Vault", Vault);
                try
                {
                    var results = ps.Invoke();
                    failure = ps.Streams.Error.Count > 0 ? ps.Streams.Error[0].Exception : null;
                    if (results.Count > 0) secret = results[0]?.BaseObject;
                }
                catch (RuntimeException ex)
                {
                    failure = ex.ErrorRecord?.Exception ?? ex;
                }
            }

            if (failure != null || secret == null)
            {
                var reason = failure?.Message ?? "Get-Secret returned nothing.";
                ThrowTerminatingError(new ErrorRecord(
                    new ItemNotFoundException($"Could not read {where}: {reason}", failure),
                    "SecretNotFound", ErrorCategory.ObjectNotFound, SecretName)
                {
                    ErrorDetails = new ErrorDetails($"Could not read {where}: {reason}")
                    {
                        RecommendedAction = "List what the vault holds with Get-SecretInfo" + (Vault == null ? "" : $" -Vault '{Vault}'")
                            + ", and store the Omise secret key with Set-Secret -Name <name> -Secret (Read-Host -AsSecureString).",
                    },
                });
            }

            switch (secret)
            {
                case SecureString secure: return new NetworkCredential(string.Empty, secure).Password;
                case PSCredential credential: return credential.GetNetworkCredential().Password;
                case string text: return text;
                default:
                    // Name the type only: the value may be the key in another shape.
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException($"Get-Secret gave a {secret!.GetType().Name} for {where}; Connect-Omise needs a SecureString, PSCredential or string holding the secret key."),
                        "SecretTypeNotSupported", ErrorCategory.InvalidType, SecretName));
                    return string.Empty;
            }
        }

        private SecretKey ParseKey(string raw)
        {
            try { return Omise.Core.SecretKey.Parse(raw); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidSecretKey", ErrorCategory.InvalidArgument, null));
                throw;
            }
        }

        private Uri ResolveApiUri()
        {
            var uri = ApiUri;
            if (uri == null)
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(ApiUriVariable);
                if (!string.IsNullOrWhiteSpace(fromEnvironment) && !Uri.TryCreate(fromEnvironment!.Trim(), UriKind.Absolute, out uri))
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{ApiUriVariable} is not an absolute URI: '{fromEnvironment}'."),
                        "InvalidApiUri", ErrorCategory.InvalidArgument, null));
                }
            }
            try { return ApiEndpoint.Validate(uri ?? ApiEndpoint.Default); }
            catch (ArgumentException ex)
            {
                // The message names the URI without any user info; the target must not carry a password either.
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidApiUri", ErrorCategory.SecurityError, null));
                throw;
            }
        }

        private string UserAgent()
        {
            var moduleVersion = typeof(ConnectOmiseCommand).Assembly.GetName().Version;
            var psVersion = (SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable)?["PSVersion"];
            return $"OmiseLinks/{moduleVersion!.Major}.{moduleVersion.Minor}.{moduleVersion.Build} PowerShell/{psVersion}";
        }
    }

    /// <summary>
    /// -Credential takes a PSCredential only. PowerShell's own [Credential] turns a plain string into a prompt that shows
    /// the string as the user name: a runbook would hang, and a key given there would be echoed. Refused instead, without
    /// repeating the value.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    internal sealed class CredentialOnlyAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value == null || value is PSCredential) return value;
            throw new ArgumentTransformationMetadataException(
                $"-Credential takes a PSCredential (its password is the secret key), not a {value.GetType().Name}; the value is not shown. " +
                "Give the key with -SecretKey (a SecureString), Get-Credential, Get-AutomationPSCredential, or OMISE_SECRET_KEY.");
        }
    }
}
