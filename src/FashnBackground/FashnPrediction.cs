using System;

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
    }

    /// <summary>The account balance (Get-FashnCredits).</summary>
    public sealed class FashnCredits
    {
        public long Total { get; set; }
        public long Subscription { get; set; }
        public long OnDemand { get; set; }
    }
}
