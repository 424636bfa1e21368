using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace OmiseLinks.Completion
{
    /// <summary>
    /// Completes -Id with the link ids this session created or read lately, newest first. No request is sent:
    /// completion must be instant and must not spend rate limit.
    /// </summary>
    public sealed class LinkIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = SessionOf(fakeBoundParameters) ?? SessionStore.CurrentOfDefaultRunspace();
            if (session == null) yield break;
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (var id in session.RecentLinkIds())
                if (id.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                    yield return new CompletionResult(id, id, CompletionResultType.ParameterValue, id);
        }

        private static OmiseSession? SessionOf(IDictionary? bound)
        {
            var value = bound != null && bound.Contains("Session") ? bound["Session"] : null;
            return (value is PSObject ps ? ps.BaseObject : value) as OmiseSession;
        }
    }
}
