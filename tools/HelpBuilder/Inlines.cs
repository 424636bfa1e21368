using System.Text;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace HelpBuilder;

/// <summary>Markdown turned into the plain paragraphs that MAML and about topics hold.</summary>
public static class Inlines
{
    /// <summary>The text a reader sees: emphasis and code marks dropped, a link as its text (and its address when that says more).</summary>
    public static string ToText(ContainerInline? container)
    {
        if (container == null) return string.Empty;
        var text = new StringBuilder();
        Append(text, container);
        return text.ToString();
    }

    private static void Append(StringBuilder text, Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline:
                break;
            case LinkInline { IsAutoLink: true } autoLink:
                text.Append(autoLink.Url);
                break;
            case LinkInline link:
                var label = LabelOf(link);
                text.Append(label);
                if (IsWebAddress(link.Url) && !string.Equals(label, link.Url, StringComparison.Ordinal))
                    text.Append(" (").Append(link.Url).Append(')');
                break;
            case ContainerInline container:
                foreach (var child in container) Append(text, child);
                break;
            default:
                text.Append(inline.ToString());
                break;
        }
    }

    /// <summary>A link's own text, without its address.</summary>
    public static string LabelOf(LinkInline link)
    {
        var label = new StringBuilder();
        foreach (var child in link) Append(label, child);
        return label.ToString();
    }

    public static bool IsWebAddress(string? url) =>
        url != null && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Blocks as paragraphs: a paragraph is one line of text, a list item one "- " paragraph,
    /// a code block its lines indented by four spaces, after a blank line in the paragraph before it.
    /// Get-Help trims every maml:para, which takes the indent of its first line only: a code block of its own
    /// would show a table's header line out of line with the rows under it.
    /// </summary>
    public static List<string> ToParagraphs(IEnumerable<Block> blocks, string page)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks) AddParagraphs(paragraphs, block, page, "");
        return paragraphs;
    }

    private static void AddParagraphs(List<string> paragraphs, Block block, string page, string listPrefix)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                paragraphs.Add(listPrefix + Normalize(ToText(paragraph.Inline)));
                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var marker = list.IsOrdered ? $"{number++}. " : "- ";
                    var first = true;
                    foreach (var child in item)
                    {
                        AddParagraphs(paragraphs, child, page, first ? marker : new string(' ', marker.Length));
                        first = false;
                    }
                }
                break;
            case CodeBlock code:
                var indented = string.Join("\n", CodeLines(code).Select(l => l.Length == 0 ? l : "    " + l));
                if (paragraphs.Count > 0) paragraphs[^1] += "\n\n" + indented;
                else paragraphs.Add(indented);
                break;
            case QuoteBlock quote:
                foreach (var child in quote) AddParagraphs(paragraphs, child, page, listPrefix);
                break;
            case ThematicBreakBlock:
            case LinkReferenceDefinitionGroup:
                break;
            case HtmlBlock html when html.Type == HtmlBlockType.Comment:
                break;
            default:
                throw new HelpPageException(page, block.Line + 1, $"{block.GetType().Name} is not supported in help text; use paragraphs, lists and code blocks.");
        }
    }

    /// <summary>The lines of a code block, as written.</summary>
    public static List<string> CodeLines(LeafBlock code)
    {
        var lines = new List<string>();
        foreach (var line in code.Lines.Lines.Take(code.Lines.Count)) lines.Add(line.Slice.ToString().TrimEnd());
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>Soft line breaks are already spaces; runs of spaces become one, except at a hard break.</summary>
    private static string Normalize(string text) =>
        string.Join("\n", text.Split('\n').Select(l => string.Join(" ", l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
}
