using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;

namespace Fashn.Emulator.Models
{
    /// <summary>FASHN's <c>background-change</c>: one image and a prompt, about 12 s, 1 credit, a new background.</summary>
    internal sealed class BackgroundChangeModel : PredictionModel
    {
        public const string ModelName = "background-change";

        private readonly double _processingSeconds;

        /// <param name="processingSeconds">The least time in processing (<c>--processing-seconds</c>).</param>
        public BackgroundChangeModel(double processingSeconds) => _processingSeconds = processingSeconds;

        public override string Name => ModelName;

        public override bool TryReadInputs(JsonElement inputs, [NotNullWhen(true)] out PredictionInputs? read, out string problem) =>
            InputFields.TryReadShared(inputs, out read, out problem);

        public override double ProcessingSeconds(PredictionInputs inputs) => _processingSeconds;

        public override int CreditsPerImage(PredictionInputs inputs) => 1;

        public override IReadOnlyList<byte[]> Render(IReadOnlyDictionary<string, byte[]> images, PredictionInputs inputs) =>
            new[] { BackgroundChanger.Render(images[InputImage.MainField], inputs.Prompt, inputs.Seed, inputs.OutputFormat) };
    }
}
