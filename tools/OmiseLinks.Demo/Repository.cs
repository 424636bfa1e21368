namespace OmiseLinks.Demo;

/// <summary>Where the demo finds the built module and the example invoices: from the repository it was built in.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string ModuleManifest => Path.Combine(Root, "out", "OmiseLinks", "OmiseLinks.psd1");

    public static string ExampleCsv => Path.Combine(Root, "examples", "invoices.csv");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Omise.PowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("Omise.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}
