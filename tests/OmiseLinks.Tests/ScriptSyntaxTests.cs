using System.Management.Automation.Language;

namespace OmiseLinks.Tests;

/// <summary>
/// build.ps1 and the Pester and smoke scripts run in pwsh here and in Windows PowerShell 5.1 in the public CI. The
/// engine's own parser checks that they parse, and that they use no syntax Windows PowerShell 5.1 lacks.
/// </summary>
public class ScriptSyntaxTests
{
    private static string[] ScriptPaths() =>
        Directory.GetFiles(Repo.Root, "*.ps1", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.Root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "out" or ".git"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static TheoryData<string> Scripts() => new(ScriptPaths());

    [Fact]
    public void The_build_and_Pester_scripts_are_all_checked()
    {
        var scripts = ScriptPaths().Select(p => p.Replace(Path.DirectorySeparatorChar, '/')).ToArray();
        Assert.Contains("build.ps1", scripts);
        Assert.Contains("tests/Pester/Csv.Tests.ps1", scripts);
        Assert.Contains("tests/Pester/Smoke.ps1", scripts);
        Assert.Contains("tests/Pester/TestEmulator.ps1", scripts);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void The_script_parses_and_uses_only_Windows_PowerShell_5_1_syntax(string relativePath)
    {
        var ast = Parser.ParseFile(Path.Combine(Repo.Root, relativePath), out var tokens, out var errors);

        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}: {e.Message}")));
        var newer = ast.FindAll(node =>
            node is TernaryExpressionAst or PipelineChainAst
            || node is BinaryExpressionAst { Operator: TokenKind.QuestionQuestion }
            || node is AssignmentStatementAst { Operator: TokenKind.QuestionQuestionEquals }
            || node is MemberExpressionAst { NullConditional: true }
            || node is IndexExpressionAst { NullConditional: true }, searchNestedScriptBlocks: true).ToArray();
        Assert.True(newer.Length == 0,
            "PowerShell 7 only syntax: " + string.Join("; ", newer.Select(n => $"{relativePath}:{n.Extent.StartLineNumber}: {n.Extent.Text}")));
        Assert.DoesNotContain(tokens, t => t.Kind == TokenKind.Clean); // clean {} blocks are PowerShell 7.3+
    }
}
