using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace OmiseLinks.UnitTests;

/// <summary>
/// src/OmiseLinks/OmiseLinks.Preflight.ps1, a nested module of the manifest, which Windows PowerShell 5.1 runs before it
/// loads OmiseLinks.dll. Its decision is run here with the release numbers of each .NET Framework; the engine behaviour it
/// relies on (nested modules load before the root module, and a throw there stops Import-Module) is shown with
/// PowerShell 7.6's engine, the same manifest-processing code as 5.1's but not 5.1 itself.
/// </summary>
public class PreflightScriptTests
{
    private static readonly string ScriptPath = Path.Combine(RepoRoot(), "src", "OmiseLinks", "OmiseLinks.Preflight.ps1");

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "OmiseLinks.psd1"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }

    private static PowerShell NewShell()
    {
        var iss = InitialSessionState.CreateDefault2();
        var ps = PowerShell.Create(iss);
        return ps;
    }

    /// <summary>Runs the script's decision function alone, as a 5.1 session would, with the given inputs.</summary>
    private static string? Problem(string edition, object? release)
    {
        var ast = Parser.ParseFile(ScriptPath, out _, out var errors);
        Assert.Empty(errors);
        var function = (FunctionDefinitionAst)ast.Find(a => a is FunctionDefinitionAst f && f.Name == "Get-OmiseLinksFrameworkProblem", true)!;
        using var ps = NewShell();
        ps.AddScript(function.Extent.Text + "\nGet-OmiseLinksFrameworkProblem -Edition $args[0] -Release $args[1]").AddArgument(edition).AddArgument(release);
        var output = ps.Invoke();
        Assert.False(ps.HadErrors);
        return output.Count == 0 || output[0] == null ? null : output[0].ToString();
    }

    [Theory]
    [InlineData(394802, ".NET Framework 4.6.2")]
    [InlineData(394806, ".NET Framework 4.6.2")]
    [InlineData(394254, ".NET Framework 4.6.1")]
    [InlineData(460798, ".NET Framework 4.7")]
    [InlineData(460805, ".NET Framework 4.7")]
    [InlineData(461308, ".NET Framework 4.7.1")]
    [InlineData(461310, ".NET Framework 4.7.1")]
    [InlineData(379893, ".NET Framework 4.5.2")]
    [InlineData(378389, ".NET Framework 4.5 or older")]
    public void Windows_PowerShell_on_a_NET_Framework_older_than_4_7_2_gets_a_clear_message(int release, string name)
    {
        var problem = Problem("Desktop", release);
        Assert.NotNull(problem);
        Assert.Contains("needs .NET Framework 4.7.2 or later", problem);
        Assert.Contains(name + " (release " + release + ")", problem);
        Assert.Contains("PowerShell 7", problem);
    }

    /// <summary>Runs the script's PowerShell version decision alone with the given inputs.</summary>
    private static string? PowerShellProblem(string edition, string version)
    {
        var ast = Parser.ParseFile(ScriptPath, out _, out var errors);
        Assert.Empty(errors);
        var function = (FunctionDefinitionAst)ast.Find(a => a is FunctionDefinitionAst f && f.Name == "Get-OmiseLinksPowerShellProblem", true)!;
        using var ps = NewShell();
        var v = Version.Parse(version.Split('-')[0]);
        ps.AddScript(function.Extent.Text + "\nGet-OmiseLinksPowerShellProblem -Edition $args[0] -Major $args[1] -Minor $args[2] -Version $args[3]")
            .AddArgument(edition).AddArgument(v.Major).AddArgument(v.Minor).AddArgument(version);
        var output = ps.Invoke();
        Assert.False(ps.HadErrors);
        return output.Count == 0 || output[0] == null ? null : output[0].ToString();
    }

    [Theory]
    [InlineData("7.0.13")]
    [InlineData("7.1.7")]
    [InlineData("7.2.24")] // Azure Automation's PowerShell 7.2 runtime
    [InlineData("7.3.12")]
    [InlineData("7.3.0-preview.1")]
    public void PowerShell_7_0_to_7_3_is_refused_with_a_message_naming_7_4_and_Azure_Automations_runtime(string version)
    {
        var problem = PowerShellProblem("Core", version);
        Assert.NotNull(problem);
        Assert.Contains("needs PowerShell 7.4 or later", problem);
        Assert.Contains("this is PowerShell " + version, problem);
        Assert.Contains("Azure Automation", problem);
        Assert.Contains("runtime environment with PowerShell 7.4", problem);
    }

    [Theory]
    [InlineData("Core", "7.4.0")]
    [InlineData("Core", "7.5.1")]
    [InlineData("Core", "7.6.9")]
    [InlineData("Core", "8.0.0")]
    [InlineData("Desktop", "5.1.19041.5247")]
    public void PowerShell_7_4_and_later_and_Windows_PowerShell_pass_the_version_check(string edition, string version)
    {
        Assert.Null(PowerShellProblem(edition, version));
    }

    [Fact]
    public void A_PowerShell_version_refusal_stops_the_import_before_the_root_module()
    {
        var script = File.ReadAllText(ScriptPath);
        const string call = "$tooOld = Get-OmiseLinksPowerShellProblem -Edition $edition -Major $version.Major -Minor $version.Minor -Version ([string] $version)";
        Assert.Contains(call, script);

        var output = ImportProbeWith(script.Replace(call, "$tooOld = Get-OmiseLinksPowerShellProblem -Edition 'Core' -Major 7 -Minor 2 -Version '7.2.24'"));

        Assert.StartsWith("PowerShellTooOld,", output[0]);
        Assert.Contains("this is PowerShell 7.2.24", output[1]);
        Assert.Equal("False", output[2]);
        Assert.Equal("False", output[3]);
    }

    /// <summary>
    /// Imports a probe module whose nested module is <paramref name="preflight"/> (before its root module) and returns: the
    /// import's error id or 'imported', the error's message, whether the root module ran, whether the module is loaded.
    /// </summary>
    private static string[] ImportProbeWith(string preflight)
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("omiselinks-preflight-").FullName, "Probe");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "OmiseLinks.Preflight.ps1"), preflight);
            File.WriteAllText(Path.Combine(folder, "Probe.psm1"), "$global:ProbeRootModuleLoaded = $true");
            File.WriteAllText(Path.Combine(folder, "Probe.psd1"),
                "@{ ModuleVersion = '1.0'; RootModule = 'Probe.psm1'; NestedModules = @('OmiseLinks.Preflight.ps1'); FunctionsToExport = @() }");

            using var ps = NewShell();
            // No -ErrorAction Stop: the throw must stop the import by itself, as it would in a plain Import-Module.
            ps.AddScript("try { Import-Module $args[0]; 'imported' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }; " +
                         "[bool]$global:ProbeRootModuleLoaded; [bool](Get-Module Probe)").AddArgument(Path.Combine(folder, "Probe.psd1"));
            return ps.Invoke().Select(o => o.ToString()).ToArray();
        }
        finally { Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true); }
    }

    [Theory]
    [InlineData("Desktop", 461808)] // 4.7.2 on Windows 10 1803
    [InlineData("Desktop", 461814)] // 4.7.2 elsewhere
    [InlineData("Desktop", 528040)] // 4.8
    [InlineData("Desktop", 533320)] // 4.8.1
    [InlineData("Desktop", "528372")] // the registry value read as text
    [InlineData("Desktop", null)]   // not readable: let the import try
    [InlineData("Desktop", "junk")]
    [InlineData("Core", 394802)]    // PowerShell 7 never asks
    public void Supported_or_unknown_runtimes_pass(string edition, object? release)
    {
        Assert.Null(Problem(edition, release));
    }

    [Fact]
    public void On_PowerShell_7_the_whole_script_does_nothing_and_leaves_nothing_behind()
    {
        using var ps = NewShell();
        ps.AddScript(". $args[0]; " +
                     "foreach ($candidate in 'edition', 'release', 'problem', 'exception', 'record', 'number', 'name', 'version', 'tooOld') { " +
                     "  if ($null -ne $ExecutionContext.SessionState.PSVariable.Get($candidate)) { 'variable ' + $candidate } }; " +
                     "if ($ExecutionContext.InvokeCommand.GetCommand('Get-OmiseLinksFrameworkProblem', 'Function')) { 'function' }; " +
                     "if ($ExecutionContext.InvokeCommand.GetCommand('Get-OmiseLinksPowerShellProblem', 'Function')) { 'function' }")
            .AddArgument(ScriptPath);
        var output = ps.Invoke();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        Assert.Empty(output); // even dot-sourced, nothing leaks out of its script block
    }

    private static string ForcedToFail() =>
        File.ReadAllText(ScriptPath).Replace("$problem = Get-OmiseLinksFrameworkProblem -Edition $edition -Release $release",
            "$problem = Get-OmiseLinksFrameworkProblem -Edition 'Desktop' -Release 394802");

    [Fact]
    public void The_check_runs_before_the_root_module_and_its_throw_stops_the_import()
    {
        Assert.Contains("-Release 394802", ForcedToFail());

        var output = ImportProbeWith(ForcedToFail());

        Assert.StartsWith("DotNetFrameworkTooOld,", output[0]);
        Assert.Contains(".NET Framework 4.6.2 (release 394802)", output[1]);
        Assert.Equal("False", output[2]); // the root module never ran
        Assert.Equal("False", output[3]); // and nothing is imported
    }

    [Fact]
    public void The_built_module_imports_with_the_check_as_a_nested_module_and_a_failing_check_imports_nothing()
    {
        var built = Path.Combine(RepoRoot(), "out", "OmiseLinks");
        var copy = Path.Combine(Directory.CreateTempSubdirectory("omiselinks-layout-").FullName, "OmiseLinks");
        try
        {
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(built)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            File.WriteAllText(Path.Combine(copy, "OmiseLinks.Preflight.ps1"), ForcedToFail());

            using var ps = NewShell();
            ps.AddScript("Import-Module $args[0]; (Get-Module OmiseLinks).NestedModules.Name; " +
                         "(Get-Module OmiseLinks).ExportedCmdlets.ContainsKey('New-OmiseLink'); " +
                         "Remove-Module OmiseLinks; try { Import-Module $args[1]; 'imported' } catch { $_.FullyQualifiedErrorId }; " +
                         "[bool](Get-Module OmiseLinks); [bool](Get-Command New-OmiseLink -ErrorAction Ignore)")
                .AddArgument(Path.Combine(built, "OmiseLinks.psd1")).AddArgument(Path.Combine(copy, "OmiseLinks.psd1"));
            var output = ps.Invoke().Select(o => o.ToString()).ToArray();

            Assert.Equal(["OmiseLinks.Preflight", "True"], output[..2]);
            Assert.StartsWith("DotNetFrameworkTooOld,", output[2]);
            Assert.Equal(["False", "False"], output[3..]);
        }
        finally { Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true); }
    }
}
