using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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

    /// <summary>Relative paths with '/' separators. System.Text.Json 8 on netstandard2.0 brings the seven assemblies after it.</summary>
    private static readonly string[] ShouldShip =
    [
        "OmiseLinks.psd1",
        "OmiseLinks.dll",
        "Omise.Core.dll",
        "OmiseLinks.Format.ps1xml",
        "OmiseLinks.Preflight.ps1",
        "LICENSE",
        "System.Text.Json.dll",
        "System.Text.Encodings.Web.dll",
        "Microsoft.Bcl.AsyncInterfaces.dll",
        "System.Buffers.dll",
        "System.Memory.dll",
        "System.Numerics.Vectors.dll",
        "System.Runtime.CompilerServices.Unsafe.dll",
        "System.Threading.Tasks.Extensions.dll",
        "QRCoder.dll",
        "Microsoft.Bcl.TimeProvider.dll",
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

    /// <summary>Assemblies the engine provides in both editions; every other reference must ship in the folder.</summary>
    private static readonly string[] FromTheEngine = ["netstandard", "mscorlib", "System.Management.Automation"];

    /// <summary>
    /// References left unshipped on purpose: QRCoder uses them only in code the module never runs (its Bitmap renderers
    /// and the RussiaPaymentOrder payload), and an assembly is loaded only when code that uses it runs.
    /// ExportOmiseLinkQRCodeTests checks that writing PNG and SVG codes loads neither.
    /// </summary>
    private static readonly string[] NeverLoaded = ["QRCoder -> System.Drawing.Common", "QRCoder -> System.Text.Encoding.CodePages"];

    private static (string Name, string[] References) ReadAssembly(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        var name = metadata.GetString(metadata.GetAssemblyDefinition().Name);
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToArray();
        return (name, references);
    }

    [Fact]
    public void Every_assembly_the_module_refers_to_ships_beside_it_and_every_shipped_assembly_is_used()
    {
        // Windows PowerShell resolves these from the folder (ModuleInitializer): a missing one fails there at run time.
        var assemblies = Directory.GetFiles(ModuleFolder, "*.dll").Select(ReadAssembly).ToDictionary(a => a.Name, a => a.References);
        // Each file is named after the assembly inside it, as the resolver expects.
        Assert.Equal(assemblies.Keys.Select(n => n + ".dll").Order(), Directory.GetFiles(ModuleFolder, "*.dll").Select(Path.GetFileName).Order());

        var missing = assemblies.SelectMany(a => a.Value.Where(r => !FromTheEngine.Contains(r) && !assemblies.ContainsKey(r)).Select(r => $"{a.Key} -> {r}"))
            .Except(NeverLoaded).ToArray();
        Assert.True(missing.Length == 0, "Referenced but not shipped: " + string.Join(", ", missing));

        var reachable = new HashSet<string>();
        var pending = new Stack<string>(["OmiseLinks"]);
        while (pending.Count > 0)
            if (pending.Pop() is var next && assemblies.ContainsKey(next) && reachable.Add(next))
                foreach (var reference in assemblies[next]) pending.Push(reference);
        var unused = assemblies.Keys.Except(reachable).ToArray();
        Assert.True(unused.Length == 0, "Shipped but never referenced from OmiseLinks.dll: " + string.Join(", ", unused));
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
