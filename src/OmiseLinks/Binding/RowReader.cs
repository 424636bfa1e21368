using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Reads an input row (a CSV row, or any object) the way PowerShell binds parameters by property name: by the
    /// parameter's name or one of its [Alias] names, any case. The names come from the cmdlet's own declarations, so
    /// there is one list. Also tells a wholly blank row (Excel's trailing ",,,," lines) and finds the column that was
    /// probably meant when a required one is missing ("amount " with a trailing space, "Amount (satang)").
    /// </summary>
    internal sealed class RowReader
    {
        private readonly Dictionary<string, string[]> _names = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

        public RowReader(Type cmdlet)
        {
            foreach (var property in cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttributes<ParameterAttribute>().FirstOrDefault() == null) continue;
                var aliases = property.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames);
                _names[property.Name] = new[] { property.Name }.Concat(aliases).ToArray();
                foreach (var name in _names[property.Name]) _allNames.Add(name);
            }
        }

        private readonly HashSet<string> _allNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether a column of that name feeds one of the command's parameters (by name or alias).</summary>
        public bool IsParameterColumn(string column) => _allNames.Contains(column);

        /// <summary>The value of the row's column for <paramref name="parameter"/>; null when the row has no such column.</summary>
        public object? Get(PSObject? row, string parameter)
        {
            if (row == null) return null;
            foreach (var name in _names[parameter])
            {
                var property = row.Properties[name];
                if (property == null) continue;
                try
                {
                    var value = property.Value;
                    return value is PSObject ps && !(ps.BaseObject is PSCustomObject) ? ps.BaseObject : value;
                }
                catch (Exception) { return null; }
            }
            return null;
        }

        /// <summary>
        /// Every column of the row that feeds <paramref name="parameter"/> (its name or any alias, any case), in the row's
        /// column order, with its value. PowerShell's binder takes one of them; a row can hold several (Amount and
        /// AmountSatang), and they must agree.
        /// </summary>
        public IReadOnlyList<(string Name, object? Value)> Cells(PSObject? row, string parameter)
        {
            var cells = new List<(string, object?)>();
            if (row == null) return cells;
            var names = _names[parameter];
            foreach (var property in row.Properties)
            {
                if (!names.Contains(property.Name, StringComparer.OrdinalIgnoreCase)) continue;
                object? value;
                try { value = property.Value; }
                catch (Exception) { continue; }
                cells.Add((property.Name, value is PSObject ps && !(ps.BaseObject is PSCustomObject) ? ps.BaseObject : value));
            }
            return cells;
        }

        /// <summary>A row whose every cell is empty or white space, as Excel writes trailing rows (",,,,").</summary>
        public static bool IsBlank(PSObject? row)
        {
            if (row == null || !(row.BaseObject is PSCustomObject)) return false;
            var any = false;
            foreach (var property in row.Properties)
            {
                any = true;
                object? value;
                try { value = property.Value; }
                catch (Exception) { return false; }
                if (value is PSObject ps) value = ps.BaseObject;
                if (value == null) continue;
                if (value is string text && text.Trim().Length == 0) continue;
                return false;
            }
            return any;
        }

        /// <summary>
        /// Says why the row has no <paramref name="parameter"/>: the column that looks like it (and what is wrong with its
        /// name), or the names that would be read and the columns the row has.
        /// </summary>
        public string Missing(PSObject? row, string parameter)
        {
            var names = _names[parameter];
            var wanted = names.Select(Normalize).ToArray();
            var columns = row?.Properties.Select(p => p.Name).ToList() ?? new List<string>();
            var nearMiss = columns.FirstOrDefault(c => wanted.Contains(Normalize(c)))
                ?? columns.FirstOrDefault(c => Normalize(c).Length > 0 && wanted.Any(w => Normalize(c).StartsWith(w, StringComparison.Ordinal)));
            var accepted = string.Join(", ", names.Where(n => n.IndexOf(' ') < 0).Take(4));
            if (columns.Count == 1 && (columns[0].IndexOf(';') >= 0 || columns[0].IndexOf('\t') >= 0))
            {
                var separator = columns[0].IndexOf(';') >= 0 ? "';'" : "\"`t\"";
                return $"{parameter} is missing: the file's header reads as one column, '{columns[0]}': its columns are separated by {separator}, " +
                    $"not commas. Read it with Import-Csv -Delimiter {separator}.";
            }
            if (nearMiss != null && parameter == "Amount" && InCurrencyUnits(nearMiss))
            {
                // "Amount (THB)" holds baht: renamed to amount it would be read as satang, a hundredth of the sum.
                return $"Amount is missing: the column '{nearMiss}' looks like an amount in currency units (1500.50 baht), not in the " +
                    "smallest unit that an amount column holds (150050 satang). Rename that header to price: a price is converted " +
                    "exactly to the smallest unit. Renaming it to amount would read 1500 baht as 15.00 THB.";
            }
            if (nearMiss != null)
            {
                return $"{parameter} is missing: the column '{nearMiss}' looks like it but is not read as {parameter.ToLowerInvariant()} " +
                    $"({Why(nearMiss)}). Rename that header to {parameter.ToLowerInvariant()} (also read: {accepted}).";
            }
            if (row == null || columns.Count == 0)
                return $"{parameter} is missing. Give -{parameter}, or pipe rows with {Article(parameter)} {parameter.ToLowerInvariant()} column.";
            return $"{parameter} is missing: the row has no {parameter.ToLowerInvariant()} column (read from: {accepted}). " +
                $"Its columns are: {string.Join(", ", columns.Select(c => "'" + c + "'"))}.";
        }

        private static string Article(string word) => "aeiouAEIOU".IndexOf(word[0]) >= 0 ? "an" : "a";

        /// <summary>A header that names a currency or its major unit ("Amount (THB)", "Amount in baht") rather than satang or cents.</summary>
        private static bool InCurrencyUnits(string header)
        {
            var lower = header.ToLowerInvariant();
            if (lower.Contains("satang") || lower.Contains("cent") || lower.Contains("minor") || lower.Contains("สตางค์")) return false;
            foreach (var unit in new[] { "thb", "baht", "บาท", "฿", "jpy", "yen", "¥", "usd", "$", "sgd", "myr", "ringgit" })
                if (lower.Contains(unit)) return true;
            return false;
        }

        private static string Why(string column)
        {
            if (column.Trim() != column) return "its header has a space before or after it";
            if (column.IndexOf('(') >= 0) return "its header carries a note in parentheses";
            return "its header is spelled differently";
        }

        private static string Normalize(string name)
        {
            var cut = name.IndexOf('(');
            if (cut >= 0) name = name.Substring(0, cut);
            var sb = new StringBuilder(name.Length);
            foreach (var c in name)
                if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            return sb.ToString();
        }
    }
}
