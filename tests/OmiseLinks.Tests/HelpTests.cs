using System.Management.Automation;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace OmiseLinks.Tests;

/// <summary>What Get-Help shows a user of the built module, for every exported cmdlet (so pages added later are checked too).</summary>
public class HelpTests
{
    private static string HelpFolder => Path.Combine(Repo.Root, "out", "OmiseLinks", "en-US");

    [Fact]
    public void Every_exported_cmdlet_has_a_synopsis_a_description_two_examples_and_every_parameter_described()
    {
        using var shell = new HostedPowerShell();
        var result = shell.Run("""
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters
            foreach ($name in (Get-Module OmiseLinks).ExportedCmdlets.Keys) {
                $help = Get-Help $name -Full
                $command = Get-Command $name
                $shown = $command.Parameters.Values | Where-Object {
                    $common -notcontains $_.Name -and
                    -not ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow })
                }
                $described = @{}
                foreach ($p in @($help.parameters.parameter)) {
                    if ($p) { $described[$p.name] = (@($p.description) | ForEach-Object { $_.Text }) -join ' ' }
                }
                [pscustomobject]@{
                    Name        = $name
                    Synopsis    = [string]$help.Synopsis
                    Description = (@($help.description) | ForEach-Object { $_.Text }) -join ' '
                    Examples    = @($help.examples.example | Where-Object { $_.code -and (@($_.remarks) | ForEach-Object { $_.Text }) -join '' }).Count
                    Undescribed = @($shown | Where-Object { -not $described[$_.Name] } | ForEach-Object { $_.Name })
                    Phantom     = @($described.Keys | Where-Object { -not $command.Parameters.ContainsKey($_) })
                }
            }
            """);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var commands = result.Output.ToList();
        Assert.Contains(commands, c => (string)c.Properties["Name"].Value == "New-OmiseLink");
        Assert.All(commands, command =>
        {
            var name = (string)command.Properties["Name"].Value;
            var synopsis = (string)command.Properties["Synopsis"].Value;
            // Without MAML, Get-Help makes the synopsis up from the syntax ("Connect-Omise [-ApiUri <uri>] ...").
            Assert.False(string.IsNullOrWhiteSpace(synopsis), $"{name}: no synopsis");
            Assert.False(synopsis.StartsWith(name, StringComparison.OrdinalIgnoreCase), $"{name}: synopsis is the generated syntax, so no help was found");
            Assert.False(string.IsNullOrWhiteSpace((string)command.Properties["Description"].Value), $"{name}: no description");
            Assert.True((int)command.Properties["Examples"].Value >= 2, $"{name}: fewer than two examples with code and remarks");
            Assert.True(((object[])command.Properties["Undescribed"].Value).Length == 0,
                $"{name}: parameters without a description in Get-Help: {string.Join(", ", (object[])command.Properties["Undescribed"].Value)}");
            Assert.True(((object[])command.Properties["Phantom"].Value).Length == 0,
                $"{name}: help describes parameters the cmdlet does not have: {string.Join(", ", (object[])command.Properties["Phantom"].Value)}");
        });
    }

    [Fact]
    public void Parameter_help_shows_type_position_pipeline_input_aliases_and_accepted_values_as_the_code_declares()
    {
        using var shell = new HostedPowerShell();
        var result = shell.Run("""
            $amount = (Get-Help New-OmiseLink -Parameter Amount)
            $currency = (Get-Help New-OmiseLink -Parameter Currency)
            $syntax = @((Get-Help New-OmiseLink).syntax.syntaxItem)[0].parameter | ForEach-Object { $_.name }
            $amount.type.name; $amount.position; $amount.pipelineInput; $amount.aliases; $amount.required
            (@($currency.parameterValueGroup.parameterValue) -join ',')
            ($syntax -join ',')
            (Get-Help Connect-Omise -Parameter SecretKey).position
            @((Get-Help Connect-Omise).syntax.syntaxItem).Count
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
            [
                "System.Int64", "0", "False", "AmountSatang, AmountCents, AmountMinor, MinorAmount", "false",
                "thb,jpy,sgd,myr,usd",
                "Amount,Currency,Title,Description,AllowDuplicate,Price,IncludeInputColumns,InputObject,MaxAttempts,Multiple,Reference,ReuseExisting,ReuseSince,Session,ThrottleLimit,Unordered,WhatIf,Confirm",
                "0",
                "4",
            ],
            result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void About_OmiseLinks_is_a_help_topic_with_its_sections()
    {
        using var shell = new HostedPowerShell();
        var result = shell.Run("""
            Get-Help about_OmiseLinks
            (Get-Help about_* | Where-Object Name -eq 'about_OmiseLinks').Synopsis
            """);

        Assert.Empty(result.Errors);
        var topic = string.Join("\n", result.Output.Take(result.Output.Count - 1).Select(o => o.ToString()));
        Assert.StartsWith("TOPIC\n    about_omiselinks", topic);
        foreach (var heading in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION", "Sessions", "Amounts in the smallest currency unit",
                     "Creating links in bulk, exactly once", "Runbooks and unattended runs", "Errors", "SEE ALSO" })
            Assert.Contains("\n" + (heading.ToUpperInvariant() == heading ? heading : "    " + heading) + "\n", topic);
        Assert.Contains("-ReuseExisting", topic);
        Assert.Contains("OMISE_SECRET_KEY", topic);
        Assert.StartsWith("How the OmiseLinks module connects to Omise", result.Output[^1].ToString());
    }

    [Fact]
    public void The_MAML_file_is_well_formed_with_one_command_per_cmdlet_page()
    {
        var pages = Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*-*.md").Select(Path.GetFileNameWithoutExtension)
            .Where(name => System.Text.RegularExpressions.Regex.IsMatch(name!, "^[A-Z][A-Za-z]*-[A-Z][A-Za-z]*$")).Order().ToList();
        var maml = XDocument.Load(Path.Combine(HelpFolder, "OmiseLinks.dll-Help.xml"));

        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        XNamespace maml2004 = "http://schemas.microsoft.com/maml/2004/10";
        XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        Assert.Equal("helpItems", maml.Root!.Name.LocalName);
        Assert.Equal("maml", (string?)maml.Root.Attribute("schema"));
        var commands = maml.Root.Elements(command + "command").ToList();
        Assert.Equal(pages, commands.Select(c => (string)c.Element(command + "details")!.Element(command + "name")!).Order());
        Assert.All(commands, c =>
        {
            Assert.NotNull(c.Element(command + "details")!.Element(maml2004 + "description")!.Element(maml2004 + "para"));
            foreach (var part in new[] { "syntax", "parameters", "inputTypes", "returnValues", "examples", "relatedLinks" })
                Assert.NotNull(c.Element(command + part));
            Assert.All(c.Descendants(command + "example"), e => Assert.False(string.IsNullOrWhiteSpace((string?)e.Element(dev + "code"))));
        });
        Assert.DoesNotContain("{{", File.ReadAllText(Path.Combine(HelpFolder, "OmiseLinks.dll-Help.xml")));
    }

    [Fact]
    public void Every_cmdlet_page_numbers_its_examples_1_2_3_without_a_gap_or_a_repeat()
    {
        foreach (var path in Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*-*.md"))
        {
            var numbers = File.ReadLines(path).Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^### Example (\d+):"))
                .Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
            Assert.True(numbers.SequenceEqual(Enumerable.Range(1, numbers.Count)), $"{Path.GetFileName(path)}: examples numbered {string.Join(", ", numbers)}");
        }
    }
}

/// <summary>
/// Every example in docs/ runs as a user would run it, against the emulator, in the real engine with the cmdlets pwsh
/// ships (Import-Csv, Export-Csv, Select-Object...): the ```powershell blocks of each "### Example" of a cmdlet page and
/// the ```powershell blocks of an about_ page. The ```csv &lt;file&gt; blocks of the pages are the files the examples read,
/// written into the example's working folder. What needs a person or Azure Automation is answered for them:
/// Read-Host -AsSecureString answers the emulator's key, Get-AutomationPSCredential gives a credential holding it, and
/// OMISE_SECRET_KEY / OMISE_API_URI point at the emulator. When an example shows an ```output block and writes only
/// text, the text must be the same.
/// </summary>
[Collection("Environment")]
public class HelpExampleTests(ITestOutputHelper log)
{
    private const string StandIns = """
        function Read-Host {
            param([Parameter(Position = 0)][string] $Prompt, [switch] $AsSecureString)
            if (-not $AsSecureString) { throw 'This stand-in only answers Read-Host -AsSecureString.' }
            $key
        }
        function Get-AutomationPSCredential {
            param([Parameter(Mandatory)][string] $Name)
            [pscredential]::new('omise', $key)
        }
        """;

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in DocExamples.All) data.Add(example.Page, example.Title);
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_runs_against_the_emulator(string page, string title)
    {
        var example = DocExamples.All.Single(e => e.Page == page && e.Title == title);
        log.WriteLine(example.Code);
        await using var bed = await TestBed.StartAsync();
        var folder = Directory.CreateTempSubdirectory("omiselinks-example-");
        Environment.SetEnvironmentVariable("OMISE_SECRET_KEY", bed.Emulator.SecretKey);
        Environment.SetEnvironmentVariable("OMISE_API_URI", bed.Emulator.BaseUri.ToString());
        try
        {
            foreach (var (name, content) in DocExamples.CsvFiles) File.WriteAllText(Path.Combine(folder.FullName, name), content);
            bed.Shell.Runspace.SessionStateProxy.Path.SetLocation(folder.FullName);
            Assert.Empty(bed.Run(StandIns).Errors);

            var result = bed.Run(example.Code);

            Assert.Null(result.Terminating);
            Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            Assert.DoesNotContain(bed.Emulator.SecretKey, result.AllText());
            var printed = result.Output.Select(o => o?.BaseObject).ToList();
            if (example.Output != null && printed.Count > 0 && printed.All(o => o is string))
                Assert.Equal(example.Output.Split('\n'), printed.Cast<string>());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OMISE_SECRET_KEY", null);
            Environment.SetEnvironmentVariable("OMISE_API_URI", null);
            folder.Delete(recursive: true);
        }
    }
}

public sealed record DocBlock(string Info, string Arguments, string Text);

public sealed record DocExample(string Page, string Title, List<DocBlock> Blocks)
{
    private IEnumerable<DocBlock> PowerShellBlocks => Blocks.Where(b => b.Info == "powershell");
    public string Code => string.Join("\n", PowerShellBlocks.Select(b => b.Text));
    public string? Output => Blocks.FirstOrDefault(b => b.Info == "output")?.Text;
}

/// <summary>The examples of docs/*.md, read the way the pages are written: headings and fenced blocks.</summary>
public static class DocExamples
{
    private static readonly (List<DocExample> Examples, List<(string Name, string Content)> CsvFiles) Pages = Read();

    public static IReadOnlyList<DocExample> All => Pages.Examples;

    /// <summary>The ```csv &lt;file name&gt; blocks of every page: the files the examples read.</summary>
    public static IReadOnlyList<(string Name, string Content)> CsvFiles => Pages.CsvFiles;

    private static (List<DocExample>, List<(string, string)>) Read()
    {
        var examples = new List<DocExample>();
        var csvFiles = new List<(string Name, string Content)>();
        foreach (var path in Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md").Order())
        {
            var page = Path.GetFileNameWithoutExtension(path);
            var isAbout = page.StartsWith("about_", StringComparison.Ordinal);
            string? section = null, heading = null;
            List<DocBlock>? blocks = null;
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.StartsWith("## ")) { section = line[3..].Trim(); heading = null; blocks = null; continue; }
                if (line.StartsWith("### ")) { heading = line[4..].Trim(); blocks = null; continue; }
                if (!line.StartsWith("```")) continue;

                var info = line[3..].Trim().Split(' ', 2);
                var text = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```"); i++) text.Add(lines[i]);
                var block = new DocBlock(info[0], info.Length > 1 ? info[1] : "", string.Join("\n", text));
                if (block.Info == "csv" && block.Arguments.Length > 0)
                {
                    var content = block.Text + "\n";
                    if (csvFiles.Any(f => f.Name == block.Arguments && f.Content != content))
                        throw new InvalidOperationException($"{page}: {block.Arguments} is shown with two different contents in docs/.");
                    csvFiles.Add((block.Arguments, content));
                }

                var inExamples = section == "EXAMPLES" && heading != null;
                var inAbout = isAbout && block.Info == "powershell";
                if (!inExamples && !inAbout) continue;
                if (blocks == null)
                {
                    blocks = [];
                    var title = heading ?? section ?? page;
                    if (inAbout) title += $" (line {i})";
                    examples.Add(new DocExample(page, title, blocks));
                }
                blocks.Add(block);
                if (inAbout) blocks = null;
            }
        }
        return (examples, csvFiles);
    }
}
