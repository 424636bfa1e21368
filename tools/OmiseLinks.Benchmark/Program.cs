using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace OmiseLinks.Benchmark;

/// <summary>
/// The bulk-creation benchmark: <c>dotnet run -c Release --project tools/OmiseLinks.Benchmark [-- --quick]</c>.
/// A command that prints figures, not a test: see docs/performance.md for the method and the results of a full run.
/// </summary>
internal static class Program
{
    // The emulator is started with this fake test key (the same as its built-in default); it is never printed.
    private const string SecretKey = "skey_test_5emulat0rk3yf0rt3sts";

    public static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Contains(ImportTimer.Flag)) return ImportTimer.RunOnce();
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine("dotnet run -c Release --project tools/OmiseLinks.Benchmark [-- --quick]");
            Console.WriteLine("  --quick   every scenario at a tenth of its size (a smoke check; published figures are from full runs)");
            Console.WriteLine("  --only N  run only scenario N (1 to 6; may be given more than once)");
            return 0;
        }
        var only = new HashSet<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick") continue;
            if (args[i] == "--only" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n is >= 1 and <= 6)
            {
                only.Add(n);
                i++;
                continue;
            }
            Console.Error.WriteLine($"Unknown argument: {args[i]} (try --help)");
            return 2;
        }
        bool Runs(int scenario) => only.Count == 0 || only.Contains(scenario);
        var scale = args.Contains("--quick") ? 10 : 1;

        Console.WriteLine($"OmiseLinks bulk-creation benchmark ({(scale == 1 ? "full run" : "--quick: a tenth of every size; published figures are from full runs")})");
        using var emulator = EmulatorProcess.Start(SecretKey);
        // The child must not outlive us: Ctrl+C, SIGTERM, SIGHUP, an exception or a normal exit all kill it
        // (each signal then goes on to end this process as usual).
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => emulator.Kill())).ToList();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => emulator.Kill();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => emulator.Kill();
        try
        {
            using var shell = new BenchShell(emulator.BaseUri, SecretKey);
            using var plain = new PlainLoop(emulator.BaseUri, SecretKey, shell.UserAgentVersion);
            PrintMachine(shell, emulator);
            var bench = new Scenarios(emulator, shell, plain, scale);
            bench.Warm();
            if (Runs(1)) bench.LatencyBound();
            if (Runs(2)) bench.Overhead();
            if (Runs(3)) bench.Memory();
            if (Runs(4)) bench.Faults();
            if (Runs(5)) bench.ImportModule();
            if (Runs(6)) bench.ReuseIndex();
            bench.Table.Print();
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine("Benchmark failed: " + ex);
            return 1;
        }
        finally
        {
            emulator.Kill();
            signals.ForEach(registration => registration.Dispose());
        }
    }

    private static void PrintMachine(BenchShell shell, EmulatorProcess emulator)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var gc = GCSettings.IsServerGC ? "Server" : "Workstation";
        Console.WriteLine($"Machine:   {Environment.ProcessorCount} logical cores{(cpu != null ? " (" + cpu + ")" : "")}, " +
                          $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0.0} GiB available to .NET");
        Console.WriteLine($"OS:        {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        Console.WriteLine($".NET:      {RuntimeInformation.FrameworkDescription}, {gc} GC ({GCSettings.LatencyMode}), client process");
        Console.WriteLine($"Engine:    PowerShell {shell.PowerShellVersion} hosted in-process (System.Management.Automation), OmiseLinks {shell.ModuleVersion} from out/OmiseLinks");
        Console.WriteLine($"Emulator:  child process {emulator.ProcessId} at {emulator.BaseUri} (its memory is not in the client's figures)");
        Console.WriteLine($"Date:      {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
    }
}

/// <summary>One line of the summary table.</summary>
internal sealed record Result(string Scenario, string Measure, string Figure, string Target, string Verdict);

internal sealed class ResultTable
{
    private readonly List<Result> _rows = new();

    public void Add(string scenario, string measure, string figure, string target, bool? pass) =>
        _rows.Add(new Result(scenario, measure, figure, target, pass switch { true => "PASS", false => "MISS", null => "-" }));

    public void Print()
    {
        var headers = new Result("Scenario", "Measure", "Figure", "Target", "Result");
        var all = _rows.Prepend(headers).ToList();
        int W(Func<Result, string> f) => all.Max(r => f(r).Length);
        var widths = new[] { W(r => r.Scenario), W(r => r.Measure), W(r => r.Figure), W(r => r.Target), W(r => r.Verdict) };
        string Line(Result r) => string.Join(" | ", new[] { r.Scenario, r.Measure, r.Figure, r.Target, r.Verdict }.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine();
        Console.WriteLine("Summary");
        Console.WriteLine(Line(headers));
        Console.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in _rows) Console.WriteLine(Line(row));
        var missed = _rows.Count(r => r.Verdict == "MISS");
        var unmeasured = _rows.Count(r => r.Verdict == "-" && !r.Target.StartsWith('('));
        Console.WriteLine();
        Console.WriteLine((missed == 0 ? "Every target measured was met." : $"{missed} target(s) missed.") +
                          (unmeasured > 0 ? $" {unmeasured} target(s) not measured." : ""));
    }
}
