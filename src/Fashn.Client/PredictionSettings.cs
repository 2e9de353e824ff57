using System;
using System.Globalization;

namespace Fashn.Client
{
    /// <summary>
    /// What a prediction is asked for besides its image: one record for the run request and the journal key, so the
    /// two cannot disagree. Everything here but the webhook decides the result, and so is part of the key.
    /// </summary>
    public sealed class PredictionSettings
    {
        public PredictionSettings(string prompt, long? seed = null, string? outputFormat = null,
            string modelName = RunRequest.BackgroundChangeModel, bool returnBase64 = false, Uri? webhookUrl = null)
        {
            Prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
            Seed = seed;
            OutputFormat = outputFormat;
            ModelName = modelName ?? throw new ArgumentNullException(nameof(modelName));
            ReturnBase64 = returnBase64;
            WebhookUrl = webhookUrl;
        }

        public string Prompt { get; }

        /// <summary>0 .. 2^32-1; null for the service's default.</summary>
        public long? Seed { get; }

        /// <summary>"png" or "jpeg"; null for the service's default.</summary>
        public string? OutputFormat { get; }

        public string ModelName { get; }

        public bool ReturnBase64 { get; }

        /// <summary>Where FASHN posts the result as well; not part of the journal key (it does not change the result).</summary>
        public Uri? WebhookUrl { get; }

        internal RunRequest CreateRequest(string image, SentImageInfo? sentImage) => new RunRequest(image, Prompt)
        {
            ModelName = ModelName,
            Seed = Seed,
            OutputFormat = OutputFormat,
            ReturnBase64 = ReturnBase64,
            WebhookUrl = WebhookUrl,
            SentImage = sentImage,
        };

        /// <summary>The settings as the journal key hashes them, with the API the prediction is sent to.</summary>
        internal string ToJournalText(Uri baseUri) =>
            string.Join("\n", Prompt, Seed?.ToString(CultureInfo.InvariantCulture) ?? "", OutputFormat ?? "", ModelName,
                ReturnBase64 ? "base64" : "url", baseUri.AbsoluteUri);
    }
}
