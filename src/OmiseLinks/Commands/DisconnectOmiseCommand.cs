using System.Management.Automation;

namespace OmiseLinks.Commands
{
    /// <summary>Disconnect-Omise: forgets this runspace's session (and its key).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Omise")]
    [OutputType(typeof(void))]
    public sealed class DisconnectOmiseCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var session = SessionStore.Current(SessionState);
            SessionStore.Set(SessionState, null);
            // The session object itself stays usable where a caller kept it (-Session $s): only the current one is forgotten.
            if (session != null) WriteVerbose($"Disconnected {session}");
        }
    }
}
