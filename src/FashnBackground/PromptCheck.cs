using System.Collections.Generic;
using System.Linq;

namespace FashnBackground
{
    /// <summary>
    /// The checks of a prompt before anything is sent: given once on the command line, or bound from each piped object
    /// (an Import-Csv row can carry its own), when the problem is that object's alone.
    /// </summary>
    internal static class PromptCheck
    {
        public const int MaxPromptLength = 2000;

        /// <summary>Why a prompt given with -Prompt cannot be sent, or null when it can.</summary>
        public static string? CommandLineProblem(string? prompt)
        {
            if (string.IsNullOrWhiteSpace(prompt)) return "The prompt is blank. Describe the new background, for example -Prompt 'studio'.";
            return prompt!.Length > MaxPromptLength ? TooLong(prompt) : null;
        }

        /// <summary>Why the prompt bound from a piped object cannot be sent, naming the object's inputs; null when it can.</summary>
        public static string? PipedProblem(string? prompt, IEnumerable<string> inputs)
        {
            var named = string.Join("', '", inputs.Select(i => i.Length > 200 ? i.Substring(0, 200) + "..." : i));
            if (string.IsNullOrWhiteSpace(prompt))
            {
                return $"No prompt for '{named}': the piped object has no Prompt property, or it is empty. " +
                       "Add a Prompt column (or property) for it, or give -Prompt for every input.";
            }
            return prompt!.Length > MaxPromptLength ? $"No usable prompt for '{named}': " + TooLong(prompt) : null;
        }

        private static string TooLong(string prompt) =>
            $"The prompt has {prompt.Length} characters; at most {MaxPromptLength} are accepted. Describe the background in a sentence or two.";
    }
}
