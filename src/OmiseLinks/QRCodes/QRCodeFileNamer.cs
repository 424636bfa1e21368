using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OmiseLinks.QRCodes
{
    /// <summary>
    /// File names for the QR codes of one run: a name every file system takes (Windows' rules, the strictest), and never
    /// the same name twice in a run (the second gets -2, the third -3...). Names compare case-insensitively, as on
    /// Windows and macOS. The same input in the same order always gives the same names.
    /// </summary>
    internal sealed class QRCodeFileNamer
    {
        /// <summary>
        /// Longest stem in UTF-8 bytes: ext4 and most Linux file systems take 255 bytes per name, a Thai letter is 3 bytes,
        /// and Windows PowerShell 5.1 still has a 260-character path limit, so the folder keeps room too.
        /// </summary>
        internal const int MaxStemBytes = 150;

        private static readonly HashSet<string> Reserved = new HashSet<string>(
            new[] { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" }
                .Concat(Enumerable.Range(1, 9).SelectMany(i => new[] { "COM" + i, "LPT" + i }))
                .Concat(new[] { "\u00B9", "\u00B2", "\u00B3" }.SelectMany(d => new[] { "COM" + d, "LPT" + d })),
            StringComparer.OrdinalIgnoreCase);

        private readonly HashSet<string> _taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The next free file name for <paramref name="wanted"/> with <paramref name="extension"/> (".png").</summary>
        public string Next(string wanted, string extension)
        {
            var stem = Stem(wanted);
            var name = stem + extension;
            for (var n = 2; !_taken.Add(name); n++) name = stem + "-" + n.ToString(CultureInfo.InvariantCulture) + extension;
            return name;
        }

        /// <summary>
        /// <paramref name="wanted"/> made safe as a file name stem: characters Windows refuses (&lt;&gt;:"/\|?*, control
        /// characters, a trailing dot or space, half a surrogate pair) become '_', a reserved device name (CON, NUL.txt,
        /// COM1...) gets a leading '_', and a stem too long is cut on a character boundary and ends with '~' and a hash of
        /// the whole text, so two long references that start alike still get different names.
        /// </summary>
        internal static string Stem(string wanted)
        {
            var chars = wanted.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                if (c < 0x20 || c == 0x7F || "<>:\"/\\|?*".IndexOf(c) >= 0) chars[i] = '_';
                else if (char.IsHighSurrogate(c) && (i + 1 >= chars.Length || !char.IsLowSurrogate(chars[i + 1]))) chars[i] = '_';
                else if (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(wanted[i - 1]))) chars[i] = '_';
            }
            var stem = new string(chars);
            if (stem.Length == 0) stem = "_";

            if (Encoding.UTF8.GetByteCount(stem) > MaxStemBytes)
                stem = Truncate(stem, MaxStemBytes - 9) + "~" + Fnv1a(wanted).ToString("x8", CultureInfo.InvariantCulture);

            // Windows drops a trailing dot or space ("INV." and "INV" would be one file): keep them apart.
            var end = stem.Length;
            while (end > 0 && (stem[end - 1] == '.' || stem[end - 1] == ' ')) end--;
            if (end < stem.Length) stem = stem.Substring(0, end) + new string('_', stem.Length - end);

            var device = stem.Split('.')[0].TrimEnd(' ');
            if (Reserved.Contains(device)) stem = "_" + stem;
            return stem;
        }

        /// <summary>The longest prefix of whole text elements (a Thai letter with its marks, an emoji) within the byte budget.</summary>
        private static string Truncate(string text, int maxBytes)
        {
            var sb = new StringBuilder();
            var bytes = 0;
            var elements = StringInfo.GetTextElementEnumerator(text);
            while (elements.MoveNext())
            {
                var element = elements.GetTextElement();
                var size = Encoding.UTF8.GetByteCount(element);
                if (bytes + size > maxBytes) break;
                sb.Append(element);
                bytes += size;
            }
            return sb.ToString();
        }

        /// <summary>FNV-1a over the UTF-16 code units: stable across runs, processes and editions (string.GetHashCode is not).</summary>
        private static uint Fnv1a(string text)
        {
            var hash = 2166136261u;
            foreach (var c in text)
            {
                hash = (hash ^ (byte)c) * 16777619u;
                hash = (hash ^ (byte)(c >> 8)) * 16777619u;
            }
            return hash;
        }
    }
}
