using Fashn.Emulator.Errors;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Persistence;

namespace Fashn.Emulator.Predictions
{
    /// <summary>
    /// Makes one prediction's output: an injected failure or a blocked prompt fails it at once; otherwise its input is
    /// loaded and rendered on one of a bounded set of render workers (request threads never render), and the output
    /// is written to the data folder.
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

        /// <summary>Loads, checks and renders; returns the runtime error, or null once the output is on disk.</summary>
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

            byte[] input;
            try
            {
                input = await _inputs.LoadAsync(prediction, stopping);
            }
            catch (ImageLoadException exception)
            {
                return PredictionFailures.ImageLoad(exception.Message);
            }

            await _renderWorkers.WaitAsync(stopping);
            try
            {
                byte[] output = await Task.Run(() => prediction.Model.Render(input, prediction.Inputs), stopping);
                prediction.OutputPath = await _folder.WriteOutputAsync(prediction.Id, prediction.OutputFileName, output, stopping);
                return null;
            }
            catch (InvalidImageException exception)
            {
                return PredictionFailures.ImageLoad(exception.Message);
            }
            finally
            {
                _renderWorkers.Release();
                prediction.InputBytes = null;
            }
        }
    }
}
