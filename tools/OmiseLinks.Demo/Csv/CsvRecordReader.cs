using System.Text;

namespace OmiseLinks.Demo.Csv;

/// <summary>
/// Splits CSV text into records of fields (RFC 4180: quoted fields, embedded delimiters, doubled quotes,
/// line breaks inside quotes), with the same leniencies as PowerShell's Import-Csv:
/// blanks before a field and after a closing quote are dropped, a quote inside an unquoted field is kept as text,
/// and records end at CRLF, LF or a lone CR. Line breaks inside quotes are kept as written.
/// </summary>
public sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly char _delimiter;

    public CsvRecordReader(TextReader reader, char delimiter = ',')
    {
        if (delimiter is '"' or '\r' or '\n') throw new ArgumentException("A quote or a line break cannot be the delimiter.", nameof(delimiter));
        _reader = reader;
        _delimiter = delimiter;
    }

    /// <summary>The next record's fields, or null at the end of the text. A blank line is a record of one empty field.</summary>
    public List<string>? ReadRecord()
    {
        if (_reader.Peek() < 0) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            SkipBlanks();
            var end = _reader.Peek() == '"' ? ReadQuotedField(field) : ReadPlainField(field);
            var atEndOfText = end == FieldEnd.EndOfText;
            // Import-Csv drops an empty last field when the text ends without a line break ("a,b," at the very end).
            if (!(atEndOfText && field.Length == 0 && fields.Count > 0)) fields.Add(field.ToString());
            field.Clear();
            if (end != FieldEnd.Delimiter) return fields;
        }
    }

    private enum FieldEnd { Delimiter, EndOfRecord, EndOfText }

    private void SkipBlanks()
    {
        while (_reader.Peek() is ' ' or '\t') _reader.Read();
    }

    /// <summary>Unquoted: everything up to the delimiter or line break; blanks trailing a single word are dropped.</summary>
    private FieldEnd ReadPlainField(StringBuilder field)
    {
        var end = ReadRestOfField(field);
        var firstBlank = IndexOfBlank(field);
        if (firstBlank > 0 && IsAllBlank(field, firstBlank)) field.Length = firstBlank;
        return end;
    }

    private FieldEnd ReadQuotedField(StringBuilder field)
    {
        _reader.Read(); // opening quote
        while (true)
        {
            var c = _reader.Read();
            if (c < 0) return FieldEnd.EndOfText; // unterminated quote: the text so far is the field
            if (c == '"')
            {
                if (_reader.Peek() == '"')
                {
                    _reader.Read();
                    field.Append('"');
                    continue;
                }
                break;
            }
            field.Append((char)c);
        }
        // After the closing quote: blanks are dropped; any other text is kept as written, as Import-Csv does.
        var tail = new StringBuilder();
        var end = ReadRestOfField(tail);
        if (!IsAllBlank(tail, 0)) field.Append(tail);
        return end;
    }

    private FieldEnd ReadRestOfField(StringBuilder field)
    {
        while (true)
        {
            var c = _reader.Read();
            if (c < 0) return FieldEnd.EndOfText;
            if (c == _delimiter) return FieldEnd.Delimiter;
            if (c == '\n') return FieldEnd.EndOfRecord;
            if (c == '\r')
            {
                if (_reader.Peek() == '\n') _reader.Read();
                return FieldEnd.EndOfRecord;
            }
            field.Append((char)c);
        }
    }

    private static int IndexOfBlank(StringBuilder text)
    {
        for (var i = 0; i < text.Length; i++)
            if (text[i] is ' ' or '\t') return i;
        return -1;
    }

    private static bool IsAllBlank(StringBuilder text, int from)
    {
        for (var i = from; i < text.Length; i++)
            if (text[i] is not (' ' or '\t')) return false;
        return true;
    }
}
