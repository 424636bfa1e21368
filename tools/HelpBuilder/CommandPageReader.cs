using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace HelpBuilder;

/// <summary>Reads a cmdlet page written in the platyPS 1.x markdown schema and checks it is complete.</summary>
public static class CommandPageReader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    public static CommandHelp Read(MarkdownPage page, string expectedName)
    {
        var type = page.FrontMatter.GetValueOrDefault("document type");
        if (!string.Equals(type, "cmdlet", StringComparison.OrdinalIgnoreCase))
            throw new HelpPageException(page.Path, 1, $"a Verb-Noun page must say 'document type: cmdlet' in its front matter (found '{type}').");
        var title = page.FrontMatter.GetValueOrDefault("title");
        if (!string.Equals(title, expectedName, StringComparison.Ordinal))
            throw new HelpPageException(page.Path, 1, $"front matter 'title: {title}' does not match the file name {expectedName}.md.");

        var root = page.Sections.SingleOrDefault()
            ?? throw new HelpPageException(page.Path, 1, $"a cmdlet page has exactly one level-1 heading '# {expectedName}'.");
        if (root.Level != 1 || root.Title != expectedName)
            throw new HelpPageException(page.Path, root.Line, $"the page must start with '# {expectedName}'.");

        var synopsis = string.Join(" ", Paragraphs(page, Required(page, root, "SYNOPSIS")));
        if (synopsis.Length == 0) throw Empty(page, Required(page, root, "SYNOPSIS"));
        var descriptionSection = Required(page, root, "DESCRIPTION");
        var description = Paragraphs(page, descriptionSection);
        if (description.Count == 0) throw Empty(page, descriptionSection);

        var syntaxSections = Required(page, root, "SYNTAX").Children;
        var sets = syntaxSections
            .Select(s => s.Title.EndsWith(" (Default)", StringComparison.Ordinal) ? s.Title[..^" (Default)".Length] : s.Title)
            .ToList();
        if (sets.Count == 0)
            throw new HelpPageException(page.Path, Required(page, root, "SYNTAX").Line, "SYNTAX needs a '### <ParameterSetName>' heading per parameter set ('### __AllParameterSets' when there is one).");

        var parameters = Required(page, root, "PARAMETERS").Children
            .Where(s => !string.Equals(s.Title, "CommonParameters", StringComparison.OrdinalIgnoreCase))
            .Select(s => ReadParameter(page, s, sets))
            .ToList();

        var help = new CommandHelp
        {
            Name = expectedName,
            Synopsis = synopsis,
            Description = description,
            ParameterSets = sets,
            Parameters = parameters,
            Examples = Required(page, root, "EXAMPLES").Children.Select(s => ReadExample(page, s)).ToList(),
            Inputs = ReadTypes(page, Required(page, root, "INPUTS")),
            Outputs = ReadTypes(page, Required(page, root, "OUTPUTS")),
            Notes = Optional(root, "NOTES") is { } notes ? Paragraphs(page, notes) : [],
            RelatedLinks = ReadLinks(page, Required(page, root, "RELATED LINKS"), page.FrontMatter.GetValueOrDefault("HelpUri")),
        };
        for (var i = 0; i < sets.Count; i++) CheckSyntaxBlock(page, syntaxSections[i], help, sets[i]);
        return help;
    }

    /// <summary>The syntax a reader sees in the markdown names the same parameters, in the same order, as the MAML written from the yaml blocks.</summary>
    private static void CheckSyntaxBlock(MarkdownPage page, Section section, CommandHelp help, string set)
    {
        var block = section.Blocks.OfType<FencedCodeBlock>().FirstOrDefault()
            ?? throw new HelpPageException(page.Path, section.Line, $"the syntax of '{set}' needs a fenced code block.");
        var written = System.Text.RegularExpressions.Regex.Matches(string.Join(" ", Inlines.CodeLines(block)), @"(?<=[\[\s])-(\w+)")
            .Select(m => m.Groups[1].Value).ToList();
        var expected = MamlWriter.SyntaxOrder(help, set).Select(e => e.Parameter.Name).ToList();
        if (!written.SequenceEqual(expected))
            throw new HelpPageException(page.Path, block.Line + 1,
                $"the syntax of '{set}' lists -{string.Join(" -", written)}, but the parameters in this set are, in syntax order: -{string.Join(" -", expected)}.");
    }

    private static Section Required(MarkdownPage page, Section root, string title) =>
        Optional(root, title) ?? throw new HelpPageException(page.Path, root.Line, $"the section '## {title}' is missing.");

    private static Section? Optional(Section root, string title) =>
        root.Children.FirstOrDefault(s => s.Level == 2 && string.Equals(s.Title, title, StringComparison.OrdinalIgnoreCase));

    private static List<string> Paragraphs(MarkdownPage page, Section section) => Inlines.ToParagraphs(section.Blocks, page.Path);

    private static HelpPageException Empty(MarkdownPage page, Section section) =>
        new(page.Path, section.Line, $"the section '{section.Title}' is empty.");

    private static ParameterHelp ReadParameter(MarkdownPage page, Section section, List<string> sets)
    {
        if (!section.Title.StartsWith('-'))
            throw new HelpPageException(page.Path, section.Line, $"a parameter heading reads '### -Name' (found '### {section.Title}').");
        var name = section.Title[1..];
        var yamlBlocks = section.Blocks.OfType<FencedCodeBlock>().Where(b => string.Equals(b.Info, "yaml", StringComparison.OrdinalIgnoreCase)).ToList();
        if (yamlBlocks.Count != 1)
            throw new HelpPageException(page.Path, section.Line, $"parameter -{name} needs exactly one fenced yaml block (Type, DefaultValue, Aliases, ParameterSets, ...).");
        var yamlBlock = yamlBlocks[0];

        ParameterMetadata metadata;
        try
        {
            metadata = Yaml.Deserialize<ParameterMetadata>(string.Join("\n", Inlines.CodeLines(yamlBlock)))
                ?? throw new HelpPageException(page.Path, yamlBlock.Line + 1, $"parameter -{name}: the yaml block is empty.");
        }
        catch (YamlException ex)
        {
            throw new HelpPageException(page.Path, yamlBlock.Line + 2 + (int)ex.Start.Line - 1,
                $"parameter -{name}: {(ex.InnerException ?? ex).Message}");
        }
        if (string.IsNullOrWhiteSpace(metadata.Type))
            throw new HelpPageException(page.Path, yamlBlock.Line + 1, $"parameter -{name}: the yaml block has no Type.");
        if (metadata.ParameterSets.Count == 0)
            throw new HelpPageException(page.Path, yamlBlock.Line + 1, $"parameter -{name}: ParameterSets lists no set.");
        foreach (var set in metadata.ParameterSets)
        {
            if (set.Name != ParameterSetMetadata.AllSets && !sets.Contains(set.Name))
                throw new HelpPageException(page.Path, yamlBlock.Line + 1,
                    $"parameter -{name} is in the set '{set.Name}', which SYNTAX has no '### {set.Name}' heading for.");
            if (set.PositionNumber == null && !string.Equals(set.Position, "Named", StringComparison.OrdinalIgnoreCase))
                throw new HelpPageException(page.Path, yamlBlock.Line + 1, $"parameter -{name}: Position is a number or Named (found '{set.Position}').");
        }

        var description = Inlines.ToParagraphs(section.Blocks.Where(b => b != yamlBlock), page.Path);
        if (description.Count == 0 || description.All(string.IsNullOrWhiteSpace))
            throw new HelpPageException(page.Path, section.Line, $"parameter -{name} has no description: write what it does above its yaml block.");
        return new ParameterHelp { Name = name, Description = description, Metadata = metadata };
    }

    /// <summary>
    /// The ```powershell block is the example's code; every other block is its remarks, except an ```output block
    /// right after the code: that goes under the code, as a console shows it (Get-Help trims a remark's first line,
    /// which would pull a table's header out of line with its rows; the code's first line is the command).
    /// </summary>
    private static ExampleHelp ReadExample(MarkdownPage page, Section section)
    {
        var code = new List<string>();
        var remarks = new List<Block>();
        foreach (var block in section.Blocks)
        {
            if (block is FencedCodeBlock fenced && IsPowerShell(fenced)) code.Add(string.Join("\n", Inlines.CodeLines(fenced)));
            else if (block is FencedCodeBlock output && IsOutput(output) && code.Count > 0 && remarks.Count == 0)
                code.Add(string.Join("\n", Inlines.CodeLines(output)));
            else remarks.Add(block);
        }
        if (code.Count == 0)
            throw new HelpPageException(page.Path, section.Line, $"example '{section.Title}' has no ```powershell code block.");
        var remarkText = Inlines.ToParagraphs(remarks, page.Path);
        if (remarkText.Count == 0)
            throw new HelpPageException(page.Path, section.Line, $"example '{section.Title}' needs a sentence saying what it does.");
        return new ExampleHelp { Title = section.Title, Code = string.Join("\n\n", code), Remarks = remarkText };
    }

    public static bool IsPowerShell(FencedCodeBlock block) => string.Equals(block.Info, "powershell", StringComparison.OrdinalIgnoreCase);

    private static bool IsOutput(FencedCodeBlock block) => string.Equals(block.Info, "output", StringComparison.OrdinalIgnoreCase);

    private static List<TypeHelp> ReadTypes(MarkdownPage page, Section section)
    {
        if (section.Children.Count == 0)
            throw new HelpPageException(page.Path, section.Line, $"{section.Title} needs a '### <TypeName>' heading per type ('### None' when there is none).");
        return section.Children.Select(s => new TypeHelp { TypeName = s.Title, Description = Paragraphs(page, s) }).ToList();
    }

    private static List<LinkHelp> ReadLinks(MarkdownPage page, Section section, string? helpUri)
    {
        var links = new List<LinkHelp>();
        if (Inlines.IsWebAddress(helpUri)) links.Add(new LinkHelp { Text = "Online Version:", Uri = helpUri! });
        foreach (var item in section.Blocks.OfType<ListBlock>().SelectMany(l => l.OfType<ListItemBlock>()))
        {
            var paragraph = item.OfType<ParagraphBlock>().FirstOrDefault();
            if (paragraph?.Inline == null) continue;
            var link = paragraph.Inline.Descendants<LinkInline>().FirstOrDefault();
            var text = link != null ? Inlines.LabelOf(link).Trim() : Inlines.ToText(paragraph.Inline).Trim();
            links.Add(new LinkHelp { Text = text, Uri = link != null && Inlines.IsWebAddress(link.Url) ? link.Url! : "" });
        }
        return links;
    }
}
