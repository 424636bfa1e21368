using System;
using System.Management.Automation;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Reads a yes/no the way a spreadsheet user means it. [bool]"false" is True in PowerShell; here
    /// true/false, yes/no, y/n, 1/0 and an empty cell (false) are accepted, any case, white space around ignored,
    /// and anything else is refused. The attribute serves -Multiple:$value on the command line; a CSV row's cell is
    /// read with <see cref="TryRead"/> in ProcessRecord, so a bad cell is that row's error.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class CsvBooleanAttribute : ArgumentTransformationAttribute
    {
        private readonly string _parameterName;

        public CsvBooleanAttribute(string parameterName) => _parameterName = parameterName;

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            if (TryRead(_parameterName, inputData, out var value, out var problem)) return new SwitchParameter(value);
            throw new ArgumentTransformationMetadataException(problem);
        }

        public static bool TryRead(string name, object? inputData, out bool result, out string? problem)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            problem = null;
            result = false;
            switch (value)
            {
                case null: return true;
                case bool b: result = b; return true;
                case SwitchParameter s: result = s.IsPresent; return true;
                case int i when i == 0 || i == 1: result = i == 1; return true;
                case string text:
                    switch (text.Trim().ToLowerInvariant())
                    {
                        case "": case "false": case "no": case "n": case "0": case "$false": return true;
                        case "true": case "yes": case "y": case "1": case "$true": result = true; return true;
                    }
                    break;
            }
            problem = $"{name} '{value}' is not a yes/no value. Use true or false (also yes/no, y/n, 1/0; an empty cell is false).";
            return false;
        }
    }
}
