using System;
using System.Management.Automation.Host;
using System.Reflection;

namespace OmiseLinks
{
    /// <summary>
    /// Writes a line straight to the host (where the pipeline takes no more records: Ctrl+C) and into a running
    /// Start-Transcript too. The host's own WriteLine is not transcribed: PowerShell transcribes what its formatter shows,
    /// through PSHostUserInterface.TranscribeResult, which is internal, so it is reached by reflection (nothing happens
    /// where it is missing).
    /// </summary>
    internal static class HostTranscript
    {
        private static readonly MethodInfo? TranscribeResult = typeof(PSHostUserInterface).GetMethod("TranscribeResult",
            BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(string) }, null);

        public static void WriteLine(PSHost? host, string line, bool warning = false)
        {
            var ui = host?.UI;
            if (ui == null) return;
            try
            {
                if (warning) ui.WriteWarningLine(line);
                else ui.WriteLine(line);
            }
            catch (Exception) { return; }
            try { TranscribeResult?.Invoke(ui, new object[] { warning ? "WARNING: " + line : line }); }
            catch (Exception) { }
        }
    }
}
