using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace OmiseLinks
{
    /// <summary>
    /// The clock Connect-Omise gives a session's client: TimeProvider.System, unless a test set another for the runspace.
    /// Not public: tests/OmiseLinks.Tests reaches <see cref="Set"/> by reflection on the module it imported, so no
    /// parameter, variable or environment variable a user could set changes the module's time. Keyed by runspace, so
    /// tests running side by side in one process each keep their own clock.
    /// </summary>
    internal static class TestClock
    {
        private static readonly ConditionalWeakTable<Runspace, TimeProvider> Clocks = new ConditionalWeakTable<Runspace, TimeProvider>();

        internal static void Set(Runspace runspace, TimeProvider? clock)
        {
            lock (Clocks)
            {
                Clocks.Remove(runspace);
                if (clock != null) Clocks.Add(runspace, clock);
            }
        }

        /// <summary>The clock for the runspace running the command (Runspace.DefaultRunspace on the pipeline thread).</summary>
        internal static TimeProvider For(Runspace? runspace)
        {
            if (runspace == null) return TimeProvider.System;
            lock (Clocks)
                return Clocks.TryGetValue(runspace, out var clock) ? clock : TimeProvider.System;
        }
    }
}
