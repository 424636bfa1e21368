using System.Text;
using System.Xml;

namespace HelpBuilder;

/// <summary>
/// Writes command help as the MAML that Get-Help reads in Windows PowerShell 5.1 and PowerShell 7:
/// helpItems / command:command with details, description, syntax, parameters, inputTypes, returnValues,
/// alertSet (notes), examples (title, code, remarks) and relatedLinks.
/// </summary>
public static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MSHelp = "http://msdn.microsoft.com/mshelp";

    public static void Write(IEnumerable<CommandHelp> commands, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var xml = XmlWriter.Create(path, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("helpItems", Msh);
        xml.WriteAttributeString("schema", "maml");
        foreach (var command in commands) WriteCommand(xml, command);
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter xml, CommandHelp help)
    {
        xml.WriteStartElement("command", "command", Command);
        xml.WriteAttributeString("xmlns", "maml", null, Maml);
        xml.WriteAttributeString("xmlns", "command", null, Command);
        xml.WriteAttributeString("xmlns", "dev", null, Dev);
        xml.WriteAttributeString("xmlns", "MSHelp", null, MSHelp);

        xml.WriteStartElement("command", "details", Command);
        xml.WriteElementString("command", "name", Command, help.Name);
        Description(xml, [help.Synopsis]);
        xml.WriteElementString("command", "verb", Command, help.Verb);
        xml.WriteElementString("command", "noun", Command, help.Noun);
        xml.WriteEndElement();

        Description(xml, help.Description);

        xml.WriteStartElement("command", "syntax", Command);
        foreach (var set in help.ParameterSets)
        {
            xml.WriteStartElement("command", "syntaxItem", Command);
            xml.WriteElementString("maml", "name", Maml, help.Name);
            foreach (var (parameter, inSet) in SyntaxOrder(help, set))
                WriteParameter(xml, parameter, inSet.IsRequired, inSet.Position, PipelineInput([inSet]), inSyntax: true);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in help.Parameters.Where(p => !p.Metadata.DontShow))
        {
            var sets = parameter.Metadata.ParameterSets;
            WriteParameter(xml, parameter, sets.Any(s => s.IsRequired), sets[0].Position, PipelineInput(sets), inSyntax: false);
        }
        xml.WriteEndElement();

        Types(xml, "inputTypes", "inputType", help.Inputs);
        Types(xml, "returnValues", "returnValue", help.Outputs);

        if (help.Notes.Count > 0)
        {
            xml.WriteStartElement("maml", "alertSet", Maml);
            xml.WriteStartElement("maml", "alert", Maml);
            foreach (var note in help.Notes) xml.WriteElementString("maml", "para", Maml, note);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("command", "examples", Command);
        foreach (var example in help.Examples)
        {
            xml.WriteStartElement("command", "example", Command);
            xml.WriteElementString("maml", "title", Maml, $"-------------------------- {example.Title} --------------------------");
            xml.WriteElementString("dev", "code", Dev, example.Code);
            xml.WriteStartElement("dev", "remarks", Dev);
            foreach (var remark in example.Remarks) xml.WriteElementString("maml", "para", Maml, remark);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteStartElement("command", "relatedLinks", Command);
        foreach (var link in help.RelatedLinks)
        {
            xml.WriteStartElement("maml", "navigationLink", Maml);
            xml.WriteElementString("maml", "linkText", Maml, link.Text);
            xml.WriteElementString("maml", "uri", Maml, link.Uri);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteEndElement();
    }

    /// <summary>Positional parameters by position, then mandatory ones, then the rest in page order, -WhatIf and -Confirm last.</summary>
    public static IEnumerable<(ParameterHelp Parameter, ParameterSetMetadata Set)> SyntaxOrder(CommandHelp help, string set) =>
        help.Parameters
            .Where(p => !p.Metadata.DontShow)
            .SelectMany(p => p.SetsFor(set).Take(1).Select(s => (Parameter: p, Set: s)))
            .Select((entry, index) => (entry, index))
            .OrderBy(e => e.entry.Set.PositionNumber ?? int.MaxValue)
            .ThenBy(e => e.entry.Set.IsRequired ? 0 : 1)
            .ThenBy(e => e.entry.Parameter.Name switch { "WhatIf" => 1, "Confirm" => 2, _ => 0 })
            .ThenBy(e => e.index)
            .Select(e => e.entry);

    private static string PipelineInput(IReadOnlyCollection<ParameterSetMetadata> sets)
    {
        var byValue = sets.Any(s => s.ValueFromPipeline);
        var byName = sets.Any(s => s.ValueFromPipelineByPropertyName);
        return (byValue, byName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
    }

    private static void WriteParameter(XmlWriter xml, ParameterHelp parameter, bool required, string position, string pipelineInput, bool inSyntax)
    {
        var metadata = parameter.Metadata;
        var isArray = metadata.Type.EndsWith("[]", StringComparison.Ordinal);
        xml.WriteStartElement("command", "parameter", Command);
        xml.WriteAttributeString("required", required ? "true" : "false");
        xml.WriteAttributeString("variableLength", isArray ? "true" : "false");
        xml.WriteAttributeString("globbing", metadata.SupportsWildcards ? "true" : "false");
        xml.WriteAttributeString("pipelineInput", pipelineInput);
        xml.WriteAttributeString("position", int.TryParse(position, out var number) ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named");
        xml.WriteAttributeString("aliases", metadata.Aliases.Count > 0 ? string.Join(", ", metadata.Aliases) : "none");
        xml.WriteElementString("maml", "name", Maml, parameter.Name);
        Description(xml, parameter.Description);

        if (metadata.AcceptedValues.Count > 0)
        {
            xml.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (var value in metadata.AcceptedValues)
            {
                xml.WriteStartElement("command", "parameterValue", Command);
                xml.WriteAttributeString("required", "false");
                xml.WriteAttributeString("command", "variableLength", Command, "false");
                xml.WriteString(value);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        // A switch takes no value: syntax shows [-PassThru], never [-PassThru <SwitchParameter>].
        if (!parameter.IsSwitch || !inSyntax)
        {
            xml.WriteStartElement("command", "parameterValue", Command);
            xml.WriteAttributeString("required", parameter.IsSwitch ? "false" : "true");
            xml.WriteAttributeString("variableLength", isArray ? "true" : "false");
            xml.WriteString(parameter.ShortTypeName);
            xml.WriteEndElement();
        }
        xml.WriteStartElement("dev", "type", Dev);
        xml.WriteElementString("maml", "name", Maml, metadata.Type);
        xml.WriteElementString("maml", "uri", Maml, "");
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", Dev, string.IsNullOrEmpty(metadata.DefaultValue) ? "None" : metadata.DefaultValue);
        xml.WriteEndElement();
    }

    private static void Types(XmlWriter xml, string listName, string itemName, List<TypeHelp> types)
    {
        xml.WriteStartElement("command", listName, Command);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", itemName, Command);
            xml.WriteStartElement("dev", "type", Dev);
            xml.WriteElementString("maml", "name", Maml, type.TypeName);
            xml.WriteEndElement();
            Description(xml, type.Description);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Description(XmlWriter xml, IEnumerable<string> paragraphs)
    {
        xml.WriteStartElement("maml", "description", Maml);
        foreach (var paragraph in paragraphs) xml.WriteElementString("maml", "para", Maml, paragraph);
        xml.WriteEndElement();
    }
}
