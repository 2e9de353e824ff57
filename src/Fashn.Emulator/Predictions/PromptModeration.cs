using System.Text.RegularExpressions;

namespace Fashn.Emulator.Predictions
{
    /// <summary>Content moderation as the emulator plays it: a prompt holding a blocked word (a whole word, any case) fails.</summary>
    internal sealed class PromptModeration
    {
        private readonly string[] _blockedWords;

        public PromptModeration(string[] blockedWords) => _blockedWords = blockedWords;

        /// <summary>The first blocked word in the prompt, or null.</summary>
        public string? FindBlockedWord(string prompt)
        {
            foreach (string word in _blockedWords)
            {
                if (word.Length > 0 && Regex.IsMatch(prompt, @"\b" + Regex.Escape(word) + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
                {
                    return word;
                }
            }

            return null;
        }
    }
}
