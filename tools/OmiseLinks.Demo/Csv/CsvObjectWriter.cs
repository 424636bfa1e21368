using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace OmiseLinks.Demo.Csv;

/// <summary>
/// Writes objects as Export-Csv -NoTypeInformation does in PowerShell 7: the first object's property names make the
/// header, every name and value is quoted (a quote inside is doubled), a $null or missing value is an empty unquoted
/// field, and a later object's extra properties are left out. One difference, on purpose: values are written
/// culture-invariant, and dates in ISO 8601 round-trip form (2026-03-20T10:07:38.0000000Z), where Export-Csv uses the
/// current culture's ToString().
/// </summary>
public sealed class CsvObjectWriter
{
    private readonly TextWriter _writer;
    private readonly char _delimiter;
    private readonly StringBuilder _line = new();
    private string[]? _header;

    public CsvObjectWriter(TextWriter writer, char delimiter = ',')
    {
        _writer = writer;
        _delimiter = delimiter;
    }

    /// <summary>Opens a file the way Export-Csv does by default: created or overwritten, UTF-8 without a byte order mark.</summary>
    public static StreamWriter CreateFile(string path) => new(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    public IReadOnlyList<string>? Header => _header;

    public void Write(PSObject item)
    {
        if (_header == null)
        {
            _header = PropertyNames(item);
            WriteLine(_header);
        }
        var values = new string?[_header.Length];
        for (var i = 0; i < _header.Length; i++) values[i] = TextOf(item, _header[i]);
        WriteLine(values);
    }

    /// <summary>The names of an object's properties, in the order PowerShell lists them (added ones first).</summary>
    public static string[] PropertyNames(PSObject item)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in item.Properties)
            if (seen.Add(property.Name)) names.Add(property.Name);
        return names.ToArray();
    }

    private static string? TextOf(PSObject item, string name)
    {
        try
        {
            return Text(item.Properties[name]?.Value);
        }
        catch (Exception ex) when (ex is GetValueException or GetValueInvocationException or ExtendedTypeSystemException)
        {
            return null; // a property that throws when read is written as an empty field, as Export-Csv does
        }
    }

    /// <summary>How one value is written: culture-invariant, dates in round-trip form.</summary>
    public static string? Text(object? value)
    {
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        return value switch
        {
            null => null,
            string s => s,
            DateTime d => d.ToString("o", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("o", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }

    private void WriteLine(IReadOnlyList<string?> fields)
    {
        _line.Clear();
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) _line.Append(_delimiter);
            var field = fields[i];
            if (field == null) continue;
            _line.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
        }
        _writer.WriteLine(_line.ToString());
    }
}
