using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;

namespace Fashn.Emulator.Models
{
    /// <summary>
    /// One model the emulator serves under its <c>model_name</c>: the parts that differ from model to model. It reads
    /// and checks its own <c>inputs</c>, names its image inputs, says how long processing lasts, what an output image
    /// costs and how many there are, and renders the outputs. Everything else (admission, the lifecycle, storage, status answers) is shared. A new model is a
    /// subclass listed in <see cref="ModelCatalogue"/>.
    /// </summary>
    internal abstract class PredictionModel
    {
        /// <summary>The <c>model_name</c> that selects it.</summary>
        public abstract string Name { get; }

        /// <summary>Reads the <c>inputs</c> object of a run; false with the message of the 400 BadRequest.</summary>
        public abstract bool TryReadInputs(JsonElement inputs, [NotNullWhen(true)] out PredictionInputs? read, out string problem);

        /// <summary>The least time in processing, in unscaled seconds: processing lasts max(render time, this).</summary>
        public abstract double ProcessingSeconds(PredictionInputs inputs);

        /// <summary>What one output image costs: reserved while the prediction runs, spent only when it completes.</summary>
        public abstract int CreditsPerImage(PredictionInputs inputs);

        /// <summary>How many output images a prediction makes.</summary>
        public virtual int OutputCount(PredictionInputs inputs) => 1;

        /// <summary>The image inputs given, by field (a URL or a data URI each), <c>image</c> first.</summary>
        public virtual IEnumerable<(string Field, string Source)> ImageInputs(PredictionInputs inputs)
        {
            yield return (InputImage.MainField, inputs.Image);
        }

        /// <summary>
        /// Why the image inputs whose size is known do not go together, or null. Asked at submission for decoded data
        /// URIs (a problem answers 400) and again at processing with every image (it fails the prediction).
        /// </summary>
        public virtual string? ImageSizeProblem(IReadOnlyDictionary<string, InputImageInfo> known) => null;

        /// <summary>
        /// The output images, <see cref="OutputCount"/> of them, from the bytes of each image input by field; throws
        /// <see cref="InvalidImageException"/> for bytes that are not an image it reads.
        /// </summary>
        public abstract IReadOnlyList<byte[]> Render(IReadOnlyDictionary<string, byte[]> images, PredictionInputs inputs);
    }
}
