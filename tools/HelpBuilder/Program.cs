using HelpBuilder;

// HelpBuilder <docs folder> <output folder>
// Reads every Verb-Noun.md cmdlet page, the module page and about_*.md topics of docs/ (platyPS 1.x markdown),
// and writes <external help file> (MAML) and about_*.help.txt into the output folder. A page that is not
// complete fails the build with file, line and what to write.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: HelpBuilder <docs folder> <output folder>");
    return 2;
}

var docs = Path.GetFullPath(args[0]);
var output = Path.GetFullPath(args[1]);
try
{
    if (!Directory.Exists(docs)) throw new HelpPageException(docs, 0, "the docs folder does not exist.");
    // Verb-Noun only: other pages of docs/ (such as everyday-tasks.md) are guides, not help.
    var commandPages = Directory.GetFiles(docs, "*-*.md")
        .Where(p => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileNameWithoutExtension(p), "^[A-Z][A-Za-z]*-[A-Z][A-Za-z]*$"))
        .OrderBy(p => p, StringComparer.Ordinal).ToList();
    if (commandPages.Count == 0) throw new HelpPageException(docs, 0, "no cmdlet page (Verb-Noun.md) in the docs folder.");

    var commands = new List<CommandHelp>();
    string? helpFile = null, moduleName = null;
    foreach (var path in commandPages)
    {
        var page = MarkdownPage.Load(path, path);
        commands.Add(CommandPageReader.Read(page, Path.GetFileNameWithoutExtension(path)));
        helpFile = Agree(page, "external help file", helpFile);
        moduleName = Agree(page, "Module Name", moduleName);
    }

    CheckModulePage(docs, moduleName!, commands);

    Directory.CreateDirectory(output);
    var mamlPath = Path.Combine(output, helpFile!);
    WriteReplacing(mamlPath, temp => MamlWriter.Write(commands, temp));

    var topics = Directory.GetFiles(docs, "about_*.md").OrderBy(p => p, StringComparer.Ordinal).ToList();
    foreach (var path in topics)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var text = AboutTopicWriter.Render(MarkdownPage.Load(path, path), name);
        WriteReplacing(Path.Combine(output, name + ".help.txt"), temp => File.WriteAllText(temp, text));
    }

    Console.WriteLine($"HelpBuilder: {commands.Count} cmdlet pages -> {mamlPath}; {topics.Count} about topics");
    return 0;
}
catch (HelpPageException ex)
{
    Console.Error.WriteLine(ex.ToMSBuildError());
    return 1;
}

// Every cmdlet page names the same help file and module: one MAML file holds them all.
static string Agree(MarkdownPage page, string key, string? sofar)
{
    var value = page.FrontMatter.GetValueOrDefault(key);
    if (string.IsNullOrWhiteSpace(value))
        throw new HelpPageException(page.Path, 1, $"front matter has no '{key}'.");
    if (sofar != null && !string.Equals(sofar, value, StringComparison.Ordinal))
        throw new HelpPageException(page.Path, 1, $"'{key}: {value}' differs from the other pages ('{sofar}').");
    return value;
}

// The module page lists every cmdlet, so a page added later is not forgotten there.
static void CheckModulePage(string docs, string moduleName, List<CommandHelp> commands)
{
    var path = Path.Combine(docs, moduleName + ".md");
    if (!File.Exists(path)) throw new HelpPageException(path, 0, $"the module page {moduleName}.md is missing.");
    var page = MarkdownPage.Load(path, path);
    if (!string.Equals(page.FrontMatter.GetValueOrDefault("document type"), "module", StringComparison.OrdinalIgnoreCase))
        throw new HelpPageException(path, 1, "the module page says 'document type: module' in its front matter.");
    var listed = page.Sections.SelectMany(s => s.Children).SelectMany(s => s.Children).Select(s => s.Title).ToHashSet(StringComparer.Ordinal);
    foreach (var command in commands.Where(c => !listed.Contains(c.Name)))
        throw new HelpPageException(path, 1, $"the module page does not list {command.Name}: add '### [{command.Name}]({command.Name}.md)' and its synopsis.");
}

// Written aside and moved in, so an interrupted build never leaves half a help file behind.
static void WriteReplacing(string path, Action<string> write)
{
    var temp = path + ".tmp";
    write(temp);
    File.Move(temp, path, overwrite: true);
}
