using Fashn.Emulator.Errors;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Models;
using Fashn.Emulator.Requests;

namespace Fashn.Emulator.Predictions
{
    /// <summary>One prediction's state. Fields set by the lifecycle task are read by request threads, hence volatile.</summary>
    internal sealed class Prediction
    {
        public Prediction(string id, RunRequest request)
        {
            Id = id;
            Request = request;
            Credits = request.Model.CreditsPerImage(request.Inputs) * request.Model.OutputCount(request.Inputs);
            Images = request.Model.ImageInputs(request.Inputs).Select(input => new InputImage(input.Field, input.Source)).ToArray();
            string extension = Inputs.OutputFormat == OutputImageFormat.Jpeg ? "jpg" : "png";
            OutputFileNames = Enumerable.Range(0, request.Model.OutputCount(request.Inputs)).Select(i => $"output_{i}.{extension}").ToArray();
        }

        public string Id { get; }
        public RunRequest Request { get; }
        public PredictionModel Model => Request.Model;
        public PredictionInputs Inputs => Request.Inputs;

        /// <summary>What it costs (its credits per output image times its outputs): reserved while it runs, spent only when it completes.</summary>
        public int Credits { get; }

        /// <summary>Its image inputs, <c>image</c> first.</summary>
        public IReadOnlyList<InputImage> Images { get; }

        /// <summary>The <c>image</c> input, the one the stats count.</summary>
        public InputImage Image => Images[0];

        /// <summary>The key of this input in the stats (sha256 hex).</summary>
        public string InputKey { get; set; } = "";

        /// <summary>An injected <c>fail:</c> fault: the prediction fails with this error name.</summary>
        public string? InjectedFailure { get; set; }

        public volatile string Status = PredictionStatuses.Starting;
        public volatile PredictionError? Error;

        /// <summary>Where the outputs live on disk once completed, in the order of <see cref="OutputFileNames"/>; null before and once deleted.</summary>
        public volatile string[]? OutputPaths;

        /// <summary>Ticks (UTC) when the prediction finished; 0 while it runs.</summary>
        public long FinishedTicks;

        /// <summary>UTC ticks when it was created.</summary>
        public long CreatedTicks { get; set; } = DateTime.UtcNow.Ticks;

        /// <summary>UTC ticks when it entered <c>processing</c>; 0 before.</summary>
        public long ProcessingTicks;

        /// <summary>How long it takes (unscaled), drawn when it was created.</summary>
        public PredictionTimes Times { get; set; } = new(0, 0);

        /// <summary>Time spent running in earlier runs of the emulator (a prediction resumed after a restart).</summary>
        public TimeSpan ActiveBefore { get; set; }

        /// <summary>Runs while the lifecycle of this emulator run drives it.</summary>
        public System.Diagnostics.Stopwatch RunClock { get; } = new();

        /// <summary>How long it has been running, over every run of the emulator.</summary>
        public TimeSpan Active => ActiveBefore + RunClock.Elapsed;

        /// <summary>An injected <c>canceled</c> or <c>time_out</c> fault: the prediction ends with this status, without output.</summary>
        public string? InjectedStatus { get; set; }

        /// <summary>Any status outside the three running ones is final, as the spec says.</summary>
        public bool IsFinished => Status is not (PredictionStatuses.Starting or PredictionStatuses.InQueue or PredictionStatuses.Processing);

        /// <summary>output_0.png, output_1.png, ... (or .jpg): one per output image.</summary>
        public IReadOnlyList<string> OutputFileNames { get; }

        public string OutputContentType => Inputs.OutputFormat == OutputImageFormat.Jpeg ? "image/jpeg" : "image/png";

        /// <summary>A new id that looks like the real ones (a UUID-like text with a suffix) and is deliberately not pure hex.</summary>
        public static string NewId()
        {
            string hex = Guid.NewGuid().ToString("D");
            return hex.Substring(0, 7) + "r" + hex.Substring(8) + "-u1";
        }
    }

    internal static class PredictionStatuses
    {
        public const string Starting = "starting";
        public const string InQueue = "in_queue";
        public const string Processing = "processing";
        public const string Completed = "completed";
        public const string Failed = "failed";

        /// <summary>The schema's two other final statuses; the emulator reaches them only by fault.</summary>
        public const string Canceled = "canceled";
        public const string TimeOut = "time_out";
    }
}
