using System;
using System.Management.Automation;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Reads a yes/no the way a spreadsheet user means it. [bool]"false" is True in PowerShell; here
    /// true/false, yes/no, y/n, 1/0 and an empty cell (false) are accepted, any case, and anything else fails the row.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class CsvBooleanAttribute : ArgumentTransformationAttribute
    {
        private readonly string _parameterName;

        public CsvBooleanAttribute(string parameterName) => _parameterName = parameterName;

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null: return new SwitchParameter(false);
                case bool b: return new SwitchParameter(b);
                case SwitchParameter s: return s;
                case int i when i == 0 || i == 1: return new SwitchParameter(i == 1);
                case string text:
                    switch (text.Trim().ToLowerInvariant())
                    {
                        case "": case "false": case "no": case "n": case "0": case "$false": return new SwitchParameter(false);
                        case "true": case "yes": case "y": case "1": case "$true": return new SwitchParameter(true);
                    }
                    break;
            }
            throw new ArgumentTransformationMetadataException(
                $"{_parameterName} '{value}' is not a yes/no value. Use true or false (also yes/no, y/n, 1/0; an empty cell is false).");
        }
    }
}
