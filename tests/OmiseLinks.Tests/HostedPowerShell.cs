using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OmiseLinks.Tests;

/// <summary>Where the built module is: out/OmiseLinks under the repository root.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ModuleManifest => Path.Combine(Root, "out", "OmiseLinks", "OmiseLinks.psd1");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Omise.PowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("Omise.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>What one run of a script produced, stream by stream, as a user would see it.</summary>
public sealed class PsResult
{
    public required Collection<PSObject> Output { get; init; }
    public required List<ErrorRecord> Errors { get; init; }
    public required List<string> Verbose { get; init; }
    public required List<string> Warnings { get; init; }
    public required List<string> Debug { get; init; }
    public required List<string> Information { get; init; }
    public required List<ProgressRecord> Progress { get; init; }
    /// <summary>The script-terminating error (throw, -ErrorAction Stop), if the script stopped with one.</summary>
    public RuntimeException? Terminating { get; init; }

    /// <summary>
    /// The error a user sees first: a cmdlet's ThrowTerminatingError ends only its statement (the script goes on and the
    /// record lands in the error stream), while -ErrorAction Stop ends the script.
    /// </summary>
    public ErrorRecord? FirstError => Errors.FirstOrDefault() ?? Terminating?.ErrorRecord;

    /// <summary>Every text a user could see in any stream, for "the key never shows" checks.</summary>
    public string AllText() => string.Join("\n",
        Output.Select(o => o?.ToString() ?? "")
            .Concat(Output.SelectMany(o => o?.Properties.Select(p => SafeValue(p)) ?? []))
            .Concat(Errors.Select(e => e.ToString() + " " + e.Exception + " " + e.ErrorDetails?.RecommendedAction + " " + e.TargetObject))
            .Concat(Verbose).Concat(Warnings).Concat(Debug).Concat(Information)
            .Concat(Progress.Select(p => p.Activity + " " + p.StatusDescription + " " + p.CurrentOperation))
            .Append(Terminating?.ToString() ?? "").Append(Terminating?.ErrorRecord?.ToString() ?? ""));

    private static string SafeValue(PSPropertyInfo p)
    {
        try { return p.Name + "=" + p.Value; } catch { return p.Name; }
    }
}

/// <summary>
/// A fresh runspace of the real PowerShell engine with the built module imported, as a user's session would be.
/// </summary>
public sealed class HostedPowerShell : IDisposable
{
    private readonly Runspace _runspace;

    /// <summary>What the host showed outside the pipeline (-WhatIf lines, host warnings).</summary>
    public RecordingHost Host { get; } = new();

    public HostedPowerShell(IDictionary<string, object?>? variables = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Repo.ModuleManifest);
        if (variables != null)
            foreach (var v in variables) state.Variables.Add(new SessionStateVariableEntry(v.Key, v.Value, ""));
        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
    }

    public Runspace Runspace => _runspace;

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <summary>
    /// Every Connect-Omise in this runspace from now on gives its client <paramref name="clock"/>: the module's internal
    /// test hook (OmiseLinks.TestClock, keyed by runspace), reached by reflection on the assembly this runspace imported.
    /// </summary>
    public void UseClock(TimeProvider clock)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        var module = (System.Reflection.Assembly)ps.AddScript("(Get-Module OmiseLinks).ImplementingAssembly").Invoke().Single().BaseObject;
        var hook = module.GetType("OmiseLinks.TestClock", throwOnError: true)!
            .GetMethod("Set", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!;
        hook.Invoke(null, [_runspace, clock]);
    }

    /// <summary>Runs a script the way a console would: errors and streams collected, a terminating error captured.</summary>
    public PsResult Run(string script, object? pipelineInput = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        Collection<PSObject> output = [];
        RuntimeException? terminating = null;
        try
        {
            output = pipelineInput == null ? ps.Invoke() : ps.Invoke(new[] { pipelineInput });
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }
        return Collect(ps, output, terminating);
    }

    private static PsResult Collect(PowerShell ps, IEnumerable<PSObject> output, RuntimeException? terminating) => new()
    {
        Output = new Collection<PSObject>(output.ToList()),
        Errors = ps.Streams.Error.ToList(),
        Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
        Warnings = ps.Streams.Warning.Select(v => v.Message).ToList(),
        Debug = ps.Streams.Debug.Select(v => v.Message).ToList(),
        Information = ps.Streams.Information.Select(v => v.MessageData?.ToString() ?? "").ToList(),
        Progress = ps.Streams.Progress.ToList(),
        Terminating = terminating,
    };

    /// <summary>Starts a script, presses Ctrl+C (PowerShell.Stop) once <paramref name="stopWhen"/> is true, and reports how long the stop took.</summary>
    public (PsResult Result, TimeSpan StopTook) RunAndStop(string script, Func<bool> stopWhen)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var output = new PSDataCollection<PSObject>();
        var running = ps.BeginInvoke<PSObject, PSObject>(null, output);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!stopWhen() && DateTime.UtcNow < deadline) Thread.Sleep(5);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        var stopTook = watch.Elapsed;
        RuntimeException? terminating = null;
        try { ps.EndInvoke(running); }
        catch (RuntimeException ex) { terminating = ex; }
        return (Collect(ps, output, terminating), stopTook);
    }

    public void Dispose() => _runspace.Dispose();
}
