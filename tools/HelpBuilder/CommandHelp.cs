namespace HelpBuilder;

/// <summary>One cmdlet's help, as read from its page: what the MAML writer needs and nothing more.</summary>
public sealed class CommandHelp
{
    public required string Name { get; init; }
    public required string Synopsis { get; init; }
    public required List<string> Description { get; init; }
    /// <summary>Parameter set names in page order; "__AllParameterSets" when the cmdlet has a single set.</summary>
    public required List<string> ParameterSets { get; init; }
    public required List<ParameterHelp> Parameters { get; init; }
    public required List<ExampleHelp> Examples { get; init; }
    public required List<TypeHelp> Inputs { get; init; }
    public required List<TypeHelp> Outputs { get; init; }
    public required List<string> Notes { get; init; }
    public required List<LinkHelp> RelatedLinks { get; init; }

    public string Verb => Name.Split('-', 2)[0];
    public string Noun => Name.Split('-', 2)[1];
}

public sealed class ParameterHelp
{
    public required string Name { get; init; }
    public required List<string> Description { get; init; }
    public required ParameterMetadata Metadata { get; init; }

    public bool IsSwitch => Metadata.Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";

    /// <summary>"SecureString" for "System.Security.SecureString": what syntax shows between angle brackets.</summary>
    public string ShortTypeName
    {
        get
        {
            var type = Metadata.Type;
            var generic = type.IndexOf('[');
            var head = generic >= 0 ? type[..generic] : type;
            var dot = head.LastIndexOf('.');
            return dot >= 0 ? type[(dot + 1)..] : type;
        }
    }

    public IEnumerable<ParameterSetMetadata> SetsFor(string setName) =>
        Metadata.ParameterSets.Where(s => s.Name == setName || s.Name == ParameterSetMetadata.AllSets);
}

/// <summary>The fenced yaml block under a parameter, in the platyPS 1.x (2024-05-01) schema.</summary>
public sealed class ParameterMetadata
{
    public string Type { get; set; } = "";
    public string? DefaultValue { get; set; }
    public bool SupportsWildcards { get; set; }
    /// <summary>Written by some platyPS 1.x versions; not used.</summary>
    public List<string>? ParameterValue { get; set; }
    public List<string> Aliases { get; set; } = [];
    public List<ParameterSetMetadata> ParameterSets { get; set; } = [];
    public bool DontShow { get; set; }
    public List<string> AcceptedValues { get; set; } = [];
    public string? HelpMessage { get; set; }
}

public sealed class ParameterSetMetadata
{
    /// <summary>platyPS' name for "in every parameter set".</summary>
    public const string AllSets = "(All)";

    public string Name { get; set; } = "";
    public string Position { get; set; } = "Named";
    public bool IsRequired { get; set; }
    public bool ValueFromPipeline { get; set; }
    public bool ValueFromPipelineByPropertyName { get; set; }
    public bool ValueFromRemainingArguments { get; set; }

    public int? PositionNumber => int.TryParse(Position, out var n) ? n : null;
}

public sealed class ExampleHelp
{
    public required string Title { get; init; }
    public required string Code { get; init; }
    public required List<string> Remarks { get; init; }
}

public sealed class TypeHelp
{
    public required string TypeName { get; init; }
    public required List<string> Description { get; init; }
}

public sealed class LinkHelp
{
    public required string Text { get; init; }
    /// <summary>Empty for a link to another page of this help (Get-Help shows the text, which names the topic).</summary>
    public required string Uri { get; init; }
}
