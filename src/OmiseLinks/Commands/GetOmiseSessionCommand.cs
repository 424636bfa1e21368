using System.Management.Automation;

namespace OmiseLinks.Commands
{
    /// <summary>Get-OmiseSession: the runspace's current session (account, mode, API, key hint, proxy), or nothing when not connected.</summary>
    [Cmdlet(VerbsCommon.Get, "OmiseSession")]
    [OutputType(typeof(OmiseSession))]
    public sealed class GetOmiseSessionCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var session = SessionStore.Current(SessionState);
            if (session != null) WriteObject(session);
            else WriteVerbose("Not connected to Omise in this runspace: run Connect-Omise.");
        }
    }
}
