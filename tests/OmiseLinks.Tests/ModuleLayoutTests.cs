using System.Text;
using System.Text.RegularExpressions;

namespace OmiseLinks.Tests;

/// <summary>
/// out/OmiseLinks is what Publish-PSResource packs for the PowerShell Gallery, file for file. These tests read the
/// folder the build laid out, with no PowerShellGet involved.
/// </summary>
public class ModuleLayoutTests
{
    private static readonly string ModuleFolder = Path.GetDirectoryName(Repo.ModuleManifest)!;

    /// <summary>Relative paths with '/' separators. System.Text.Json 8 on netstandard2.0 brings the six assemblies after it.</summary>
    private static readonly string[] ShouldShip =
    [
        "OmiseLinks.psd1",
        "OmiseLinks.dll",
        "Omise.Core.dll",
        "OmiseLinks.Format.ps1xml",
        "LICENSE",
        "System.Text.Json.dll",
        "System.Text.Encodings.Web.dll",
        "Microsoft.Bcl.AsyncInterfaces.dll",
        "System.Buffers.dll",
        "System.Memory.dll",
        "System.Numerics.Vectors.dll",
        "System.Runtime.CompilerServices.Unsafe.dll",
        "System.Threading.Tasks.Extensions.dll",
        "en-US/OmiseLinks.dll-Help.xml",
        "en-US/about_OmiseLinks.help.txt",
    ];

    private static string[] Shipped() =>
        Directory.GetFiles(ModuleFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ModuleFolder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Nothing_ships_that_should_not_no_symbols_deps_files_engine_or_test_assemblies()
    {
        var extra = Shipped().Except(ShouldShip, StringComparer.Ordinal).ToArray();
        Assert.True(extra.Length == 0, "Files in out/OmiseLinks that must not ship: " + string.Join(", ", extra));
    }

    [Fact]
    public void Everything_the_module_needs_is_in_the_folder()
    {
        var missing = ShouldShip.Except(Shipped(), StringComparer.Ordinal).ToArray();
        Assert.True(missing.Length == 0, "Files missing from out/OmiseLinks: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_license_shipped_is_the_repositorys_MIT_license()
    {
        var shipped = File.ReadAllText(Path.Combine(ModuleFolder, "LICENSE"));
        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "LICENSE")), shipped);
        Assert.StartsWith("MIT License", shipped);
    }

    [Fact]
    public void No_shipped_file_holds_anything_shaped_like_a_secret_key()
    {
        // The prefix alone is fine (messages say "starts with skey_"); a prefix followed by key characters is not.
        var keyShape = new Regex("skey_(test_)?[0-9a-z]{8,}", RegexOptions.IgnoreCase);
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(ModuleFolder, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var text in new[] { Encoding.UTF8.GetString(bytes), Encoding.Unicode.GetString(bytes), Encoding.Unicode.GetString(bytes, 1, Math.Max(0, bytes.Length - 1)) })
                if (keyShape.IsMatch(text))
                    found.Add(Path.GetRelativePath(ModuleFolder, file));
        }
        Assert.True(found.Count == 0, "Key-shaped strings in out/OmiseLinks: " + string.Join(", ", found.Distinct()));
    }
}
