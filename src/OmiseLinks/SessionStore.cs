using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace OmiseLinks
{
    /// <summary>
    /// The current session of each runspace. Two runbooks in one process run in two runspaces and never
    /// see each other's key; a closed runspace lets its session go.
    /// </summary>
    internal static class SessionStore
    {
        private sealed class Holder { public OmiseSession? Session; }

        private static readonly ConditionalWeakTable<Runspace, Holder> Sessions = new ConditionalWeakTable<Runspace, Holder>();

        public static OmiseSession? Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace != null && Sessions.TryGetValue(runspace, out var holder) ? holder.Session : null;
            }
        }

        public static void Set(OmiseSession? session)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null) return;
            Sessions.GetOrCreateValue(runspace).Session = session;
        }
    }
}
