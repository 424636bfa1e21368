using System;
using System.Globalization;
using System.Management.Automation;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Reads a date given as text the way [datetime]'...' does: ISO 8601 (2026-12-05, 2026-12-05 19:45,
    /// 2026-12-05T19:45:00+07:00) and the invariant culture, in the Gregorian calendar. PowerShell's parameter binder
    /// would read it with the session's culture, where th-TH's Buddhist calendar makes '2026-12-05' the year 1483 CE.
    /// A date with Z or an offset keeps it; one without a zone stays unspecified (the command takes it as local time).
    /// Dates that are already [datetime] or [datetimeoffset] pass as they are.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class InvariantDateAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value is DateTimeOffset offset) return offset.UtcDateTime;
            if (!(value is string text)) return inputData;
            if (!DateTime.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date))
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' is not a date. Write it as ISO 8601: yyyy-MM-dd, yyyy-MM-dd HH:mm, or yyyy-MM-ddTHH:mm:ssZ (UTC) or with an offset (+07:00).");
            if (date.Year > 2400)
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' has the year {date.Year}, which looks like a Buddhist-era year: dates are read in the Gregorian calendar " +
                    $"({date.Year} BE is {date.Year - 543}). Write the year as {date.Year - 543}.");
            return date;
        }
    }
}
