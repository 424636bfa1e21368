using System;
using System.Globalization;

namespace OmiseLinks
{
    /// <summary>
    /// A link's or charge's time on the output objects (CreatedAt, UsedAt, DeletedAt, PaidAt): a time for PowerShell and
    /// ISO 8601 text for files.
    /// <para>
    /// A time: <c>Where-Object CreatedAt -lt (Get-Date)</c>, <c>(Get-Date) -gt $link.CreatedAt</c>, <c>-gt '2026-12-01'</c> and
    /// <c>Sort-Object CreatedAt</c> compare instants. PowerShell compares by converting the right-hand value to the left-hand
    /// value's type: a DateTime, DateTimeOffset or text becomes a Timestamp through the implicit operators and
    /// <see cref="Parse(string, IFormatProvider)"/>, and a Timestamp becomes a local DateTime (Get-Date's kind) on the way back.
    /// </para>
    /// <para>
    /// Text: ToString() is "2026-12-01T13:17:02+07:00" (seconds, the local offset, the Gregorian calendar) whatever the
    /// culture. Export-Csv, Format-List and "$x" use it; a DateTime would export as "1/12/2569 13:17:02" under th-TH.
    /// </para>
    /// </summary>
    public sealed class Timestamp : IComparable, IComparable<Timestamp>, IEquatable<Timestamp>, IFormattable
    {
        private const string Iso = "yyyy-MM-dd'T'HH:mm:sszzz";
        private readonly DateTimeOffset _value;

        public Timestamp(DateTimeOffset time)
        {
            // Whole seconds, as the API keeps them, so a value read back from a file compares equal.
            var seconds = time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond;
            _value = new DateTimeOffset(seconds, TimeSpan.Zero).ToLocalTime();
        }

        /// <summary>An API time (UTC; Unspecified is read as UTC too). Null stays null.</summary>
        internal static Timestamp? FromUtc(DateTime? utc) =>
            utc.HasValue ? new Timestamp(utc.Value.Kind == DateTimeKind.Local ? new DateTimeOffset(utc.Value) : new DateTimeOffset(DateTime.SpecifyKind(utc.Value, DateTimeKind.Utc))) : null;

        /// <summary>The local time (what Get-Date returns), for date arithmetic: <c>$link.CreatedAt.DateTime.AddDays(7)</c>.</summary>
        public DateTime DateTime => _value.LocalDateTime;

        public int CompareTo(Timestamp? other) => other == null ? 1 : _value.CompareTo(other._value);

        public int CompareTo(object? obj)
        {
            switch (obj)
            {
                case null: return 1;
                case Timestamp t: return CompareTo(t);
                case DateTimeOffset o: return _value.CompareTo(o);
                case DateTime d: return _value.CompareTo(Offset(d));
                default: throw new ArgumentException($"A Timestamp compares with a time (DateTime, DateTimeOffset, Timestamp), not a {obj.GetType().Name}.", nameof(obj));
            }
        }

        public bool Equals(Timestamp? other) => other != null && _value.Equals(other._value);

        public override bool Equals(object? obj) => obj is Timestamp t && Equals(t);

        public override int GetHashCode() => _value.GetHashCode();

        /// <summary>ISO 8601 with the local offset: "2026-12-01T13:17:02+07:00".</summary>
        public override string ToString() => _value.ToString(Iso, CultureInfo.InvariantCulture);

        /// <summary>A .NET date format ('yyyy-MM-dd HH:mm'), in the invariant culture (Gregorian years).</summary>
        public string ToString(string? format) => ToString(format, null);

        public string ToString(string? format, IFormatProvider? formatProvider) =>
            string.IsNullOrEmpty(format) ? ToString() : _value.ToString(format, formatProvider ?? CultureInfo.InvariantCulture);

        /// <summary>ISO 8601 text, as Export-Csv wrote it; a time without an offset is local. Any culture's calendar is ignored.</summary>
        public static Timestamp Parse(string text, IFormatProvider? formatProvider) =>
            new Timestamp(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal | DateTimeStyles.AllowWhiteSpaces));

        public static Timestamp Parse(string text) => Parse(text, null);

        public static bool operator ==(Timestamp? left, Timestamp? right) => left is null ? right is null : left.Equals(right);
        public static bool operator !=(Timestamp? left, Timestamp? right) => !(left == right);
        public static bool operator <(Timestamp? left, Timestamp? right) => Compare(left, right) < 0;
        public static bool operator <=(Timestamp? left, Timestamp? right) => Compare(left, right) <= 0;
        public static bool operator >(Timestamp? left, Timestamp? right) => Compare(left, right) > 0;
        public static bool operator >=(Timestamp? left, Timestamp? right) => Compare(left, right) >= 0;

        private static int Compare(Timestamp? left, Timestamp? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

        public static implicit operator Timestamp(DateTimeOffset time) => new Timestamp(time);

        /// <summary>Get-Date's local DateTime (or a UTC one) as a Timestamp; Unspecified is read as local, as PowerShell does.</summary>
        public static implicit operator Timestamp(DateTime time) => new Timestamp(Offset(time));

        public static implicit operator DateTimeOffset(Timestamp time) => time._value;

        /// <summary>Local, as Get-Date: DateTime comparisons ignore the kind, so both sides must be local.</summary>
        public static implicit operator DateTime(Timestamp time) => time._value.LocalDateTime;

        private static DateTimeOffset Offset(DateTime time) =>
            time.Kind == DateTimeKind.Utc ? new DateTimeOffset(time) : new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Local));
    }
}
