using System.Management.Automation;

namespace OmiseLinks.Demo.Csv;

/// <summary>
/// Stand-in for PowerShell's Import-Csv, which the hosted engine from NuGet does not have (it ships in
/// Microsoft.PowerShell.Commands.Utility). Same name, same core parameters, same objects: one PSCustomObject
/// per row with string values, written to the pipeline as each row is read.
/// </summary>
[Cmdlet(VerbsData.Import, "Csv")]
[OutputType(typeof(PSCustomObject))]
public sealed class ImportCsvCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Position = 1)]
    public char Delimiter { get; set; } = ',';

    private bool _warnedDefaultNames;

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            var fullPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (!File.Exists(fullPath))
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"Cannot find the file '{fullPath}'.", fullPath),
                    "FileNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            using var reader = CsvObjectReader.OpenFile(fullPath);
            var csv = new CsvObjectReader(reader, Delimiter);
            try
            {
                foreach (var row in csv.ReadAll())
                {
                    WarnOnceAboutDefaultNames(csv);
                    WriteObject(row);
                }
            }
            catch (CsvFormatException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "RepeatedColumnName", ErrorCategory.InvalidData, path));
            }
        }
    }

    private void WarnOnceAboutDefaultNames(CsvObjectReader csv)
    {
        if (_warnedDefaultNames || !csv.UsedDefaultNames) return;
        _warnedDefaultNames = true;
        WriteWarning("One or more headers were not specified. Default names starting with \"H\" have been used in place of any missing headers.");
    }
}
