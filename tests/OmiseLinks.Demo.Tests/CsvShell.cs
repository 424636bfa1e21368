using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OmiseLinks.Demo;

namespace OmiseLinks.Demo.Tests;

/// <summary>
/// A runspace of the real engine with only the demo's Import-Csv and Export-Csv added, and a scratch directory
/// it starts in: what a user would type, run as the demo runs it.
/// </summary>
public sealed class CsvShell : IDisposable
{
    private readonly Runspace _runspace;

    public CsvShell()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("omiselinks-csv-").FullName;
        _runspace = RunspaceFactory.CreateRunspace(DemoRunner.CreateSessionState(importModule: false));
        _runspace.Open();
        _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(Directory));
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string WriteFile(string name, string text, bool bom = false)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(bom));
        return path;
    }

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public ShellResult Run(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        List<PSObject> output = [];
        RuntimeException? terminating = null;
        try
        {
            output = ps.Invoke().ToList();
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }
        return new ShellResult(output, ps.Streams.Error.ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), terminating);
    }

    public void Dispose()
    {
        _runspace.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

public sealed record ShellResult(List<PSObject> Output, List<ErrorRecord> Errors, List<string> Warnings, RuntimeException? Terminating)
{
    /// <summary>Each output object's properties as name/value pairs, in order.</summary>
    public List<List<(string Name, object? Value)>> Rows =>
        Output.Select(o => o.Properties.Select(p => (p.Name, (object?)p.Value)).ToList()).ToList();

    public void AssertClean()
    {
        Assert.Null(Terminating);
        Assert.Empty(Errors);
    }
}
