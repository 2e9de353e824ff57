using System;
using System.Globalization;
using System.Linq;

namespace Fashn.Client
{
    /// <summary>
    /// What a prediction is asked for besides its image: one record for the run request and the journal key, so the
    /// two cannot disagree. Everything here but the webhook decides the result, and so is part of the key.
    /// </summary>
    public sealed class PredictionSettings
    {
        /// <param name="resolution">edit only, like <paramref name="generationMode"/>, <paramref name="numImages"/> and <paramref name="imageContext"/>; null leaves it to the service.</param>
        /// <exception cref="FashnException">InvalidArgument: edit's inputs for another model, or out of their range (<see cref="EditModel.InputsProblem"/>).</exception>
        public PredictionSettings(string prompt, long? seed = null, string? outputFormat = null,
            string modelName = RunRequest.BackgroundChangeModel, bool returnBase64 = false, Uri? webhookUrl = null,
            string? resolution = null, string? generationMode = null, int? numImages = null, ContextImage? imageContext = null)
        {
            Prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
            Seed = seed;
            OutputFormat = outputFormat;
            ModelName = modelName ?? throw new ArgumentNullException(nameof(modelName));
            ReturnBase64 = returnBase64;
            WebhookUrl = webhookUrl;
            var problem = EditModel.InputsProblem(modelName, resolution, generationMode, numImages, imageContext != null);
            if (problem != null) throw new FashnException(FashnErrorCodes.InvalidArgument, problem);
            Resolution = resolution;
            GenerationMode = generationMode;
            NumImages = numImages;
            ImageContext = imageContext;
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

        /// <summary>edit: "1k", "2k" or "4k"; null for the service's default (1k).</summary>
        public string? Resolution { get; }

        /// <summary>edit: "fast", "balanced" or "quality"; null for the service's default.</summary>
        public string? GenerationMode { get; }

        /// <summary>edit: how many outputs the one prediction makes; null for the service's default (1).</summary>
        public int? NumImages { get; }

        /// <summary>edit: the reference image sent as image_context.</summary>
        public ContextImage? ImageContext { get; }

        /// <summary>
        /// What decides how long the prediction takes, as the key its learned times are kept under
        /// (<see cref="DurationEstimator"/>): the model and, for edit, resolution, generation mode and number of images.
        /// </summary>
        public string DurationKey => string.Join("|", ModelName, Resolution ?? "", GenerationMode ?? "",
            NumImages?.ToString(CultureInfo.InvariantCulture) ?? "");

        internal RunRequest CreateRequest(string image, SentImageInfo? sentImage) => new RunRequest(image, Prompt)
        {
            ModelName = ModelName,
            Seed = Seed,
            OutputFormat = OutputFormat,
            ReturnBase64 = ReturnBase64,
            WebhookUrl = WebhookUrl,
            ImageContext = ImageContext?.RunInput,
            Resolution = Resolution,
            GenerationMode = GenerationMode,
            NumImages = NumImages,
            SentImage = sentImage,
        };

        /// <summary>
        /// The settings as the journal key hashes them, with the API the prediction is sent to. edit's inputs are added
        /// only when given, so the keys of background-change predictions journaled by earlier versions stay the same.
        /// </summary>
        internal string ToJournalText(Uri baseUri)
        {
            var text = string.Join("\n", Prompt, Seed?.ToString(CultureInfo.InvariantCulture) ?? "", OutputFormat ?? "", ModelName,
                ReturnBase64 ? "base64" : "url", baseUri.AbsoluteUri);
            if (Resolution == null && GenerationMode == null && NumImages == null && ImageContext == null) return text;
            var context = ImageContext == null ? "" : string.Concat(ImageContext.ContentHash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            return string.Join("\n", text, Resolution ?? "", GenerationMode ?? "", NumImages?.ToString(CultureInfo.InvariantCulture) ?? "", context);
        }
    }
}
