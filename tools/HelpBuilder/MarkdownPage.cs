using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using YamlDotNet.RepresentationModel;

namespace HelpBuilder;

/// <summary>A problem in a docs page, reported as an MSBuild error at its file and line.</summary>
public sealed class HelpPageException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;
    public int Line { get; } = line;

    public string ToMSBuildError() => $"{File}({Line}): error HELP001: {Message}";
}

/// <summary>A heading and the blocks under it, down to the next heading of the same or a higher level.</summary>
public sealed class Section(HeadingBlock heading, string title)
{
    public HeadingBlock Heading { get; } = heading;
    public string Title { get; } = title;
    public int Level => Heading.Level;
    /// <summary>1-based, for error messages.</summary>
    public int Line => Heading.Line + 1;
    public List<Block> Blocks { get; } = [];
    public List<Section> Children { get; } = [];
}

/// <summary>One docs page: its YAML front matter and its heading tree.</summary>
public sealed class MarkdownPage
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

    private MarkdownPage(string path, Dictionary<string, string> frontMatter, List<Section> topSections)
    {
        Path = path;
        FrontMatter = frontMatter;
        Sections = topSections;
    }

    /// <summary>The page as named in messages (relative to the docs folder's parent when possible).</summary>
    public string Path { get; }
    public IReadOnlyDictionary<string, string> FrontMatter { get; }
    /// <summary>The level-1 sections (normally one: "# Name").</summary>
    public List<Section> Sections { get; }

    public static MarkdownPage Load(string path, string shownPath)
    {
        var text = File.ReadAllText(path);
        RejectPlaceholders(text, shownPath);
        var document = Markdown.Parse(text, Pipeline);
        var frontMatter = ReadFrontMatter(document, shownPath);
        var sections = BuildSections(document);
        return new MarkdownPage(shownPath, frontMatter, sections);
    }

    /// <summary>platyPS leaves "{{ Fill in the Description }}" where a writer has not; such a page must never ship.</summary>
    private static void RejectPlaceholders(string text, string shownPath)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains("{{", StringComparison.Ordinal))
                throw new HelpPageException(shownPath, i + 1,
                    $"placeholder left in the page: '{lines[i].Trim()}'. Write the real text instead of the {{{{ ... }}}} placeholder.");
        }
    }

    private static Dictionary<string, string> ReadFrontMatter(MarkdownDocument document, string shownPath)
    {
        var block = document.OfType<YamlFrontMatterBlock>().FirstOrDefault()
            ?? throw new HelpPageException(shownPath, 1, "no YAML front matter (--- ... ---) at the top of the page.");
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(block.Lines.ToString()));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new HelpPageException(shownPath, block.Line + 1 + (int)ex.Start.Line, "front matter is not valid YAML: " + ex.Message);
        }
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (yaml.Documents.Count == 0) return result;
        if (yaml.Documents[0].RootNode is not YamlMappingNode map)
            throw new HelpPageException(shownPath, block.Line + 1, "front matter must be a YAML mapping of 'key: value' lines.");
        foreach (var (key, value) in map.Children)
            result[((YamlScalarNode)key).Value ?? ""] = value is YamlScalarNode scalar ? scalar.Value ?? "" : value.ToString();
        return result;
    }

    private static List<Section> BuildSections(MarkdownDocument document)
    {
        var top = new List<Section>();
        var open = new Stack<Section>();
        foreach (var block in document)
        {
            if (block is YamlFrontMatterBlock) continue;
            if (block is HeadingBlock heading)
            {
                while (open.Count > 0 && open.Peek().Level >= heading.Level) open.Pop();
                var section = new Section(heading, Inlines.ToText(heading.Inline).Trim());
                if (open.Count == 0) top.Add(section);
                else open.Peek().Children.Add(section);
                open.Push(section);
                continue;
            }
            if (open.Count > 0) open.Peek().Blocks.Add(block);
        }
        return top;
    }
}
