using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;

namespace OmiseLinks.Benchmark;

/// <summary>Rows done, counted by the pipeline's last stage; read from other threads (the memory sampler).</summary>
public sealed class RowCounter
{
    private long _done;
    public long Done => Interlocked.Read(ref _done);
    public void Increment() => Interlocked.Increment(ref _done);
    public void Reset() => Interlocked.Exchange(ref _done, 0);
}

/// <summary>The links a run wrote, in the order written: for the exactly-once checks.</summary>
public sealed class LinkRecorder
{
    private readonly List<(string Id, string? Reference)> _links = new();
    public IReadOnlyList<(string Id, string? Reference)> Links => _links;
    public void Add(string id, string? reference) => _links.Add((id, reference));
}

internal sealed record BulkRun(TimeSpan Elapsed, long RowsWritten, int Errors, IReadOnlyList<string> FirstErrors, IReadOnlyList<string> Verbose);

/// <summary>
/// One runspace of the real PowerShell engine with the built module imported and connected to the emulator:
/// the client side of every scenario, as a user's session would be.
/// </summary>
internal sealed class BenchShell : IDisposable
{
    // Rows are made one at a time as the pipeline pulls them, so neither input nor output is ever collected.
    private const string Rows =
        "1..$rows | ForEach-Object { [pscustomobject]@{ amount = [string](10000 + $_); currency = 'thb'; title = \"Invoice $_\"; description = 'Benchmark'; invoice = \"INV-$_\" } }";

    private readonly Runspace _runspace;

    public BenchShell(Uri apiUri, string secretKey)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Repo.ModuleManifest);
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        SetVariable("key", Secure(secretKey));
        SetVariable("api", apiUri);
        SetVariable("counter", Counter);
        var connect = Run("Connect-Omise -SecretKey $key -ApiUri $api");
        if (connect.Errors > 0) throw new InvalidOperationException("Connect-Omise failed: " + string.Join("; ", connect.FirstErrors));
        PowerShellVersion = (string)Invoke("$PSVersionTable.PSVersion.ToString()")[0].BaseObject;
        ModuleVersion = Invoke("(Get-Module OmiseLinks).Version.ToString()")[0].BaseObject.ToString() ?? "?";
        UserAgentVersion = $"OmiseLinks/{ModuleVersion} PowerShell/{PowerShellVersion}";
    }

    public RowCounter Counter { get; } = new();
    public string PowerShellVersion { get; }
    public string ModuleVersion { get; }
    /// <summary>The User-Agent the module sends (Connect-Omise builds it from these two versions).</summary>
    public string UserAgentVersion { get; }

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <summary>
    /// <paramref name="rows"/> generated rows through New-OmiseLink with <paramref name="parameters"/>, each written link counted
    /// (or handed to <paramref name="sink"/>, a script block body that sees the link as $_).
    /// </summary>
    public BulkRun CreateLinks(int rows, string parameters, string sink = "$counter.Increment()")
    {
        Counter.Reset();
        SetVariable("rows", rows);
        return Run($"{Rows} | New-OmiseLink {parameters} | ForEach-Object {{ {sink} }}");
    }

    /// <summary>Any script; links it writes to <c>$counter.Increment()</c> are counted as rows written.</summary>
    public BulkRun Script(string script)
    {
        Counter.Reset();
        return Run(script);
    }

    /// <summary>The same rows and the same last stage without New-OmiseLink: what the PowerShell around the cmdlet costs.</summary>
    public BulkRun RowsOnly(int rows)
    {
        Counter.Reset();
        SetVariable("rows", rows);
        return Run($"{Rows} | ForEach-Object {{ $counter.Increment() }}");
    }

    private BulkRun Run(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var watch = Stopwatch.StartNew();
        var errors = new List<string>();
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            errors.Add("terminating: " + ex.Message);
        }
        watch.Stop();
        errors.AddRange(ps.Streams.Error.Select(e => e.ToString()));
        return new BulkRun(watch.Elapsed, Counter.Done, errors.Count, errors.Take(3).ToList(), ps.Streams.Verbose.Select(v => v.Message).ToList());
    }

    private System.Collections.ObjectModel.Collection<PSObject> Invoke(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        return ps.AddScript(script).Invoke();
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    public void Dispose() => _runspace.Dispose();
}
