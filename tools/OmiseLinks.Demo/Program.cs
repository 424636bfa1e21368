using System.Text;

namespace OmiseLinks.Demo;

/// <summary>dotnet run --project tools/OmiseLinks.Demo: CSV in, payment links out, through the real PowerShell engine.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!DemoOptions.TryParse(args, Environment.GetEnvironmentVariable, out var options, out var error))
        {
            Console.Error.WriteLine("OmiseLinks.Demo: " + error);
            Console.Error.WriteLine(DemoOptions.Usage);
            return 2;
        }
        if (options.ShowHelp)
        {
            Console.WriteLine(DemoOptions.Usage);
            return 0;
        }

        // Thai titles must not come out as '?' on a Windows console.
        try { Console.OutputEncoding = new UTF8Encoding(false); } catch (Exception ex) when (ex is IOException or PlatformNotSupportedException) { }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var result = await DemoRunner.RunAsync(options, Console.Out, stop.Token);
        return result.ExitCode;
    }
}
