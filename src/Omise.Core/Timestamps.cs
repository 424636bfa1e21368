using System;
using System.Globalization;

namespace Omise.Core
{
    /// <summary>
    /// How a message prints a time: ISO 8601 in UTC with the Gregorian calendar, whatever the culture of the session (a
    /// th-TH session would otherwise print the Buddhist-era year, 2569 for 2026).
    /// </summary>
    public static class Timestamps
    {
        public static string Text(DateTime time) =>
            (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
