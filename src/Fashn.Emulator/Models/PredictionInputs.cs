using Fashn.Emulator.Imaging;

namespace Fashn.Emulator.Models
{
    /// <summary>
    /// The checked <c>inputs</c> of a run: background-change's, which its successor <c>edit</c> shares (and extends in
    /// <see cref="EditInputs"/>).
    /// </summary>
    /// <param name="Image">A URL or a data URI.</param>
    internal record PredictionInputs(string Image, string Prompt, long Seed, OutputImageFormat OutputFormat, bool ReturnBase64);
}
