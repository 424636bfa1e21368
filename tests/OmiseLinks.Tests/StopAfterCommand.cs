using System.Management.Automation;
using System.Reflection;

namespace OmiseLinks.Tests;

/// <summary>
/// Stop-After -Count n: passes n objects on, then stops the commands upstream the way Select-Object -First does
/// (the engine's StopUpstreamCommandsException, internal to it, so made by reflection). Select-Object itself is not
/// in the hosted engine.
/// </summary>
[Cmdlet("Stop", "After")]
public sealed class StopAfterCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public int Count { get; set; }

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    private int _seen;

    protected override void ProcessRecord()
    {
        WriteObject(InputObject);
        if (++_seen >= Count) throw StopUpstream();
    }

    private Exception StopUpstream()
    {
        var type = typeof(PSCmdlet).Assembly.GetType("System.Management.Automation.StopUpstreamCommandsException", throwOnError: true)!;
        return (Exception)Activator.CreateInstance(type, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic,
            null, new object[] { this }, null)!;
    }
}
