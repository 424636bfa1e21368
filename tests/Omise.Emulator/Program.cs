using System.Runtime.InteropServices;

namespace Omise.Emulator;

/// <summary>The standalone emulator: <c>dotnet run --project tests/Omise.Emulator -- --urls http://127.0.0.1:5080</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!EmulatorCommandLine.TryParse(args, out var cmd, out var error))
        {
            Console.Error.WriteLine("Omise.Emulator: " + error);
            Console.Error.WriteLine(EmulatorCommandLine.Usage);
            return 2;
        }
        if (cmd.ShowHelp)
        {
            Console.WriteLine(EmulatorCommandLine.Usage);
            return 0;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            stop.TrySetResult();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var server = await EmulatorServer.StartAsync(cmd.Options);
        Console.Out.WriteLine($"Omise emulator listening on {server.BaseUri}  secret key: {server.SecretKey}");
        Console.Out.Flush();
        if (cmd.ReadyFile is { } readyFile)
        {
            var temp = readyFile + ".tmp";
            await File.WriteAllTextAsync(temp, server.BaseUri.ToString());
            File.Move(temp, readyFile, overwrite: true);
        }

        await stop.Task;
        return 0;
    }
}
