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

    private static readonly string[] Shipped =
    [
        "OmiseLinks.dll", "Omise.Core.dll", "System.Text.Json.dll", "System.Memory.dll",
        "System.Runtime.CompilerServices.Unsafe.dll", "Microsoft.Bcl.AsyncInterfaces.dll",
    ];

    private const string JsonRequest = "System.Text.Json, Version=8.0.0.5, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51";

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

    [Theory]
    [InlineData(2, 16)]
    [InlineData(10, 16)]
    [InlineData(16, 16)]
    [InlineData(64, 64)]
    [InlineData(int.MaxValue, int.MaxValue)]
    public void The_connection_limit_is_raised_to_16_and_never_lowered(int current, int expected)
    {
        Assert.Equal(expected, ModuleInitializer.RaisedConnectionLimit(current));
    }

    [Fact]
    public void A_dependency_asked_for_by_the_modules_own_assembly_loads_from_the_module_folder()
    {
        var requester = Path.Combine(ModuleFolder, "Omise.Core.dll");
        var path = ModuleInitializer.ShouldResolve(JsonRequest, requester, ModuleFolder, Shipped);
        Assert.Equal(Path.Combine(ModuleFolder, "System.Text.Json.dll"), path);
    }

    [Fact]
    public void A_dependency_of_a_dependency_in_the_folder_also_loads_from_there()
    {
        var requester = Path.Combine(ModuleFolder, "System.Text.Json.dll");
        var path = ModuleInitializer.ShouldResolve(
            "System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a",
            requester, ModuleFolder, Shipped);
        Assert.Equal(Path.Combine(ModuleFolder, "System.Runtime.CompilerServices.Unsafe.dll"), path);
    }

    [Fact]
    public void The_folder_is_compared_whole_without_regard_to_a_trailing_separator_or_case()
    {
        var requester = Path.Combine(ModuleFolder, "OmiseLinks.dll");
        var folderAsGiven = ModuleFolder.ToUpperInvariant() + Path.DirectorySeparatorChar;
        var path = ModuleInitializer.ShouldResolve("system.text.json", requester, folderAsGiven, Shipped);
        Assert.Equal(Path.Combine(folderAsGiven, "System.Text.Json.dll"), path);
    }

    [Fact]
    public void Another_modules_request_for_the_same_assembly_is_left_alone()
    {
        var otherModule = Path.Combine(Path.GetTempPath(), "Modules", "SomeOtherModule", "System.Text.Json.dll");
        Assert.Null(ModuleInitializer.ShouldResolve(JsonRequest, otherModule, ModuleFolder, Shipped));
    }

    [Fact]
    public void A_folder_whose_name_only_starts_like_the_module_folder_is_not_the_module_folder()
    {
        var lookalike = Path.Combine(ModuleFolder + "-copy", "Evil.dll");
        Assert.Null(ModuleInitializer.ShouldResolve(JsonRequest, lookalike, ModuleFolder, Shipped));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_request_with_no_known_requester_is_left_alone(string? requesterLocation)
    {
        Assert.Null(ModuleInitializer.ShouldResolve(JsonRequest, requesterLocation, ModuleFolder, Shipped));
    }

    [Theory]
    [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("OmiseLinks.resources, Version=1.0.0.0, Culture=en-US, PublicKeyToken=null")]
    [InlineData("Newtonsoft.Json")]
    public void An_assembly_the_module_does_not_ship_is_left_to_the_engine(string requested)
    {
        var requester = Path.Combine(ModuleFolder, "OmiseLinks.dll");
        Assert.Null(ModuleInitializer.ShouldResolve(requested, requester, ModuleFolder, Shipped));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("System.Text.Json, Version=not-a-version")]
    public void A_malformed_name_is_left_alone_instead_of_throwing(string? requested)
    {
        var requester = Path.Combine(ModuleFolder, "OmiseLinks.dll");
        Assert.Null(ModuleInitializer.ShouldResolve(requested, requester, ModuleFolder, Shipped));
    }

    [Fact]
    public void The_resolver_loads_a_shipped_assembly_for_the_module_and_nothing_for_others()
    {
        // The test's output folder holds OmiseLinks.dll and Omise.Core.dll side by side, as the module folder does.
        var folder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        var resolver = new ModuleInitializer.DependencyResolver(folder);

        var loaded = resolver.Resolve(null, new ResolveEventArgs("Omise.Core, Version=1.0.0.0", typeof(ModuleInitializer).Assembly));
        var forOthers = resolver.Resolve(null, new ResolveEventArgs("Omise.Core, Version=1.0.0.0", typeof(object).Assembly));
        var withoutRequester = resolver.Resolve(null, new ResolveEventArgs("Omise.Core, Version=1.0.0.0"));

        Assert.NotNull(loaded);
        Assert.Equal("Omise.Core", loaded!.GetName().Name);
        Assert.Equal(Path.Combine(folder, "Omise.Core.dll"), loaded.Location);
        Assert.Null(forOthers);
        Assert.Null(withoutRequester);
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
