using System.Collections.Generic;

namespace Fashn.Client.ContactSheet
{
    /// <summary>
    /// One input of a batch as the contact sheet shows it: what was asked, what became of it, and the files to show.
    /// Every text here may come from a user or the server; the page escapes all of it.
    /// </summary>
    public sealed class ContactSheetEntry
    {
        /// <summary>The prediction's id; null when the input failed before it was submitted (a broken file).</summary>
        public string? PredictionId { get; set; }

        /// <summary>The service's status (completed, failed, starting, ...); null when no prediction was made.</summary>
        public string? Status { get; set; }

        /// <summary>The input: a local file's full path, a URL, "data URI", or null when unknown.</summary>
        public string? Source { get; set; }

        public string? Prompt { get; set; }

        public long? Seed { get; set; }

        public string? ModelName { get; set; }

        public string? OutputFormat { get; set; }

        public int? CreditsUsed { get; set; }

        public string? ErrorName { get; set; }

        public string? ErrorMessage { get; set; }

        /// <summary>Full paths of the saved outputs (Save-FashnOutput's files).</summary>
        public IList<string> OutputFiles { get; } = new List<string>();

        /// <summary>completed, failed or unfinished: the group the page's filter shows it in.</summary>
        public string Group =>
            Status == PredictionStatuses.Completed ? ContactSheetGroups.Completed
            : Status == null || ErrorName != null || PredictionStatuses.IsFinished(Status) ? ContactSheetGroups.Failed
            : ContactSheetGroups.Unfinished;

        /// <summary>Takes what <paramref name="later"/> knows: its non-empty values win, saved files are added.</summary>
        internal void MergeFrom(ContactSheetEntry later)
        {
            PredictionId = later.PredictionId ?? PredictionId;
            if (later.Status != null)
            {
                // A status and its error belong together: a completed status clears an earlier error.
                Status = later.Status;
                ErrorName = later.ErrorName;
                ErrorMessage = later.ErrorMessage;
            }
            else
            {
                ErrorName = later.ErrorName ?? ErrorName;
                ErrorMessage = later.ErrorMessage ?? ErrorMessage;
            }
            Source = later.Source ?? Source;
            Prompt = later.Prompt ?? Prompt;
            Seed = later.Seed ?? Seed;
            ModelName = later.ModelName ?? ModelName;
            OutputFormat = later.OutputFormat ?? OutputFormat;
            CreditsUsed = later.CreditsUsed ?? CreditsUsed;
            foreach (var file in later.OutputFiles)
            {
                if (!OutputFiles.Contains(file)) OutputFiles.Add(file);
            }
        }
    }

    /// <summary>The groups the page filters by.</summary>
    public static class ContactSheetGroups
    {
        public const string Completed = "completed";
        public const string Failed = "failed";
        public const string Unfinished = "unfinished";
    }
}
