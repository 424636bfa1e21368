using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Omise.Core;

namespace OmiseLinks.Binding
{
    /// <summary>
    /// Tab completion for -Currency: the five currencies. -Currency takes any text at binding so that a wrong cell is
    /// its row's error (with the row number) rather than the binder's; the check itself is LinkFields.NormalizeCurrency.
    /// </summary>
    public sealed class CurrencyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return LinkFields.Currencies
                .Where(c => c.StartsWith(typed, System.StringComparison.OrdinalIgnoreCase))
                .Select(c => new CompletionResult(c, c, CompletionResultType.ParameterValue, c.ToUpperInvariant()));
        }
    }
}
