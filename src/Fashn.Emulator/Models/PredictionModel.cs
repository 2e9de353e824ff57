using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fashn.Emulator.Models
{
    /// <summary>
    /// One model the emulator serves under its <c>model_name</c>: the parts that differ from model to model. It reads
    /// and checks its own <c>inputs</c>, says how long processing lasts and what an output image costs, and renders
    /// the output. Everything else (admission, the lifecycle, storage, status answers) is shared. A new model is a
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

        /// <summary>The output image; throws <see cref="Imaging.InvalidImageException"/> for bytes that are not an image it reads.</summary>
        public abstract byte[] Render(byte[] image, PredictionInputs inputs);
    }
}
