using System.Management.Automation;
using System.Security;
using Omise.Emulator;

namespace OmiseLinks.Tests;

/// <summary>
/// One emulator on a free loopback port and one hosted PowerShell runspace with the module imported,
/// connected to it unless asked not to be. Each test gets its own, so counts and state never leak between tests.
/// </summary>
public sealed class TestBed : IAsyncDisposable
{
    private TestBed(EmulatorServer emulator, HostedPowerShell shell, VirtualClock? clock)
    {
        Emulator = emulator;
        Shell = shell;
        Clock = clock;
    }

    public EmulatorServer Emulator { get; }
    public HostedPowerShell Shell { get; }

    /// <summary>The virtual clock the emulator and every Connect-Omise of the runspace run on; null: the system clock.</summary>
    public VirtualClock? Clock { get; }

    /// <param name="virtualTime">
    /// Run the emulator and the module on one <see cref="VirtualClock"/>: every wait (settle, backoff, Retry-After,
    /// timeouts, the emulator's delays) passes as soon as everything waits, in the order of the waits' due times.
    /// </param>
    public static async Task<TestBed> StartAsync(EmulatorOptions? options = null, bool connect = true, bool virtualTime = false)
    {
        var clock = virtualTime ? new VirtualClock() : null;
        if (clock != null) (options ??= new EmulatorOptions()).TimeProvider = clock;
        var emulator = await EmulatorServer.StartAsync(options);
        var shell = new HostedPowerShell();
        if (clock != null) shell.UseClock(clock);
        var bed = new TestBed(emulator, shell, clock);
        shell.SetVariable("key", Secure(emulator.SecretKey));
        shell.SetVariable("api", emulator.BaseUri);
        if (connect)
        {
            var result = shell.Run("Connect-Omise -SecretKey $key -ApiUri $api");
            Assert.Null(result.Terminating);
            Assert.Empty(result.Errors);
            emulator.ResetStats();
        }
        return bed;
    }

    public PsResult Run(string script, object? input = null) => Shell.Run(script, input);

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>
    /// After an early end, every link the server holds was written to the output, named in <paramref name="told"/> (the
    /// warning or the summary line), or is one of the rows counted as in flight: a request cancelled after the server
    /// received it can still be stored, and then only that count can tell of it.
    /// </summary>
    public void AssertEveryStoredLinkAccountedFor(PsResult result, string told)
    {
        var written = result.Output.Select(o => (string)o.Properties["Id"].Value).ToHashSet();
        var lost = Emulator.Links.Where(l => !written.Contains(l.Id) && !told.Contains(l.Id)).ToList();
        var unnamed = lost.Count;
        var inFlight = System.Text.RegularExpressions.Regex.Match(told, @"(\d+) row\(s\) were in flight and may have a link");
        Assert.True(unnamed == 0 || (inFlight.Success && int.Parse(inFlight.Groups[1].Value) >= unnamed),
            $"{unnamed} stored link(s) (output {written.Count}) neither written, named nor counted in flight ({string.Join(", ", lost.Select(l => l.Id + " '" + l.Title + "'"))}): {told}");
    }

    /// <summary>A row as Import-Csv makes it: a PSCustomObject whose values are all strings.</summary>
    public static PSObject CsvRow(params (string Name, string Value)[] columns)
    {
        var row = new PSObject();
        foreach (var (name, value) in columns) row.Properties.Add(new PSNoteProperty(name, value));
        return row;
    }

    public async ValueTask DisposeAsync()
    {
        Shell.Dispose();
        await Emulator.DisposeAsync();
        Clock?.Dispose();
    }
}
