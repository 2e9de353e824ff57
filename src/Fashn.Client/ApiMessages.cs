using System;
using System.Collections.Generic;

namespace Fashn.Client
{
    /// <summary>The body of POST /v1/run for background-change, or edit with its own inputs (null ones are not sent).</summary>
    public sealed class RunRequest
    {
        public const string BackgroundChangeModel = "background-change";

        public RunRequest(string image, string prompt)
        {
            Image = image;
            Prompt = prompt;
        }

        public string ModelName { get; set; } = BackgroundChangeModel;

        /// <summary>An https URL or a data URI ("data:image/png;base64,...").</summary>
        public string Image { get; }

        public string Prompt { get; }

        /// <summary>0 .. 2^32-1; the service's default is 42.</summary>
        public long? Seed { get; set; }

        /// <summary>"png" or "jpeg".</summary>
        public string? OutputFormat { get; set; }

        public bool ReturnBase64 { get; set; }

        /// <summary>Query parameter webhook_url.</summary>
        public Uri? WebhookUrl { get; set; }

        /// <summary>edit: image_context, a reference image as a URL or data URI.</summary>
        public string? ImageContext { get; set; }

        /// <summary>edit: "1k", "2k" or "4k".</summary>
        public string? Resolution { get; set; }

        /// <summary>edit: "fast", "balanced" or "quality".</summary>
        public string? GenerationMode { get; set; }

        /// <summary>edit: outputs of the one prediction, 1 to <see cref="EditModel.MaxNumImages"/>.</summary>
        public int? NumImages { get; set; }

        /// <summary>The images sent inside the body (data URIs), in bytes: what makes a run body large.</summary>
        internal long InlineBytes => Image.Length + (ImageContext?.Length ?? 0);

        /// <summary>What the image input holds when it was made from a local file (not sent to the service).</summary>
        public SentImageInfo? SentImage { get; set; }
    }

    /// <summary>The statuses the documentation names. Others may come; anything not running counts as finished.</summary>
    public static class PredictionStatuses
    {
        public const string Starting = "starting";
        public const string InQueue = "in_queue";
        public const string Processing = "processing";
        public const string Completed = "completed";
        public const string Failed = "failed";
        public const string Canceled = "canceled";
        public const string TimeOut = "time_out";

        public static bool IsFinished(string status) =>
            status != Starting && status != InQueue && status != Processing;
    }

    /// <summary>A runtime error of a prediction: {name, message}. Unknown names are kept as they are.</summary>
    public sealed class PredictionError
    {
        public PredictionError(string name, string message)
        {
            Name = name;
            Message = message;
        }

        public string Name { get; }
        public string Message { get; }

        /// <summary>FASHN advises retrying these; failed predictions are not billed.</summary>
        public bool IsRetryable => FashnErrorCatalogue.IsRetryAdvised(Name);
    }

    /// <summary>One answer of GET /v1/status/{id}.</summary>
    public sealed class PredictionStatus
    {
        public PredictionStatus(string id, string status, IReadOnlyList<string>? output, PredictionError? error, int? creditsUsed)
        {
            Id = id;
            Status = status;
            Output = output ?? Array.Empty<string>();
            Error = error;
            CreditsUsed = creditsUsed;
        }

        public string Id { get; }
        public string Status { get; }
        public IReadOnlyList<string> Output { get; }
        public PredictionError? Error { get; }

        /// <summary>From the x-fashn-credits-used header of a completed answer.</summary>
        public int? CreditsUsed { get; }

        public bool IsFinished => PredictionStatuses.IsFinished(Status);
    }

    /// <summary>GET /v1/credits.</summary>
    public sealed class CreditsBalance
    {
        public CreditsBalance(long total, long subscription, long onDemand)
        {
            Total = total;
            Subscription = subscription;
            OnDemand = onDemand;
        }

        public long Total { get; }
        public long Subscription { get; }
        public long OnDemand { get; }
    }
}
