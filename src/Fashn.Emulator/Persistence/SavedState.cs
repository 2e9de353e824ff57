using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Persistence
{
    /// <summary>
    /// What an emulator with an explicit data folder keeps across a restart, written whole to <c>state.json</c>.
    /// Request counts, rejections, faults and the peak of running predictions are not kept: they restart from zero.
    /// </summary>
    internal sealed class SavedState
    {
        public int Version { get; set; } = 1;
        public long SubscriptionCredits { get; set; }
        public long OnDemandCredits { get; set; }
        public long Created { get; set; }
        public long Completed { get; set; }
        public long Failed { get; set; }
        public long Canceled { get; set; }
        public long TimedOut { get; set; }
        public List<SavedInput> Inputs { get; set; } = new();
        public List<SavedPrediction> Predictions { get; set; } = new();
    }

    /// <summary>An image input besides <c>image</c>: its URL (null for a data URI, kept in <c>&lt;id&gt;/&lt;field&gt;.bin</c> while it runs).</summary>
    internal sealed class SavedImage
    {
        public string Field { get; set; } = "";
        public string? Url { get; set; }
        public string? Problem { get; set; }
    }

    internal sealed class SavedInput
    {
        public string Sha256 { get; set; } = "";
        public long Predictions { get; set; }
        public long Bytes { get; set; }
        public string? Format { get; set; }
        public int? Width { get; set; }
        public int? Height { get; set; }
    }

    /// <summary>
    /// A tracked prediction: its model, background-change's inputs (which every model shares) and a model's further
    /// ones. Fields added since the first version are optional, so older files still load (as background-change).
    /// </summary>
    internal sealed class SavedPrediction
    {
        public string Id { get; set; } = "";

        /// <summary>The model_name; null in files written before a second model, which are all background-change.</summary>
        public string? Model { get; set; }
        public string InputSha256 { get; set; } = "";

        /// <summary>The image URL; null for a data URI, whose decoded bytes wait in <c>&lt;id&gt;/input.bin</c> until it finishes.</summary>
        public string? ImageUrl { get; set; }
        public string? InputProblem { get; set; }

        /// <summary>Image inputs besides <c>image</c> (edit's image_context and mask); null when there are none.</summary>
        public List<SavedImage>? ExtraImages { get; set; }

        /// <summary>Edit's resolution, generation mode and num_images; null for background-change.</summary>
        public string? Resolution { get; set; }
        public string? GenerationMode { get; set; }
        public int? NumImages { get; set; }
        public string? InjectedFailure { get; set; }

        /// <summary>An injected <c>canceled</c> or <c>time_out</c>; null otherwise (and in older files).</summary>
        public string? InjectedStatus { get; set; }
        public string Prompt { get; set; } = "";
        public long Seed { get; set; }
        public string OutputFormat { get; set; } = "png";
        public bool ReturnBase64 { get; set; }
        public string? WebhookUrl { get; set; }
        public string Status { get; set; } = PredictionStatuses.Starting;

        /// <summary>Time the prediction has spent running (starting, in_queue, processing) in earlier runs of the emulator.</summary>
        public double ActiveSeconds { get; set; }
        public long CreatedTicks { get; set; }

        /// <summary>UTC ticks when it entered processing; 0 before (and in files of emulators that did not keep it).</summary>
        public long ProcessingTicks { get; set; }

        /// <summary>Its drawn time in processing (unscaled); null in older files, which take the model's time.</summary>
        public double? PlannedProcessingSeconds { get; set; }

        /// <summary>Its drawn extra time in in_queue (unscaled).</summary>
        public double QueueDelaySeconds { get; set; }

        /// <summary>UTC ticks when it finished; 0 while it runs. Expiry counts from here, the stopped time included.</summary>
        public long FinishedTicks { get; set; }
        public string? ErrorName { get; set; }
        public string? ErrorMessage { get; set; }

        /// <summary>The output's file name while it is on disk (null once expired, or when it failed).</summary>
        public string? OutputFile { get; set; }
        public int CreditsSpent { get; set; }
    }
}
