using System.Text;
using Markdig.Syntax;

namespace HelpBuilder;

/// <summary>
/// Writes an about_ page as the plain-text topic Get-Help shows: section names in capitals at the margin,
/// text wrapped at 80 columns and indented four spaces, code indented eight and never wrapped.
/// Get-Help takes the topic's synopsis from the lines under SHORT DESCRIPTION.
/// </summary>
public static class AboutTopicWriter
{
    private const int Width = 80;

    public static string Render(MarkdownPage page, string topicName)
    {
        var type = page.FrontMatter.GetValueOrDefault("document type");
        if (type != null && !string.Equals(type, "about", StringComparison.OrdinalIgnoreCase))
            throw new HelpPageException(page.Path, 1, $"an about_ page says 'document type: about' in its front matter (found '{type}').");
        var root = page.Sections.SingleOrDefault(s => s.Level == 1)
            ?? throw new HelpPageException(page.Path, 1, $"an about page has one level-1 heading '# {topicName}'.");
        if (!string.Equals(root.Title, topicName, StringComparison.OrdinalIgnoreCase))
            throw new HelpPageException(page.Path, root.Line, $"the page must start with '# {topicName}'.");
        if (!root.Children.Any(s => string.Equals(s.Title, "Short description", StringComparison.OrdinalIgnoreCase) && s.Blocks.Count > 0))
            throw new HelpPageException(page.Path, root.Line, "an about page needs a non-empty '## Short description' (Get-Help lists it as the topic's synopsis).");

        var text = new StringBuilder();
        text.Append("TOPIC\n    ").Append(topicName.ToLowerInvariant()).Append("\n\n");
        foreach (var section in root.Children) WriteSection(text, section, page.Path);
        return text.ToString().TrimEnd() + "\n";
    }

    private static void WriteSection(StringBuilder text, Section section, string pagePath)
    {
        if (section.Level == 2)
            text.Append(section.Title.ToUpperInvariant()).Append('\n');
        else
            text.Append("    ").Append(section.Title).Append("\n    ").Append(new string('-', section.Title.Length)).Append('\n');
        foreach (var block in section.Blocks) WriteBlock(text, block, pagePath, "    ", "    ", tight: false);
        if (section.Blocks.Count == 0) text.Append('\n');
        foreach (var child in section.Children) WriteSection(text, child, pagePath);
    }

    private static void WriteBlock(StringBuilder text, Block block, string pagePath, string firstIndent, string indent, bool tight)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                foreach (var line in Wrap(Inlines.ToText(paragraph.Inline), firstIndent, indent)) text.Append(line).Append('\n');
                if (!tight) text.Append('\n');
                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var marker = list.IsOrdered ? $"{number++}. " : "- ";
                    var first = true;
                    foreach (var child in item)
                    {
                        WriteBlock(text, child, pagePath, first ? indent + marker : indent + new string(' ', marker.Length),
                            indent + new string(' ', marker.Length), tight: !list.IsLoose);
                        first = false;
                    }
                }
                if (!list.IsLoose) text.Append('\n');
                break;
            case CodeBlock code:
                foreach (var line in Inlines.CodeLines(code)) text.Append(line.Length == 0 ? "" : indent + "    " + line).Append('\n');
                text.Append('\n');
                break;
            case ThematicBreakBlock:
            case LinkReferenceDefinitionGroup:
            case HtmlBlock { Type: HtmlBlockType.Comment }:
                break;
            default:
                throw new HelpPageException(pagePath, block.Line + 1, $"{block.GetType().Name} is not supported in an about topic; use paragraphs, lists and code blocks.");
        }
    }

    private static IEnumerable<string> Wrap(string paragraph, string firstIndent, string indent)
    {
        foreach (var hardLine in paragraph.Split('\n'))
        {
            var line = new StringBuilder(firstIndent);
            var empty = true;
            foreach (var word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!empty && line.Length + 1 + word.Length > Width)
                {
                    yield return line.ToString();
                    line.Clear().Append(indent);
                    empty = true;
                }
                if (!empty) line.Append(' ');
                line.Append(word);
                empty = false;
            }
            yield return line.ToString();
            firstIndent = indent;
        }
    }
}
