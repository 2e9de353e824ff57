namespace Fashn.Client.Imaging
{
    /// <summary>How <see cref="ImagePreparer"/> treats a local image before upload.</summary>
    public sealed class ImagePreparationOptions
    {
        /// <summary>
        /// The default pixel budget: the model works at up to 1.05 megapixels, so 1.0 MP leaves a margin and
        /// the service does not scale the image again.
        /// </summary>
        public const int DefaultMaxPixels = 1_000_000;

        /// <summary>The longest edge FASHN advises sending.</summary>
        public const int DefaultMaxLongEdge = 2000;

        /// <summary>The JPEG quality FASHN advises.</summary>
        public const int DefaultJpegQuality = 95;

        /// <summary>False sends the file's own bytes even when it is larger than the limits (it is still validated).</summary>
        public bool Resize { get; set; } = true;

        /// <summary>The most pixels (width x height, upright) an image may have to be sent unchanged.</summary>
        public int MaxPixels { get; set; } = DefaultMaxPixels;

        /// <summary>The longest edge, in pixels, an image may have to be sent unchanged.</summary>
        public int MaxLongEdge { get; set; } = DefaultMaxLongEdge;

        /// <summary>The quality (1-100) of the JPEG written for a scaled-down image.</summary>
        public int JpegQuality { get; set; } = DefaultJpegQuality;
    }
}
