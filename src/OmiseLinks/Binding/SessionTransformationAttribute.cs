using System;
using System.Management.Automation;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Refuses, with a message that says what to do, a session that crossed a process boundary: Start-Job, remoting and
    /// Export-Clixml hand over a "Deserialized.OmiseLinks.OmiseSession", a property bag without the key (the key never
    /// leaves the process that connected, by design). Without this, binding fails with a bare type conversion error.
    /// Everything else passes through unchanged for the normal binding to judge.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SessionTransformationAttribute : ArgumentTransformationAttribute
    {
        internal const string DeserializedTypeName = "Deserialized.OmiseLinks.OmiseSession";

        internal const string Message =
            "This session came from another process (Start-Job, a remote session or Import-Clixml) and holds no key: an " +
            "Omise session never leaves the process that connected. Connect inside the job instead: Connect-Omise reads " +
            "OMISE_SECRET_KEY, which jobs inherit, or pass a credential, e.g. Start-Job { Connect-Omise -Credential " +
            "$using:cred; New-OmiseLink ... }. Runspaces and thread jobs in this process (Start-ThreadJob, " +
            "ForEach-Object -Parallel) can use -Session $using:session as it is.";

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            if (IsDeserializedSession(inputData)) throw new ArgumentTransformationMetadataException(Message);
            return inputData;
        }

        internal static bool IsDeserializedSession(object? inputData)
        {
            if (!(inputData is PSObject ps) || ps.BaseObject is OmiseSession) return false;
            foreach (var name in ps.TypeNames)
                if (string.Equals(name, DeserializedTypeName, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }
    }
}
