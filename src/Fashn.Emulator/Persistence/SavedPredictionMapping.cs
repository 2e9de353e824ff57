using Fashn.Emulator.Errors;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Models;
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
            bool finished = prediction.IsFinished;
            PredictionError? error = prediction.Error;
            PredictionInputs inputs = prediction.Inputs;
            return new SavedPrediction
            {
                Id = prediction.Id,
                InputSha256 = prediction.InputKey,
                ImageUrl = InputImageIntake.IsUrl(inputs.Image) ? inputs.Image : null,
                InputProblem = prediction.InputProblem,
                InjectedFailure = prediction.InjectedFailure,
                InjectedStatus = prediction.InjectedStatus,
                Prompt = inputs.Prompt,
                Seed = inputs.Seed,
                OutputFormat = inputs.OutputFormat == OutputImageFormat.Jpeg ? "jpeg" : "png",
                ReturnBase64 = inputs.ReturnBase64,
                WebhookUrl = prediction.Request.WebhookUrl?.AbsoluteUri,
                Status = status,
                ActiveSeconds = finished ? 0 : prediction.Active.TotalSeconds,
                CreatedTicks = prediction.CreatedTicks,
                ProcessingTicks = Interlocked.Read(ref prediction.ProcessingTicks),
                PlannedProcessingSeconds = prediction.Times.ProcessingSeconds,
                QueueDelaySeconds = prediction.Times.QueueDelaySeconds,
                FinishedTicks = Interlocked.Read(ref prediction.FinishedTicks),
                ErrorName = error?.Name,
                ErrorMessage = error?.Message,
                OutputFile = prediction.OutputPath is null ? null : prediction.OutputFileName,
                CreditsSpent = status == PredictionStatuses.Completed ? prediction.Credits : 0,
            };
        }

        /// <summary>The prediction as it was saved; its input bytes and output path are for the caller to find on disk.</summary>
        public static Prediction FromSaved(SavedPrediction saved, ModelCatalogue models)
        {
            PredictionModel model = models.Find(BackgroundChangeModel.ModelName)!;
            OutputImageFormat format = saved.OutputFormat == "jpeg" ? OutputImageFormat.Jpeg : OutputImageFormat.Png;
            Uri? webhook = saved.WebhookUrl is null ? null : new Uri(saved.WebhookUrl);
            // A data URI is not kept (its decoded bytes are, in input.bin); the image text only matters for URLs.
            var inputs = new PredictionInputs(saved.ImageUrl ?? "data:", saved.Prompt, saved.Seed, format, saved.ReturnBase64);
            var request = new RunRequest(model, inputs, webhook);
            var prediction = new Prediction(saved.Id, request)
            {
                InputKey = saved.InputSha256,
                InputProblem = saved.InputProblem,
                InjectedFailure = saved.InjectedFailure,
                InjectedStatus = saved.InjectedStatus,
                CreatedTicks = saved.CreatedTicks,
                ActiveBefore = TimeSpan.FromSeconds(saved.ActiveSeconds),
                Times = new PredictionTimes(saved.PlannedProcessingSeconds ?? model.ProcessingSeconds(inputs), saved.QueueDelaySeconds),
            };
            prediction.ProcessingTicks = saved.ProcessingTicks;
            prediction.Status = saved.Status;
            prediction.FinishedTicks = saved.FinishedTicks;
            prediction.Error = saved.ErrorName is null ? null : new PredictionError(saved.ErrorName, saved.ErrorMessage ?? "");
            return prediction;
        }
    }
}
