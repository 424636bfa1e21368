using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text.RegularExpressions;
using Omise.Emulator;
using OmiseLinks.Demo.Csv;

namespace OmiseLinks.Demo;

/// <summary>How a demo run ended.</summary>
public sealed class DemoResult
{
    /// <summary>0 when every row became a link, 1 otherwise.</summary>
    public required int ExitCode { get; init; }
    public int RowsRead { get; init; }

    /// <summary>Data rows in the links file written.</summary>
    public int LinksCreated { get; init; }
    public int Errors { get; init; }

    /// <summary>Full path of the links file, when the pipeline ran.</summary>
    public string? OutPath { get; init; }
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// The demo: the bundled emulator (or a given API), a PowerShell runspace with the built module imported, and the
/// pipeline a user would type: Import-Csv invoices.csv | New-OmiseLink | Export-Csv links.csv -NoTypeInformation.
/// </summary>
public static class DemoRunner
{
    private const string ImportedModule = "OmiseLinks";

    /// <summary>The engine's core commands plus the Import-Csv and Export-Csv stand-ins, and the built module if asked.</summary>
    public static InitialSessionState CreateSessionState(bool importModule = true)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Import-Csv", typeof(ImportCsvCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Export-Csv", typeof(ExportCsvCommand), null));
        if (importModule) state.ImportPSModule(Repository.ModuleManifest);
        return state;
    }

    public static async Task<DemoResult> RunAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (options.ApiUri != null && string.IsNullOrEmpty(options.SecretKey))
            throw new ArgumentException("An API URI needs a secret key.", nameof(options));

        var csvPath = Path.GetFullPath(options.CsvPath ?? Repository.ExampleCsv);
        var outPath = Path.GetFullPath(options.OutPath);
        if (!File.Exists(csvPath)) return Failed(output, $"Cannot find the CSV file {csvPath}.");
        if (!File.Exists(Repository.ModuleManifest))
            return Failed(output, $"The module is not built: {Repository.ModuleManifest} is missing. Run: dotnet build src/OmiseLinks");

        // The rows as Import-Csv will read them: counted here, and used to say which row an error belongs to.
        List<PSObject> inputRows;
        try
        {
            inputRows = CsvObjectReader.ReadFile(csvPath);
        }
        catch (CsvFormatException ex)
        {
            return Failed(output, $"Cannot read {ShortPath(csvPath)}: {ex.Message}");
        }

        await using var emulator = options.ApiUri == null ? await EmulatorServer.StartAsync() : null;
        var apiUri = options.ApiUri ?? emulator!.BaseUri;
        var secretKey = emulator?.SecretKey ?? options.SecretKey!;

        using var runspace = RunspaceFactory.CreateRunspace(CreateSessionState());
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(Environment.CurrentDirectory));

        var module = (await InvokeAsync(runspace, $"Get-Module {ImportedModule}", cancellationToken)).Output.FirstOrDefault()?.BaseObject as PSModuleInfo;
        if (module == null) return Failed(output, $"Import-Module {Repository.ModuleManifest} failed.");

        output.WriteLine("OmiseLinks demo: CSV in, payment links out, through the real PowerShell engine.");
        output.WriteLine($"  Module : {module.Name} {module.Version} from {ShortPath(Repository.ModuleManifest)}");
        output.WriteLine(emulator != null
            ? $"  API    : the Omise emulator, started in this process at {apiUri}"
            : $"  API    : {apiUri}");

        runspace.SessionStateProxy.SetVariable("key", Secure(secretKey));
        runspace.SessionStateProxy.SetVariable("api", apiUri);
        var connect = await InvokeAsync(runspace, "Connect-Omise -SecretKey $key -ApiUri $api -PassThru", cancellationToken);
        await InvokeAsync(runspace, "Remove-Variable key", cancellationToken);
        if (connect.Failures.Count > 0)
        {
            output.WriteLine("  Connect-Omise failed:");
            foreach (var failure in connect.Failures) output.WriteLine("    " + MessageOf(failure));
            return new DemoResult { ExitCode = 1, RowsRead = inputRows.Count };
        }
        var mode = connect.Output.FirstOrDefault()?.Properties["Mode"]?.Value as string ?? "?";
        output.WriteLine(emulator != null
            ? "  Session: connected to the emulator with its test key"
            : $"  Session: connected in {mode.ToLowerInvariant()} mode with the key from {DemoOptions.SecretKeyVariable}");
        output.WriteLine($"  Input  : {ShortPath(csvPath)} ({Plural(inputRows.Count, "row")})");
        output.WriteLine();

        var throttle = options.ThrottleLimit is { } n ? " -ThrottleLimit " + n.ToString(CultureInfo.InvariantCulture) : "";
        var script = $"Import-Csv {Literal(ShortPath(csvPath))} | New-OmiseLink{throttle} | Export-Csv {Literal(ShortPath(outPath))} -NoTypeInformation";
        output.WriteLine("PS> " + script);
        output.WriteLine();

        var clock = Stopwatch.StartNew();
        var run = await InvokeAsync(runspace, script, cancellationToken);
        clock.Stop();

        var links = File.Exists(outPath) ? CsvObjectReader.ReadFile(outPath) : [];
        WriteLinks(output, links);
        output.WriteLine();
        output.WriteLine($"{Plural(inputRows.Count, "row")} read, {Plural(links.Count, "link")} created, "
                         + $"{Plural(run.Failures.Count, "error")}, {clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s"
                         + (run.Stopped ? " (stopped)" : "") + ".");
        foreach (var warning in run.Warnings) output.WriteLine("WARNING: " + warning);
        if (run.Failures.Count > 0)
        {
            var locator = new RowLocator(inputRows, await ParameterColumnsAsync(runspace));
            foreach (var failure in run.Failures) output.WriteLine("  " + locator.Describe(failure));
        }
        if (emulator != null) output.WriteLine($"The emulator now holds {Plural(emulator.Links.Count, "link")}.");
        output.WriteLine(File.Exists(outPath)
            ? $"Links written to {ShortPath(outPath)} ({Plural(links.Count, "link")} and a header; the invoice is in the first column, Reference)."
            : $"No links file was written ({ShortPath(outPath)}).");

        var complete = !run.Stopped && run.Failures.Count == 0 && inputRows.Count > 0 && links.Count == inputRows.Count;
        return new DemoResult
        {
            ExitCode = complete ? 0 : 1,
            RowsRead = inputRows.Count,
            LinksCreated = links.Count,
            Errors = run.Failures.Count,
            OutPath = outPath,
            Elapsed = clock.Elapsed,
        };
    }

    private static void WriteLinks(TextWriter output, List<PSObject> links)
    {
        if (links.Count == 0)
        {
            output.WriteLine("(no links)");
            return;
        }
        var table = new TextTable(("Invoice", 20, false), ("Id", null, false), ("Amount", null, true), ("Title", 28, false), ("PaymentUri", null, false));
        foreach (var link in links)
            table.AddRow(Cell(link, "Reference"), Cell(link, "Id"), MoneyText.Format(Cell(link, "Amount"), Cell(link, "Currency")),
                Cell(link, "Title"), Cell(link, "PaymentUri"));
        table.WriteTo(output);
    }

    private static string Cell(PSObject row, string column) => row.Properties[column]?.Value as string ?? "";

    /// <summary>New-OmiseLink's parameters and the column names (aliases) that bind to each.</summary>
    private static async Task<Dictionary<string, string[]>> ParameterColumnsAsync(Runspace runspace)
    {
        var command = (await InvokeAsync(runspace, "Get-Command New-OmiseLink", CancellationToken.None)).Output.FirstOrDefault()?.BaseObject as CommandInfo;
        var columns = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (command == null) return columns;
        foreach (var (name, parameter) in command.Parameters)
            columns[name] = parameter.Aliases.Prepend(name).ToArray();
        return columns;
    }

    private sealed record RunResult(List<PSObject> Output, List<ErrorRecord> Failures, List<string> Warnings, bool Stopped);

    private static async Task<RunResult> InvokeAsync(Runspace runspace, string script, CancellationToken cancellationToken)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        using var stopOnCancel = cancellationToken.Register(() => ps.BeginStop(null, null));
        var output = new List<PSObject>();
        ErrorRecord? terminating = null;
        var stopped = false;
        try
        {
            output.AddRange(await ps.InvokeAsync().ConfigureAwait(false));
        }
        catch (PipelineStoppedException)
        {
            stopped = true;
        }
        catch (RuntimeException ex)
        {
            terminating = ex.ErrorRecord;
        }
        var failures = ps.Streams.Error.ToList();
        if (terminating != null) failures.Add(terminating);
        return new RunResult(output, failures, ps.Streams.Warning.Select(w => w.Message).ToList(), stopped || cancellationToken.IsCancellationRequested);
    }

    internal static string MessageOf(ErrorRecord record) =>
        record.ErrorDetails?.Message is { Length: > 0 } details ? details : record.Exception?.Message ?? record.ToString();

    private static DemoResult Failed(TextWriter output, string message)
    {
        output.WriteLine(message);
        return new DemoResult { ExitCode = 1 };
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>A path as the user would type it: relative to the current directory when it is inside it.</summary>
    private static string ShortPath(string fullPath)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }

    /// <summary>A path as a PowerShell argument: bare when that is safe, else single-quoted.</summary>
    private static string Literal(string path) =>
        Regex.IsMatch(path, @"^[A-Za-z0-9_./\\:][A-Za-z0-9_./\\:-]*$") ? path : "'" + path.Replace("'", "''") + "'";

    private static string Plural(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
