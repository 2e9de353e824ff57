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
                Model = prediction.Model.Name,
                InputSha256 = prediction.InputKey,
                ImageUrl = prediction.Image.IsUrl ? prediction.Image.Source : null,
                InputProblem = prediction.Image.Problem,
                ExtraImages = prediction.Images.Count > 1
                    ? prediction.Images.Skip(1).Select(image => new SavedImage { Field = image.Field, Url = image.IsUrl ? image.Source : null, Problem = image.Problem }).ToList()
                    : null,
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
                // The first output's name while the outputs are on disk; the others follow from it.
                OutputFile = prediction.OutputPaths is null ? null : prediction.OutputFileNames[0],
                CreditsSpent = status == PredictionStatuses.Completed ? prediction.Credits : 0,
                Resolution = (inputs as EditInputs)?.Resolution,
                GenerationMode = (inputs as EditInputs)?.GenerationMode,
                NumImages = (inputs as EditInputs)?.NumImages,
            };
        }

        /// <summary>The prediction as it was saved; its input bytes and output paths are for the caller to find on disk.</summary>
        public static Prediction FromSaved(SavedPrediction saved, ModelCatalogue models)
        {
            string modelName = saved.Model ?? BackgroundChangeModel.ModelName;
            PredictionModel model = models.Find(modelName) ?? throw new InvalidOperationException(
                $"The emulator state file holds prediction {saved.Id} of the model '{modelName}', which this emulator does not serve; delete state.json to start afresh.");
            Uri? webhook = saved.WebhookUrl is null ? null : new Uri(saved.WebhookUrl);
            var request = new RunRequest(model, InputsFromSaved(saved), webhook);
            var prediction = new Prediction(saved.Id, request)
            {
                InputKey = saved.InputSha256,
                InjectedFailure = saved.InjectedFailure,
                InjectedStatus = saved.InjectedStatus,
                CreatedTicks = saved.CreatedTicks,
                ActiveBefore = TimeSpan.FromSeconds(saved.ActiveSeconds),
                Times = new PredictionTimes(saved.PlannedProcessingSeconds ?? model.ProcessingSeconds(request.Inputs), saved.QueueDelaySeconds),
            };
            prediction.ProcessingTicks = saved.ProcessingTicks;
            prediction.Status = saved.Status;
            prediction.FinishedTicks = saved.FinishedTicks;
            prediction.Error = saved.ErrorName is null ? null : new PredictionError(saved.ErrorName, saved.ErrorMessage ?? "");
            foreach (InputImage image in prediction.Images)
            {
                image.Problem = image.Field == InputImage.MainField ? saved.InputProblem : ExtraImage(saved, image.Field)?.Problem;
            }

            return prediction;
        }

        /// <summary>A data URI is not kept (its decoded bytes are, in &lt;id&gt;/&lt;field&gt;.bin); an image's text only matters for URLs.</summary>
        private const string KeptDataUri = "data:";

        private static PredictionInputs InputsFromSaved(SavedPrediction saved)
        {
            OutputImageFormat format = saved.OutputFormat == "jpeg" ? OutputImageFormat.Jpeg : OutputImageFormat.Png;
            string image = saved.ImageUrl ?? KeptDataUri;
            if (saved.Model != EditModel.ModelName)
            {
                return new PredictionInputs(image, saved.Prompt, saved.Seed, format, saved.ReturnBase64);
            }

            string? Given(string field) => ExtraImage(saved, field) is SavedImage kept ? kept.Url ?? KeptDataUri : null;
            return new EditInputs(
                image, saved.Prompt, saved.Seed, format, saved.ReturnBase64, Given(EditInputs.ImageContextField), Given(EditInputs.MaskField),
                saved.Resolution ?? EditInputs.Resolutions[0], saved.GenerationMode ?? EditInputs.GenerationModes[0], saved.NumImages ?? 1);
        }

        private static SavedImage? ExtraImage(SavedPrediction saved, string field) =>
            saved.ExtraImages?.FirstOrDefault(image => image.Field == field);
    }
}
