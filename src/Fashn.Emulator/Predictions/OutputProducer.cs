using Fashn.Emulator.Errors;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Persistence;

namespace Fashn.Emulator.Predictions
{
    /// <summary>
    /// Makes one prediction's outputs: an injected failure or a blocked prompt fails it at once; otherwise its image
    /// inputs are loaded and checked, rendered on one of a bounded set of render workers (request threads never
    /// render), and the outputs are written to the data folder.
    /// </summary>
    internal sealed class OutputProducer
    {
        private readonly SemaphoreSlim _renderWorkers;
        private readonly PromptModeration _moderation;
        private readonly InputImageLoader _inputs;
        private readonly DataFolder _folder;

        public OutputProducer(EmulatorOptions options, InputImageLoader inputs, DataFolder folder)
        {
            _renderWorkers = new SemaphoreSlim(Math.Max(1, options.RenderWorkers));
            _moderation = new PromptModeration(options.BlockedWords);
            _inputs = inputs;
            _folder = folder;
        }

        /// <summary>Loads, checks and renders; returns the runtime error, or null once the outputs are on disk.</summary>
        public async Task<PredictionError?> ProduceAsync(Prediction prediction, CancellationToken stopping)
        {
            if (prediction.InjectedFailure is string injected)
            {
                return PredictionFailures.Injected(injected);
            }

            if (_moderation.FindBlockedWord(prediction.Inputs.Prompt) is string blocked)
            {
                return PredictionFailures.BlockedWord(blocked);
            }

            IReadOnlyDictionary<string, byte[]> images;
            try
            {
                images = await _inputs.LoadAllAsync(prediction, stopping);
            }
            catch (ImageLoadException exception)
            {
                ForgetInputs(prediction);
                return PredictionFailures.ImageLoad(exception.Message, exception.Field);
            }

            if (CheckImages(prediction, images) is PredictionError invalid)
            {
                ForgetInputs(prediction);
                return invalid;
            }

            await _renderWorkers.WaitAsync(stopping);
            try
            {
                IReadOnlyList<byte[]> outputs = await Task.Run(() => prediction.Model.Render(images, prediction.Inputs), stopping);
                var paths = new string[outputs.Count];
                for (int i = 0; i < outputs.Count; i++)
                {
                    paths[i] = await _folder.WriteOutputAsync(prediction.Id, prediction.OutputFileNames[i], outputs[i], stopping);
                }

                prediction.OutputPaths = paths;
                return null;
            }
            catch (InvalidImageException exception)
            {
                return PredictionFailures.ImageLoad(exception.Message);
            }
            finally
            {
                _renderWorkers.Release();
                ForgetInputs(prediction);
            }
        }

        /// <summary>Each image's format and size (an unreadable one fails the prediction with its field named), then whether they go together.</summary>
        private static PredictionError? CheckImages(Prediction prediction, IReadOnlyDictionary<string, byte[]> images)
        {
            var sizes = new Dictionary<string, InputImageInfo>(StringComparer.Ordinal);
            foreach ((string field, byte[] bytes) in images)
            {
                try
                {
                    sizes[field] = BackgroundChanger.Probe(bytes);
                }
                catch (InvalidImageException exception)
                {
                    return PredictionFailures.ImageLoad(exception.Message, field);
                }
            }

            return prediction.Model.ImageSizeProblem(sizes) is string problem ? PredictionFailures.InputValidation(problem) : null;
        }

        private static void ForgetInputs(Prediction prediction)
        {
            foreach (InputImage input in prediction.Images)
            {
                input.Bytes = null;
            }
        }
    }
}
