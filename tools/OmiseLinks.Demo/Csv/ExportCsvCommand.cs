using System.Management.Automation;

namespace OmiseLinks.Demo.Csv;

/// <summary>
/// Stand-in for PowerShell's Export-Csv, which the hosted engine from NuGet does not have. Writes each object as it
/// arrives (see <see cref="CsvObjectWriter"/> for the format). -NoTypeInformation is accepted and, as in
/// PowerShell 7, changes nothing: no #TYPE line is ever written.
/// </summary>
[Cmdlet(VerbsData.Export, "Csv")]
public sealed class ExportCsvCommand : PSCmdlet, IDisposable
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Position = 1)]
    public char Delimiter { get; set; } = ',';

    [Parameter]
    [Alias("NTI")]
    public SwitchParameter NoTypeInformation { get; set; }

    private StreamWriter? _file;
    private CsvObjectWriter? _csv;

    protected override void BeginProcessing()
    {
        var fullPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        _file = CsvObjectWriter.CreateFile(fullPath);
        _csv = new CsvObjectWriter(_file, Delimiter);
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        _csv!.Write(InputObject);
    }

    protected override void EndProcessing() => Dispose();

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
