using System;
using System.Globalization;

namespace Omise.Core
{
    /// <summary>
    /// How a message prints a time: ISO 8601 in UTC, Gregorian calendar, whatever the session's culture (th-TH formats
    /// dates in the Buddhist era: "2569-12-05").
    /// </summary>
    public static class IsoTime
    {
        public static string Utc(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        public static string Utc(DateTime time) =>
            (time.Kind == DateTimeKind.Unspecified ? time : time.ToUniversalTime()).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
