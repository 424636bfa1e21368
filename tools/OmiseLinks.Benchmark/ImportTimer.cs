using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OmiseLinks.Benchmark;

/// <summary>Scenario 5: Import-Module of the built module, cold, each time in a fresh process (this tool with --import-once).</summary>
internal static class ImportTimer
{
    public const string Flag = "--import-once";
    private const string Prefix = "import-ms: ";

    /// <summary>In the child: open an empty runspace and run one empty script (engine warm-up, not counted), then time Import-Module alone.</summary>
    public static int RunOnce()
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using (var warm = PowerShell.Create())
        {
            warm.Runspace = runspace;
            warm.AddScript("$null").Invoke();
        }
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", Repo.ModuleManifest);
        var watch = Stopwatch.StartNew();
        ps.Invoke();
        watch.Stop();
        if (ps.HadErrors)
        {
            Console.Error.WriteLine("Import-Module failed: " + string.Join("; ", ps.Streams.Error));
            return 1;
        }
        Console.WriteLine(Prefix + watch.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>In the parent: launches this tool <paramref name="times"/> times with --import-once and collects the times.</summary>
    public static List<double> Measure(int times)
    {
        var results = new List<double>();
        for (var i = 0; i < times; i++)
        {
            var start = SelfStart();
            start.ArgumentList.Add(Flag);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the import child.");
            var stderr = child.StandardError.ReadToEndAsync();
            var stdout = child.StandardOutput.ReadToEnd();
            if (!child.WaitForExit(60_000))
            {
                child.Kill(entireProcessTree: true);
                throw new TimeoutException("The import child did not end within 60 s.");
            }
            var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
            if (child.ExitCode != 0 || line == null)
                throw new InvalidOperationException($"The import child failed (exit {child.ExitCode}): {stderr.Result.Trim()}");
            results.Add(double.Parse(line[Prefix.Length..], CultureInfo.InvariantCulture));
        }
        return results;
    }

    /// <summary>This tool again: its apphost, or dotnet with its dll when it runs under the muxer.</summary>
    private static ProcessStartInfo SelfStart()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(ImportTimer).Assembly.Location);
        return start;
    }
}
