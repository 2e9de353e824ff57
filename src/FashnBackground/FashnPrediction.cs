using System;
using System.Linq;
using Fashn.Client;

namespace FashnBackground
{
    /// <summary>One prediction as the cmdlets write it: what was asked, what came back, how long it took.</summary>
    public sealed class FashnPrediction
    {
        public string? Id { get; set; }

        /// <summary>starting, in_queue, processing, completed, failed, or another status the service reports.</summary>
        public string? Status { get; set; }

        /// <summary>The input: a file's full path, a URL, or null when only the id is known.</summary>
        public string? Source { get; set; }

        public string? Prompt { get; set; }

        public long? Seed { get; set; }

        public string? OutputFormat { get; set; }

        public string? ModelName { get; set; }

        /// <summary>edit only: the reference image as given (a file's path, a URL, or "data URI").</summary>
        public string? ImageContext { get; set; }

        /// <summary>edit only: 1k, 2k or 4k as asked; null when the service's default was left.</summary>
        public string? Resolution { get; set; }

        /// <summary>edit only: fast, balanced or quality as asked; null when the service's default was left.</summary>
        public string? GenerationMode { get; set; }

        /// <summary>edit only: the outputs asked for; null when the service's default was left.</summary>
        public int? NumImages { get; set; }

        /// <summary>CDN URLs, or data URIs with -ReturnBase64.</summary>
        public string[] Output { get; set; } = Array.Empty<string>();

        public string? ErrorName { get; set; }

        public string? ErrorMessage { get; set; }

        public int? CreditsUsed { get; set; }

        /// <summary>Predictions submitted for this input (more than 1 after a retried UnavailableError or PipelineError).</summary>
        public int Attempts { get; set; }

        /// <summary>True when an earlier run had started this prediction and it was collected instead of paid for again.</summary>
        public bool Collected { get; set; }

        public DateTimeOffset? SubmittedAt { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }

        /// <summary>Seconds from submission to the moment the result was seen.</summary>
        public double? Seconds { get; set; }

        /// <summary>What was uploaded for a local file: pixel size and bytes (after preparation).</summary>
        public int? SentWidth { get; set; }

        public int? SentHeight { get; set; }

        public long? SentBytes { get; set; }

        public long? OriginalBytes { get; set; }

        /// <summary>The API the prediction belongs to; Save-FashnOutput downloads from its host too.</summary>
        public string? ApiBaseUri { get; set; }

        public override string ToString() => Id ?? Source ?? "";

        // The one mapping from what the client core hands back to what the cmdlets write.

        /// <summary>The object written for one input's outcome (Invoke-FashnBackgroundChange).</summary>
        internal static FashnPrediction FromOutcome(PredictionOutcome outcome, string apiBaseUri)
        {
            var settings = outcome.Settings;
            var prediction = new FashnPrediction
            {
                Source = outcome.Source,
                Prompt = settings.Prompt,
                Seed = settings.Seed,
                OutputFormat = settings.OutputFormat ?? OutputFormatTransformationAttribute.DefaultFormat,
                ModelName = settings.ModelName,
                ImageContext = settings.ImageContext?.Source,
                Resolution = settings.Resolution,
                GenerationMode = settings.GenerationMode,
                NumImages = settings.NumImages,
                Attempts = outcome.Attempts,
                Collected = outcome.Collected,
                SubmittedAt = outcome.SubmittedAt,
                CompletedAt = outcome.FinishedAt,
                Seconds = SecondsBetween(outcome.SubmittedAt, outcome.FinishedAt),
                SentWidth = outcome.SentImage?.Width,
                SentHeight = outcome.SentImage?.Height,
                SentBytes = outcome.SentImage?.Bytes,
                OriginalBytes = outcome.SentImage?.OriginalBytes,
                ApiBaseUri = apiBaseUri,
            };
            if (outcome.Status != null) prediction.TakeStatus(outcome.Status);
            return prediction;
        }

        /// <summary>
        /// A status fetched by id (Get-FashnPrediction): what this session already knew of the prediction (its source
        /// file, prompt, submission) is kept, and the status refreshed.
        /// </summary>
        internal static FashnPrediction FromStatus(PredictionStatus status, FashnPrediction? known, string apiBaseUri)
        {
            var prediction = new FashnPrediction
            {
                Source = known?.Source,
                Prompt = known?.Prompt,
                Seed = known?.Seed,
                OutputFormat = known?.OutputFormat,
                ModelName = known?.ModelName,
                ImageContext = known?.ImageContext,
                Resolution = known?.Resolution,
                GenerationMode = known?.GenerationMode,
                NumImages = known?.NumImages,
                Attempts = known?.Attempts ?? 0,
                SubmittedAt = known?.SubmittedAt,
                SentWidth = known?.SentWidth,
                SentHeight = known?.SentHeight,
                SentBytes = known?.SentBytes,
                OriginalBytes = known?.OriginalBytes,
                ApiBaseUri = apiBaseUri,
            };
            prediction.TakeStatus(status);
            if (status.IsFinished && known?.SubmittedAt != null)
            {
                prediction.CompletedAt = known.CompletedAt ?? DateTimeOffset.UtcNow;
                prediction.Seconds = SecondsBetween(known.SubmittedAt, prediction.CompletedAt);
            }
            return prediction;
        }

        private void TakeStatus(PredictionStatus status)
        {
            Id = status.Id;
            Status = status.Status;
            Output = status.Output.ToArray();
            ErrorName = status.Error?.Name;
            ErrorMessage = status.Error?.Message;
            CreditsUsed = status.CreditsUsed ?? CreditsUsed;
        }

        private static double? SecondsBetween(DateTimeOffset? start, DateTimeOffset? end) =>
            start.HasValue && end.HasValue ? Math.Round((end.Value - start.Value).TotalSeconds, 2) : (double?)null;
    }

    /// <summary>The account balance (Get-FashnCredits).</summary>
    public sealed class FashnCredits
    {
        public long Total { get; set; }
        public long Subscription { get; set; }
        public long OnDemand { get; set; }
    }
}
