using System;
using System.Collections;
using System.Management.Automation;
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
        internal const string KeyVariable = "OMISE_SECRET_KEY";
        internal const string ApiUriVariable = "OMISE_API_URI";

        /// <summary>The secret key (skey_...) as a SecureString.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SecretKeySet)]
        [ValidateNotNull]
        public SecureString? SecretKey { get; set; }

        /// <summary>A credential whose password is the secret key (the user name is ignored): Azure Automation credential assets.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The API base URI. Default: OMISE_API_URI, else https://api.omise.co.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? ApiUri { get; set; }

        /// <summary>Do not check the key with GET /account now.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        /// <summary>Write the session object.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var key = ParseKey(ReadKey());
            var baseUri = ResolveApiUri();
            var options = new OmiseClientOptions(key, baseUri) { UserAgent = UserAgent() };
            var client = new OmiseClient(options);
            string? accountId = null, email = null;
            if (!SkipValidation)
            {
                WriteVerbose($"Checking the key {key.Hint} with GET /account at {options.BaseUri}");
                try
                {
                    var account = Run(ct => client.GetAccountAsync(ct));
                    accountId = account.Id;
                    email = account.Email;
                }
                catch (OmiseApiException ex)
                {
                    client.Dispose();
                    if (ex.StatusCode == 401)
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
            SessionStore.Set(session);
            WriteVerbose($"Connected: {session}");
            if (PassThru) WriteObject(session);
        }

        private string ReadKey()
        {
            switch (ParameterSetName)
            {
                case SecretKeySet: return new NetworkCredential(string.Empty, SecretKey).Password;
                case CredentialSet: return Credential!.GetNetworkCredential().Password;
                default:
                    var fromEnvironment = Environment.GetEnvironmentVariable(KeyVariable);
                    if (string.IsNullOrWhiteSpace(fromEnvironment))
                    {
                        ThrowTerminatingError(new ErrorRecord(
                            new ArgumentException($"No secret key given. Use -SecretKey, -Credential, or set the {KeyVariable} environment variable."),
                            "SecretKeyMissing", ErrorCategory.InvalidArgument, null));
                    }
                    return fromEnvironment!;
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
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidApiUri", ErrorCategory.SecurityError, uri));
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
}
