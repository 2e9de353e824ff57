using System;
using System.Collections.Generic;
using System.Linq;

namespace Fashn.Client
{
    /// <summary>
    /// FASHN's edit model, background-change's successor: the same image and prompt, and inputs of its own
    /// (image_context, resolution, generation_mode, num_images). Its name, the values those inputs take, and the check
    /// that they are given only to it.
    /// </summary>
    public static class EditModel
    {
        public const string Name = "edit";

        public const string Resolution1K = "1k";
        public const string Resolution2K = "2k";
        public const string Resolution4K = "4k";

        public const string Fast = "fast";
        public const string Balanced = "balanced";
        public const string Quality = "quality";

        /// <summary>The most outputs of one prediction: the newest SDK lists num_images for edit, its range is unconfirmed.</summary>
        public const int MaxNumImages = 4;

        /// <summary>1k (the service's default, about 1 MP), 2k (about 4 MP), 4k (about 16 MP).</summary>
        public static readonly IReadOnlyList<string> Resolutions = new[] { Resolution1K, Resolution2K, Resolution4K };

        /// <summary>Slower modes cost more credits.</summary>
        public static readonly IReadOnlyList<string> GenerationModes = new[] { Fast, Balanced, Quality };

        /// <summary>The models this module knows, as FASHN spells them.</summary>
        public static readonly IReadOnlyList<string> KnownModels = new[] { RunRequest.BackgroundChangeModel, Name };

        /// <summary>
        /// A value as FASHN spells it when it is one of <paramref name="known"/> in another case (PowerShell users type
        /// -ModelName Edit or -Resolution 4K, and FASHN's names are lower case); any other value as given.
        /// </summary>
        public static string? AsFashnSpellsIt(string? value, IEnumerable<string> known) =>
            value == null ? null : known.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase)) ?? value;

        /// <summary>
        /// What is wrong with edit's own inputs for <paramref name="modelName"/>, in words for the user; null when nothing is.
        /// Each is optional; given to another model, they are refused rather than sent where they mean nothing.
        /// </summary>
        public static string? InputsProblem(string modelName, string? resolution, string? generationMode, int? numImages, bool hasImageContext)
        {
            var given = new List<string>();
            if (hasImageContext) given.Add("-ImageContext");
            if (resolution != null) given.Add("-Resolution");
            if (generationMode != null) given.Add("-GenerationMode");
            if (numImages != null) given.Add("-NumImages");
            if (given.Count > 0 && !string.Equals(modelName, Name, StringComparison.Ordinal))
            {
                var list = given.Count == 1 ? given[0] : string.Join(", ", given.Take(given.Count - 1)) + " and " + given[given.Count - 1];
                return $"{list} {(given.Count == 1 ? "is an input" : "are inputs")} of the edit model; the model '{modelName}' does not take " +
                       $"{(given.Count == 1 ? "it" : "them")}. Add -ModelName edit (FASHN's successor of background-change, with the same image and prompt).";
            }
            if (resolution != null && !Resolutions.Contains(resolution))
            {
                return $"The resolution '{resolution}' is not one of edit's: {string.Join(", ", Resolutions)}.";
            }
            if (generationMode != null && !GenerationModes.Contains(generationMode))
            {
                return $"The generation mode '{generationMode}' is not one of edit's: {string.Join(", ", GenerationModes)}.";
            }
            if (numImages is int count && (count < 1 || count > MaxNumImages))
            {
                return $"NumImages must be 1 to {MaxNumImages}; it is {count}.";
            }
            return null;
        }
    }
}
