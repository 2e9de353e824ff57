using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace FashnBackground
{
    /// <summary>Completes -Id with the predictions this session has seen, newest first, with their source as tooltip.</summary>
    public sealed class PredictionIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return PredictionHistory.All()
                .Where(p => p.Id!.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(p => new CompletionResult(p.Id, p.Id, CompletionResultType.ParameterValue,
                    $"{p.Status} {p.Source ?? ""}".Trim()));
        }
    }
}
