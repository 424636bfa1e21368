using System.Management.Automation;
using System.Text;

namespace OmiseLinks.Demo.Csv;

/// <summary>
/// Turns CSV text into the objects Import-Csv makes: one PSCustomObject per data row, one note property per header
/// column, every value a string. As Import-Csv does: lines starting with '#' before the header (#TYPE) are skipped,
/// trailing empty header names are dropped, other empty names become H1, H2, ..., a name repeated (ignoring case) is
/// an error, blank lines are skipped, a missing value is $null and values beyond the header are ignored.
/// </summary>
public sealed class CsvObjectReader
{
    private readonly CsvRecordReader _records;
    private string[]? _header;

    public CsvObjectReader(TextReader reader, char delimiter = ',')
    {
        _records = new CsvRecordReader(reader, delimiter);
    }

    /// <summary>
    /// Opens a file the way Import-Csv does by default: UTF-8, or the encoding its byte order mark names.
    /// Others may go on writing to it while it is read.
    /// </summary>
    public static StreamReader OpenFile(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);

    /// <summary>Reads a whole file (for callers outside PowerShell).</summary>
    public static List<PSObject> ReadFile(string path)
    {
        using var reader = OpenFile(path);
        return new CsvObjectReader(reader).ReadAll().ToList();
    }

    /// <summary>The column names, once the header has been read (null before, or for empty text).</summary>
    public IReadOnlyList<string>? Header => _header;

    /// <summary>True when some header names were empty and H1, H2, ... stand in for them.</summary>
    public bool UsedDefaultNames { get; private set; }

    /// <summary>The rows, one at a time as they are read.</summary>
    public IEnumerable<PSObject> ReadAll()
    {
        if (!ReadHeader()) yield break;
        while (_records.ReadRecord() is { } values)
        {
            if (values.Count == 1 && values[0].Length == 0) continue;
            yield return ToObject(values);
        }
    }

    private bool ReadHeader()
    {
        while (_records.ReadRecord() is { } names)
        {
            if (names.Count == 1 && names[0].Length == 0) continue;
            if (names[0].StartsWith('#')) continue;
            while (names.Count > 1 && names[^1].Length == 0) names.RemoveAt(names.Count - 1);
            var defaultIndex = 1;
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i].Length > 0) continue;
                names[i] = "H" + defaultIndex++;
                UsedDefaultNames = true;
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in names)
                if (!seen.Add(name)) throw new CsvFormatException($"The column name '{name}' appears more than once in the header.");
            _header = names.ToArray();
            return true;
        }
        return false;
    }

    private PSObject ToObject(List<string> values)
    {
        var row = new PSObject();
        for (var i = 0; i < _header!.Length; i++)
            row.Properties.Add(new PSNoteProperty(_header[i], i < values.Count ? values[i] : null));
        return row;
    }
}

/// <summary>CSV text that cannot become objects (a repeated column name).</summary>
public sealed class CsvFormatException(string message) : Exception(message);
