using System;
using System.Collections.Generic;
using System.Linq;
using Fashn.Client;

namespace FashnBackground
{
    /// <summary>
    /// What decides an input's result besides the image. Taken for each pipeline object, since objects such as
    /// Import-Csv rows can carry their own Prompt, Seed and OutputFormat, and kept with the input while its prediction
    /// runs, because the parameters are bound anew for the next object meanwhile.
    /// </summary>
    internal sealed class PredictionSettings
    {
        public const int MaxPromptLength = 2000;

        public PredictionSettings(string prompt, long? seed, string? outputFormat)
        {
            Prompt = prompt;
            Seed = seed;
            OutputFormat = outputFormat;
        }

        public string Prompt { get; }

        public long? Seed { get; }

        public string? OutputFormat { get; }

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

        /// <summary>The object written for one input's outcome.</summary>
        public FashnPrediction Describe(PredictionOutcome outcome, string modelName, string? apiBaseUri)
        {
            var prediction = new FashnPrediction
            {
                Source = outcome.Source,
                Prompt = Prompt,
                Seed = Seed,
                OutputFormat = OutputFormat ?? OutputFormatTransformationAttribute.DefaultFormat,
                ModelName = modelName,
                Attempts = outcome.Attempts,
                Collected = outcome.Collected,
                SubmittedAt = outcome.SubmittedAt,
                CompletedAt = outcome.FinishedAt,
                Seconds = outcome.SubmittedAt.HasValue && outcome.FinishedAt.HasValue
                    ? Math.Round((outcome.FinishedAt.Value - outcome.SubmittedAt.Value).TotalSeconds, 2)
                    : (double?)null,
                SentWidth = outcome.SentImage?.Width,
                SentHeight = outcome.SentImage?.Height,
                SentBytes = outcome.SentImage?.Bytes,
                OriginalBytes = outcome.SentImage?.OriginalBytes,
                ApiBaseUri = apiBaseUri,
            };
            if (outcome.Status != null) FashnCmdletBase.Apply(prediction, outcome.Status);
            return prediction;
        }
    }
}
