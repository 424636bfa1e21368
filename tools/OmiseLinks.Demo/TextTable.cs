using System.Globalization;
using System.Text;

namespace OmiseLinks.Demo;

/// <summary>
/// A plain console table that lines up with Thai and Japanese text: Thai vowel and tone marks take no column,
/// CJK characters take two.
/// </summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly int?[] _maxWidths;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    public TextTable(params (string Header, int? MaxWidth, bool RightAligned)[] columns)
    {
        _headers = columns.Select(c => c.Header).ToArray();
        _maxWidths = columns.Select(c => c.MaxWidth).ToArray();
        _rightAligned = columns.Select(c => c.RightAligned).ToArray();
    }

    public void AddRow(params string[] cells)
    {
        if (cells.Length != _headers.Length) throw new ArgumentException($"A row needs {_headers.Length} cells.", nameof(cells));
        _rows.Add(cells.Select((c, i) => Fit(c.ReplaceLineEndings(" "), _maxWidths[i])).ToArray());
    }

    public void WriteTo(TextWriter output)
    {
        var widths = _headers.Select((h, i) => _rows.Select(r => DisplayWidth(r[i])).Append(DisplayWidth(h)).Max()).ToArray();
        WriteLine(output, _headers, widths);
        WriteLine(output, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in _rows) WriteLine(output, row, widths);
    }

    private void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) line.Append("  ");
            var padding = new string(' ', widths[i] - DisplayWidth(cells[i]));
            var last = i == cells.Length - 1;
            if (_rightAligned[i]) line.Append(padding).Append(cells[i]);
            else line.Append(cells[i]).Append(last ? "" : padding);
        }
        output.WriteLine(line.ToString());
    }

    private static string Fit(string text, int? maxWidth)
    {
        if (maxWidth is not { } max || DisplayWidth(text) <= max) return text;
        var fitted = new StringBuilder();
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var w = RuneWidth(rune);
            if (width + w > max - 1) break;
            fitted.Append(rune.ToString());
            width += w;
        }
        return fitted.Append('…').ToString();
    }

    /// <summary>How many console columns the text takes.</summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes()) width += RuneWidth(rune);
        return width;
    }

    private static int RuneWidth(Rune rune)
    {
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
            case UnicodeCategory.Control:
                return 0;
        }
        var v = rune.Value;
        var wide = v is >= 0x1100 and <= 0x115F      // Hangul Jamo
            or >= 0x2E80 and <= 0x303E                 // CJK radicals, punctuation
            or >= 0x3041 and <= 0x33FF                 // Hiragana, Katakana, CJK compatibility
            or >= 0x3400 and <= 0x4DBF                 // CJK extension A
            or >= 0x4E00 and <= 0x9FFF                 // CJK unified ideographs
            or >= 0xA000 and <= 0xA4CF                 // Yi
            or >= 0xAC00 and <= 0xD7A3                 // Hangul syllables
            or >= 0xF900 and <= 0xFAFF                 // CJK compatibility ideographs
            or >= 0xFE30 and <= 0xFE4F                 // CJK compatibility forms
            or >= 0xFF00 and <= 0xFF60                 // full-width forms
            or >= 0xFFE0 and <= 0xFFE6
            or >= 0x1F300 and <= 0x1F64F               // emoji
            or >= 0x1F900 and <= 0x1F9FF
            or >= 0x20000 and <= 0x3FFFD;              // CJK extensions B and beyond
        return wide ? 2 : 1;
    }
}
