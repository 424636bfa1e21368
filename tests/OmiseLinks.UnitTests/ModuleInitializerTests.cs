using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace OmiseLinks.UnitTests;

/// <summary>
/// The decisions the module makes when Windows PowerShell 5.1 imports it. The .NET Framework path itself cannot run
/// here (no Windows PowerShell), so its inputs are handed in as parameters; the rest runs for real on .NET 10.
/// </summary>
public class ModuleInitializerTests
{
    private static readonly string ModuleFolder = Path.Combine(Path.GetTempPath(), "Modules", "OmiseLinks", "1.0.0");

    [Theory]
    [InlineData(".NET Framework 4.8.9290.0", true)]
    [InlineData(".NET Framework 4.7.3190.0", true)]
    [InlineData(".NET 8.0.11", false)]
    [InlineData(".NET 10.0.0", false)]
    [InlineData(".NET Core 3.1.32", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_the_NET_Framework_counts_as_Windows_PowerShell(string? description, bool expected)
    {
        Assert.Equal(expected, ModuleInitializer.IsNetFramework(description));
    }

    [Fact]
    public void The_runtime_these_tests_run_on_is_not_the_NET_Framework()
    {
        Assert.False(ModuleInitializer.IsNetFramework(RuntimeInformation.FrameworkDescription));
    }

#pragma warning disable CS0618 // Ssl3 | Tls is what Windows PowerShell 5.1 starts with on many machines
    [Theory]
    [InlineData(SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls, SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls | SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls11, SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls12, SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13, SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13)]
    [InlineData(SecurityProtocolType.Tls13, SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13)]
    public void Tls12_is_added_and_no_enabled_protocol_is_taken_away(SecurityProtocolType current, SecurityProtocolType expected)
    {
        Assert.Equal(expected, ModuleInitializer.WithTls12(current));
    }
#pragma warning restore CS0618

    [Fact]
    public void SystemDefault_is_left_for_the_operating_system_to_choose()
    {
        Assert.Equal(SecurityProtocolType.SystemDefault, ModuleInitializer.WithTls12(SecurityProtocolType.SystemDefault));
    }

    private static AssemblyName Name(string displayName) => new(displayName);

    private const string MsToken = "cc7b13ffcd2ddd51";
    private const string FxToken = "b03f5f7f11d50a3a";

    /// <summary>What out/OmiseLinks holds (System.Text.Json 8.0.5 and its netstandard2.0 closure), with the assembly versions inside the files.</summary>
    private static readonly AssemblyName[] Shipped =
    [
        Name("OmiseLinks, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"),
        Name("Omise.Core, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"),
        Name($"System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken={MsToken}"),
        Name($"System.Text.Encodings.Web, Version=8.0.0.0, Culture=neutral, PublicKeyToken={MsToken}"),
        Name($"Microsoft.Bcl.AsyncInterfaces, Version=8.0.0.0, Culture=neutral, PublicKeyToken={MsToken}"),
        Name($"System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken={MsToken}"),
        Name($"System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken={MsToken}"),
        Name($"System.Numerics.Vectors, Version=4.1.3.0, Culture=neutral, PublicKeyToken={FxToken}"),
        Name($"System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, Culture=neutral, PublicKeyToken={FxToken}"),
        Name($"System.Threading.Tasks.Extensions, Version=4.2.0.1, Culture=neutral, PublicKeyToken={MsToken}"),
    ];

    [Theory]
    // The module's own assemblies asking for each other.
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=" + MsToken, "System.Text.Json.dll")]
    [InlineData("Omise.Core, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", "Omise.Core.dll")]
    // System.Memory 4.0.1.2 (from the module folder, or bound from the GAC) asks for the Unsafe and Buffers it was built against.
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=" + FxToken, "System.Runtime.CompilerServices.Unsafe.dll")]
    [InlineData("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=" + MsToken, "System.Buffers.dll")]
    [InlineData("System.Numerics.Vectors, Version=4.1.3.0, Culture=neutral, PublicKeyToken=" + FxToken, "System.Numerics.Vectors.dll")]
    // Another module built against an older System.Text.Json, any case, or a partial name.
    [InlineData("system.text.json, Version=6.0.0.0, Culture=neutral, PublicKeyToken=" + MsToken, "System.Text.Json.dll")]
    [InlineData("System.Memory", "System.Memory.dll")]
    public void A_shipped_assembly_at_the_shipped_version_or_older_is_answered_whoever_asks(string requested, string file)
    {
        Assert.Equal(Path.Combine(ModuleFolder, file), ModuleInitializer.ShouldResolve(requested, ModuleFolder, Shipped));
    }

    [Theory]
    [InlineData("System.Text.Json, Version=9.0.0.0, Culture=neutral, PublicKeyToken=" + MsToken)]        // newer than shipped
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=6.0.1.0, Culture=neutral, PublicKeyToken=" + FxToken)]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef")]  // another publisher's look-alike
    [InlineData("System.Text.Json.resources, Version=8.0.0.0, Culture=de, PublicKeyToken=" + MsToken)]   // satellite resources
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=de, PublicKeyToken=" + MsToken)]
    [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("Newtonsoft.Json")]
    public void Newer_versions_look_alikes_resources_and_assemblies_not_shipped_are_left_to_others(string requested)
    {
        Assert.Null(ModuleInitializer.ShouldResolve(requested, ModuleFolder, Shipped));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("System.Text.Json, Version=not-a-version")]
    public void A_malformed_name_is_left_alone_instead_of_throwing(string? requested)
    {
        Assert.Null(ModuleInitializer.ShouldResolve(requested, ModuleFolder, Shipped));
    }

    [Fact]
    public void The_shipped_names_are_read_from_the_files_and_a_file_that_is_no_assembly_is_skipped()
    {
        var folder = Directory.CreateTempSubdirectory("omiselinks-shipped-").FullName;
        try
        {
            var built = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
            File.Copy(Path.Combine(built, "Omise.Core.dll"), Path.Combine(folder, "Omise.Core.dll"));
            File.Copy(Path.Combine(built, "Newtonsoft.Json.dll"), Path.Combine(folder, "Newtonsoft.Json.dll")); // a signed one
            File.WriteAllText(Path.Combine(folder, "native.dll"), "not an assembly");

            var names = ModuleInitializer.ReadShipped(folder);

            Assert.Equal(["Newtonsoft.Json", "Omise.Core"], names.Select(n => n.Name).Order());
            var signed = names.Single(n => n.Name == "Newtonsoft.Json");
            Assert.Equal("30ad4fe6b2a6aeed", Convert.ToHexString(signed.GetPublicKeyToken()!).ToLowerInvariant());
            Assert.Equal(Path.Combine(folder, "Newtonsoft.Json.dll"),
                ModuleInitializer.ShouldResolve("Newtonsoft.Json, Version=1.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed", folder, names));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void The_resolver_loads_a_shipped_assembly_from_its_folder_for_any_requester_and_nothing_newer()
    {
        // The test's output folder holds OmiseLinks.dll and Omise.Core.dll side by side, as the module folder does.
        var folder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        var resolver = new ModuleInitializer.DependencyResolver(folder);

        var forTheModule = resolver.Resolve(null, new ResolveEventArgs("Omise.Core, Version=1.0.0.0", typeof(ModuleInitializer).Assembly));
        var forAnother = resolver.Resolve(null, new ResolveEventArgs("Omise.Core, Version=0.9.0.0", typeof(object).Assembly));
        var withoutRequester = resolver.Resolve(null, new ResolveEventArgs("Omise.Core"));
        var newer = resolver.Resolve(null, new ResolveEventArgs("Omise.Core, Version=99.0.0.0", typeof(object).Assembly));

        Assert.NotNull(forTheModule);
        Assert.Equal(Path.Combine(folder, "Omise.Core.dll"), forTheModule!.Location);
        Assert.Same(forTheModule, forAnother);
        Assert.Same(forTheModule, withoutRequester);
        Assert.Null(newer);
    }

#pragma warning disable SYSLIB0014 // ServicePointManager: read here only to show that import leaves it alone on .NET
    [Fact]
    public void Importing_on_NET_hooks_nothing_and_leaves_TLS_and_the_connection_limit_alone()
    {
        var protocols = ServicePointManager.SecurityProtocol;
        var limit = ServicePointManager.DefaultConnectionLimit;
        var initializer = new ModuleInitializer();

        initializer.OnImport();
        var hookedAfterImport = ModuleInitializer.ResolverHooked;
        initializer.OnRemove(null!);

        Assert.False(hookedAfterImport);
        Assert.False(ModuleInitializer.ResolverHooked);
        Assert.Equal(protocols, ServicePointManager.SecurityProtocol);
        Assert.Equal(limit, ServicePointManager.DefaultConnectionLimit);
    }
#pragma warning restore SYSLIB0014
}
