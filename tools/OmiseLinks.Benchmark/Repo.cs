using System.Reflection;

namespace OmiseLinks.Benchmark;

/// <summary>Where the built pieces are: the module in out/OmiseLinks, the emulator under its own bin folder.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ModuleManifest => Path.Combine(Root, "out", "OmiseLinks", "OmiseLinks.psd1");

    /// <summary>The emulator built in the same configuration as this tool (the ProjectReference builds it).</summary>
    public static string EmulatorDll
    {
        get
        {
            var configuration = typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var path = Path.Combine(Root, "tests", "Omise.Emulator", "bin", configuration, "net10.0", "Omise.Emulator.dll");
            if (!File.Exists(path))
                throw new FileNotFoundException($"The emulator is not built at {path}: run 'dotnet build -c {configuration} tools/OmiseLinks.Benchmark'.", path);
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Omise.PowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("Omise.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}
