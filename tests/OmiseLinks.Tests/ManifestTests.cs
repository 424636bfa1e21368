using System.Collections;
using System.Management.Automation;
using System.Xml.Linq;

namespace OmiseLinks.Tests;

/// <summary>
/// The built manifest (out/OmiseLinks/OmiseLinks.psd1) as PowerShell itself reads it, with what the PowerShell Gallery
/// and both editions need from it.
/// </summary>
public class ManifestTests
{
    private static PSObject TestedManifest(HostedPowerShell shell)
    {
        shell.SetVariable("manifestPath", Repo.ModuleManifest);
        var result = shell.Run("Test-ModuleManifest -Path $manifestPath");
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        return Assert.Single(result.Output);
    }

    private static string[] Strings(object? value) =>
        value is IEnumerable items && value is not string ? items.Cast<object>().Select(o => o.ToString()!).ToArray() : [];

    [Fact]
    public void The_manifest_is_valid_and_carries_the_version_from_Directory_Build_props()
    {
        var expected = XDocument.Load(Path.Combine(Repo.Root, "Directory.Build.props"))
            .Descendants("OmiseLinksVersion").Single().Value.Trim();
        using var shell = new HostedPowerShell();
        var manifest = TestedManifest(shell);

        Assert.Equal(Version.Parse(expected), manifest.Properties["Version"].Value);
        Assert.Equal("OmiseLinks", manifest.Properties["Name"].Value);
        Assert.Equal("OmiseLinks.dll", manifest.Properties["RootModule"].Value);
        Assert.Equal(new Version(5, 1), manifest.Properties["PowerShellVersion"].Value);
        Assert.False(string.IsNullOrWhiteSpace((string)manifest.Properties["Description"].Value));
        Assert.False(string.IsNullOrWhiteSpace((string)manifest.Properties["Author"].Value));
    }

    [Fact]
    public void Both_editions_are_declared()
    {
        using var shell = new HostedPowerShell();
        var manifest = TestedManifest(shell);
        var editions = Strings(manifest.Properties["CompatiblePSEditions"].Value);
        Assert.Equal(["Core", "Desktop"], editions.Order());
    }

    [Fact]
    public void The_manifest_exports_exactly_the_cmdlet_classes_of_the_module_and_the_import_agrees()
    {
        using var shell = new HostedPowerShell();
        var manifest = TestedManifest(shell);
        var declared = Strings(((IDictionary)manifest.Properties["ExportedCmdlets"].Value).Keys);
        var imported = shell.Run("(Get-Module OmiseLinks).ExportedCmdlets.Keys").Output.Select(o => o.ToString()).ToArray();
        var classes = shell.Run("""
            foreach ($type in (Get-Module OmiseLinks).ImplementingAssembly.GetExportedTypes()) {
                foreach ($cmdlet in $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)) {
                    '{0}-{1}' -f $cmdlet.VerbName, $cmdlet.NounName
                }
            }
            """).Output.Select(o => o.ToString()).ToArray();

        Assert.Contains("Connect-Omise", classes);
        Assert.Equal(classes.Order(), declared.Order());
        Assert.Equal(classes.Order(), imported.Order());
        Assert.Empty(Strings(((IDictionary)manifest.Properties["ExportedFunctions"].Value).Keys));
        Assert.Empty(Strings(((IDictionary)manifest.Properties["ExportedAliases"].Value).Keys));
    }

    [Fact]
    public void Gallery_metadata_has_edition_and_platform_tags_and_project_license_and_release_notes()
    {
        using var shell = new HostedPowerShell();
        var manifest = TestedManifest(shell);
        var tags = Strings(manifest.Properties["Tags"].Value);

        Assert.Superset(new HashSet<string> { "PSEdition_Desktop", "PSEdition_Core", "Windows", "Linux", "MacOS" }, new HashSet<string>(tags));
        Assert.All(tags, t => Assert.DoesNotContain(' ', t));
        Assert.Equal("https", ((Uri)manifest.Properties["ProjectUri"].Value).Scheme);
        Assert.EndsWith("/LICENSE", ((Uri)manifest.Properties["LicenseUri"].Value).AbsolutePath);
        Assert.Contains("CHANGELOG.md", (string)manifest.Properties["ReleaseNotes"].Value);
        // The icon the Gallery shows is the repository's own file, at the path the raw address names.
        var icon = (Uri)manifest.Properties["IconUri"].Value;
        Assert.Equal("https", icon.Scheme);
        Assert.EndsWith("/main/docs/images/OmiseLinks.png", icon.AbsolutePath);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "docs", "images", "OmiseLinks.png")));
        Assert.StartsWith("https://", (string)manifest.Properties["HelpInfoUri"].Value);
    }
}
