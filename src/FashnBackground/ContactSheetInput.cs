using System;
using System.IO;
using System.Management.Automation;
using Fashn.Client;
using Fashn.Client.ContactSheet;

namespace FashnBackground
{
    /// <summary>
    /// Turns what the pipeline carries into contact sheet entries: the files Save-FashnOutput writes (they carry their
    /// prediction), predictions, and the error records of inputs that failed.
    /// </summary>
    internal static class ContactSheetInput
    {
        /// <summary>The note property Save-FashnOutput puts on each FileInfo it writes.</summary>
        internal const string PredictionProperty = "FashnPrediction";

        /// <summary>The entry for <paramref name="input"/>, or null with <paramref name="problem"/> saying why it cannot be shown.</summary>
        internal static ContactSheetEntry? ToEntry(PSObject input, out string? problem)
        {
            problem = null;
            switch (input.BaseObject)
            {
                case FashnPrediction prediction:
                    return FromPrediction(prediction);
                case FileInfo file:
                    if (input.Properties[PredictionProperty]?.Value is FashnPrediction saved)
                    {
                        var entry = FromPrediction(saved);
                        entry.OutputFiles.Add(file.FullName);
                        return entry;
                    }
                    problem = $"'{file.FullName}' carries no prediction: only the files Save-FashnOutput writes know their original, prompt and status. " +
                              "Pipe Save-FashnOutput's output (or its -OutVariable) to Export-FashnContactSheet.";
                    return null;
                case ErrorRecord record:
                    return FromError(record);
                default:
                    problem = $"A {input.BaseObject?.GetType().FullName ?? "null"} cannot be shown on a contact sheet. Pipe the files Save-FashnOutput writes, " +
                              "predictions from Invoke-FashnBackgroundChange or Get-FashnPrediction, or the error records of failed inputs (-ErrorVariable).";
                    return null;
            }
        }

        private static ContactSheetEntry FromPrediction(FashnPrediction prediction) => new ContactSheetEntry
        {
            PredictionId = prediction.Id,
            Status = prediction.Status,
            Source = prediction.Source,
            Prompt = prediction.Prompt,
            Seed = prediction.Seed,
            ModelName = prediction.ModelName,
            OutputFormat = prediction.OutputFormat,
            CreditsUsed = prediction.CreditsUsed,
            ErrorName = prediction.ErrorName,
            ErrorMessage = prediction.ErrorMessage,
        };

        /// <summary>An input that failed: the error's target is the input (a path, a URL, a prediction).</summary>
        private static ContactSheetEntry FromError(ErrorRecord record)
        {
            var fashn = record.Exception as FashnException;
            var entry = new ContactSheetEntry
            {
                PredictionId = fashn?.PredictionId,
                ErrorName = fashn?.ErrorCode ?? record.FullyQualifiedErrorId,
                ErrorMessage = record.ErrorDetails?.Message ?? record.Exception?.Message,
            };
            var target = record.TargetObject is PSObject wrapped ? wrapped.BaseObject : record.TargetObject;
            switch (target)
            {
                case FashnPrediction prediction:
                    entry.PredictionId ??= prediction.Id;
                    entry.Source = prediction.Source;
                    entry.Prompt = prediction.Prompt;
                    entry.Seed = prediction.Seed;
                    entry.ModelName = prediction.ModelName;
                    break;
                case FileSystemInfo file:
                    entry.Source = file.FullName;
                    break;
                case string text when text != entry.PredictionId: // Get-FashnPrediction's errors target the id
                    entry.Source = text.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? "data URI" : text;
                    break;
            }
            return entry;
        }
    }
}
