using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OmiseLinks
{
    /// <summary>
    /// The current session of each runspace, kept in the runspace's own global scope (the variable OmiseLinksSession).
    /// Two runbooks in one process run in two runspaces and never see each other's key; a closed runspace lets its session
    /// go; and a runspace that PowerShell resets for reuse (ForEach-Object -Parallel, which reuses runspaces since 7.1)
    /// loses it with every other global variable, so an iteration never inherits a key another iteration connected with.
    /// </summary>
    internal static class SessionStore
    {
        internal const string VariableName = "OmiseLinksSession";
        private const string GlobalName = "global:" + VariableName;
        private const string Description = "The Omise session Connect-Omise made current in this runspace (see Get-OmiseSession).";

        public static OmiseSession? Current(SessionState state) => Unwrap(state.PSVariable.GetValue(GlobalName));

        /// <summary>
        /// The current session of the thread's runspace, for code without a cmdlet (argument completers). They run inside
        /// a pipeline (TabExpansion2), where the runspace's SessionStateProxy refuses to be read, so a script block reads it.
        /// </summary>
        public static OmiseSession? CurrentOfDefaultRunspace()
        {
            if (Runspace.DefaultRunspace == null) return null;
            try
            {
                var values = ScriptBlock.Create("$" + GlobalName).Invoke();
                return values.Count == 1 ? Unwrap(values[0]) : null;
            }
            // A runspace whose language mode allows no script (NoLanguage) completes without the session's link ids.
            catch (Exception ex) when (ex is RuntimeException || ex is PSInvalidOperationException) { return null; }
        }

        public static void Set(SessionState state, OmiseSession? session)
        {
            if (session == null)
            {
                if (state.PSVariable.Get(GlobalName) != null) state.PSVariable.Remove(GlobalName);
                return;
            }
            state.PSVariable.Set(new PSVariable(GlobalName, session) { Description = Description });
        }

        private static OmiseSession? Unwrap(object? value) => (value is PSObject ps ? ps.BaseObject : value) as OmiseSession;
    }
}
