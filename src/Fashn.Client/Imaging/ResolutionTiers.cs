namespace Fashn.Client.Imaging
{
    /// <summary>
    /// How large an input each output resolution can use, in one place: a local image (and edit's image_context) is
    /// scaled down to its tier, not to 1 megapixel for every tier, so a 4k output is not made from a 1 MP input.
    /// background-change and edit at 1k work at about 1 MP (the model's 1.05 MP, with a margin so the service does not
    /// scale again); 2k about 4 MP (2048 x 2048); 4k about 16 MP (4096 x 4096).
    /// </summary>
    public static class ResolutionTiers
    {
        /// <summary>The most pixels an input is sent with for <paramref name="resolution"/> (null: background-change, or edit's default 1k).</summary>
        public static int MaxPixels(string? resolution) => resolution switch
        {
            EditModel.Resolution2K => 4_000_000,
            EditModel.Resolution4K => 16_000_000,
            _ => ImagePreparationOptions.DefaultMaxPixels,
        };

        /// <summary>
        /// The longest edge: FASHN's advised 2000 px at 1 MP, and as much more at 2k and 4k as their pixels are more
        /// (a 3:2 photo of 4 MP is already 2450 px wide), so the pixel budget, not the edge, decides for usual shapes.
        /// </summary>
        public static int MaxLongEdge(string? resolution) => resolution switch
        {
            EditModel.Resolution2K => 2 * ImagePreparationOptions.DefaultMaxLongEdge,
            EditModel.Resolution4K => 4 * ImagePreparationOptions.DefaultMaxLongEdge,
            _ => ImagePreparationOptions.DefaultMaxLongEdge,
        };

        /// <summary>The preparation of local images for a prediction at <paramref name="resolution"/>.</summary>
        public static ImagePreparationOptions PreparationFor(string? resolution, bool resize) => new ImagePreparationOptions
        {
            Resize = resize,
            MaxPixels = MaxPixels(resolution),
            MaxLongEdge = MaxLongEdge(resolution),
        };
    }
}
