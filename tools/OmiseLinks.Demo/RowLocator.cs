using System.Management.Automation;

namespace OmiseLinks.Demo;

/// <summary>
/// Says which input row and which column an error record is about. New-OmiseLink makes the row itself the error's
/// target (and so does the engine when a row fails to bind), so the row is found by its values.
/// </summary>
internal sealed class RowLocator
{
    private const string ReferenceParameter = "Reference";
    private readonly List<PSObject> _rows;
    private readonly bool[] _claimed;
    private readonly Dictionary<string, string[]> _columnsOfParameter;

    /// <param name="rows">The input rows, as Import-Csv reads them.</param>
    /// <param name="columnsOfParameter">Each New-OmiseLink parameter with the names (itself and its aliases) a column may have.</param>
    public RowLocator(List<PSObject> rows, Dictionary<string, string[]> columnsOfParameter)
    {
        _rows = rows;
        _claimed = new bool[rows.Count];
        _columnsOfParameter = columnsOfParameter;
    }

    /// <summary>"row 4 (INV-0004), column 'amount': the message", as much of it as is known.</summary>
    public string Describe(ErrorRecord record)
    {
        var where = new List<string>();
        var index = FindRow(record.TargetObject);
        var row = index >= 0 ? _rows[index] : _rows.FirstOrDefault();
        if (index >= 0)
        {
            var reference = ColumnFor(row, ReferenceParameter) is { } refColumn ? row!.Properties[refColumn]?.Value as string : null;
            where.Add($"row {index + 1}" + (string.IsNullOrEmpty(reference) ? "" : $" ({reference})"));
        }
        var parameter = record.Exception is ParameterBindingException { ParameterName: { Length: > 0 } bound } ? bound : ParameterOfErrorId(record);
        if (parameter != null)
            where.Add(ColumnFor(row, parameter) is { } column ? $"column '{column}'" : $"parameter -{parameter}");
        return (where.Count > 0 ? string.Join(", ", where) + ": " : "") + DemoRunner.MessageOf(record);
    }

    /// <summary>New-OmiseLink checks a row's values itself: InvalidAmount, MissingCurrency... name the parameter.</summary>
    private string? ParameterOfErrorId(ErrorRecord record)
    {
        var id = record.FullyQualifiedErrorId.Split(',')[0];
        foreach (var prefix in new[] { "Invalid", "Missing" })
            if (id.StartsWith(prefix, StringComparison.Ordinal) && _columnsOfParameter.ContainsKey(id[prefix.Length..]))
                return id[prefix.Length..];
        return null;
    }

    private string? ColumnFor(PSObject? row, string parameter)
    {
        if (row == null || !_columnsOfParameter.TryGetValue(parameter, out var names)) return null;
        return row.Properties.Select(p => p.Name).FirstOrDefault(n => names.Contains(n, StringComparer.OrdinalIgnoreCase));
    }

    private int FindRow(object? target)
    {
        if (target is not PSObject candidate) return -1;
        var fallback = -1;
        for (var i = 0; i < _rows.Count; i++)
        {
            if (!SameValues(_rows[i], candidate)) continue;
            if (!_claimed[i])
            {
                _claimed[i] = true;
                return i;
            }
            if (fallback < 0) fallback = i;
        }
        return fallback;
    }

    private static bool SameValues(PSObject row, PSObject candidate)
    {
        var names = row.Properties.Select(p => p.Name).ToList();
        var candidateNames = candidate.Properties.Select(p => p.Name).ToList();
        if (!names.SequenceEqual(candidateNames, StringComparer.OrdinalIgnoreCase)) return false;
        return names.All(n => Equals(row.Properties[n].Value, candidate.Properties[n].Value));
    }
}
