using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace OmiseLinks.Tests;

/// <summary>
/// A console-like host that records what PowerShell shows a user outside the pipeline: -WhatIf lines and
/// warnings written straight to the host. It never prompts (a runbook has no one to answer).
/// </summary>
public sealed class RecordingHost : PSHost
{
    private readonly RecordingUI _ui = new();
    public List<string> Lines => _ui.Lines;
    public override string Name => "OmiseLinks.Tests";
    public override Version Version => new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }

    private sealed class RecordingUI : PSHostUserInterface
    {
        public List<string> Lines { get; } = [];
        private void Add(string text) { lock (Lines) Lines.Add(text); }
        public override PSHostRawUserInterface? RawUI => null;
        public override void Write(string value) => Add(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Add(value);
        public override void WriteLine(string value) => Add(value);
        public override void WriteErrorLine(string value) => Add("ERROR: " + value);
        public override void WriteDebugLine(string message) => Add("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => Add("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => Add("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override string ReadLine() => throw new InvalidOperationException("The host was asked for input: nothing may prompt.");
        public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("The host was asked for input: nothing may prompt.");
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new InvalidOperationException($"The host was asked for input: {caption} {message}");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new InvalidOperationException("The host was asked for a credential.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new InvalidOperationException("The host was asked for a credential.");
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new InvalidOperationException($"The host was asked to choose: {caption} {message}");
    }
}
