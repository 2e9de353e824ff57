using Fashn.Emulator.Errors;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Requests;

namespace Fashn.Emulator.Persistence
{
    /// <summary>A prediction to its <see cref="SavedPrediction"/> in <c>state.json</c> and back.</summary>
    internal static class SavedPredictionMapping
    {
        public static SavedPrediction ToSaved(Prediction prediction)
        {
            string status = prediction.Status;
            bool finished = status is PredictionStatuses.Completed or PredictionStatuses.Failed;
            PredictionError? error = prediction.Error;
            return new SavedPrediction
            {
                Id = prediction.Id,
                InputSha256 = prediction.InputKey,
                ImageUrl = InputImageIntake.IsUrl(prediction.Request.Image) ? prediction.Request.Image : null,
                InputProblem = prediction.InputProblem,
                InjectedFailure = prediction.InjectedFailure,
                Prompt = prediction.Request.Prompt,
                Seed = prediction.Request.Seed,
                OutputFormat = prediction.Request.OutputFormat == OutputImageFormat.Jpeg ? "jpeg" : "png",
                ReturnBase64 = prediction.Request.ReturnBase64,
                WebhookUrl = prediction.Request.WebhookUrl?.AbsoluteUri,
                Status = status,
                ActiveSeconds = finished ? 0 : prediction.Active.TotalSeconds,
                CreatedTicks = prediction.CreatedTicks,
                FinishedTicks = Interlocked.Read(ref prediction.FinishedTicks),
                ErrorName = error?.Name,
                ErrorMessage = error?.Message,
                OutputFile = prediction.OutputPath is null ? null : prediction.OutputFileName,
                CreditsSpent = status == PredictionStatuses.Completed ? 1 : 0,
            };
        }

        /// <summary>The prediction as it was saved; its input bytes and output path are for the caller to find on disk.</summary>
        public static Prediction FromSaved(SavedPrediction saved)
        {
            OutputImageFormat format = saved.OutputFormat == "jpeg" ? OutputImageFormat.Jpeg : OutputImageFormat.Png;
            Uri? webhook = saved.WebhookUrl is null ? null : new Uri(saved.WebhookUrl);
            // A data URI is not kept (its decoded bytes are, in input.bin); the image text only matters for URLs.
            var request = new RunRequest(saved.ImageUrl ?? "data:", saved.Prompt, saved.Seed, format, saved.ReturnBase64, webhook);
            var prediction = new Prediction(saved.Id, request)
            {
                InputKey = saved.InputSha256,
                InputProblem = saved.InputProblem,
                InjectedFailure = saved.InjectedFailure,
                CreatedTicks = saved.CreatedTicks,
                ActiveBefore = TimeSpan.FromSeconds(saved.ActiveSeconds),
            };
            prediction.Status = saved.Status;
            prediction.FinishedTicks = saved.FinishedTicks;
            prediction.Error = saved.ErrorName is null ? null : new PredictionError(saved.ErrorName, saved.ErrorMessage ?? "");
            return prediction;
        }
    }
}
