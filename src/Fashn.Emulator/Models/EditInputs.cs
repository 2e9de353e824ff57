using Fashn.Emulator.Imaging;

namespace Fashn.Emulator.Models
{
    /// <summary>The checked <c>inputs</c> of an <c>edit</c> run: background-change's, and edit's own.</summary>
    /// <param name="ImageContext">A reference image (URL or data URI), e.g. the background to use; null when not given.</param>
    /// <param name="Mask">White = edit here, black = keep (URL or data URI, the size of the image); null when not given.</param>
    /// <param name="Resolution">One of <see cref="Resolutions"/>.</param>
    /// <param name="GenerationMode">One of <see cref="GenerationModes"/>.</param>
    /// <param name="NumImages">Output images, 1 to <see cref="MaxNumImages"/>.</param>
    internal sealed record EditInputs(
        string Image, string Prompt, long Seed, OutputImageFormat OutputFormat, bool ReturnBase64,
        string? ImageContext, string? Mask, string Resolution, string GenerationMode, int NumImages)
        : PredictionInputs(Image, Prompt, Seed, OutputFormat, ReturnBase64)
    {
        public const string ImageContextField = "image_context";
        public const string MaskField = "mask";

        /// <summary>The spec's resolutions, the default first.</summary>
        public static readonly string[] Resolutions = { "1k", "2k", "4k" };

        /// <summary>The spec's generation modes; its default is unconfirmed, the emulator's is the middle one, listed first.</summary>
        public static readonly string[] GenerationModes = { "balanced", "fast", "quality" };

        /// <summary>
        /// The most outputs per prediction. The newest SDK lists num_images for edit without a range and FASHN's docs do
        /// not mention it (unconfirmed); 4 is the range other image models take.
        /// </summary>
        public const int MaxNumImages = 4;

        /// <summary>The output's pixels at a resolution: about 1, 4 and 16 megapixels.</summary>
        public static int PixelsOf(string resolution) => resolution switch
        {
            "2k" => 2048 * 2048,
            "4k" => 4096 * 4096,
            _ => 1024 * 1024,
        };
    }
}
