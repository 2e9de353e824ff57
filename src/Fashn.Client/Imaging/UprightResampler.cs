using SkiaSharp;

namespace Fashn.Client.Imaging
{
    /// <summary>
    /// Scales decoded pixels (in their stored orientation) to the exact upright target in one cubic (Mitchell)
    /// draw whose matrix also applies the EXIF orientation, so the rotation costs no extra pass.
    /// </summary>
    internal static class UprightResampler
    {
        internal static SKBitmap Resample(SKBitmap stored, SKSizeI uprightTarget, SKEncodedOrigin origin)
        {
            bool swapsAxes = origin == SKEncodedOrigin.LeftTop || origin == SKEncodedOrigin.RightTop
                || origin == SKEncodedOrigin.RightBottom || origin == SKEncodedOrigin.LeftBottom;
            // The target in stored orientation: the rectangle the stored pixels are scaled into before turning.
            float w = swapsAxes ? uprightTarget.Height : uprightTarget.Width;
            float h = swapsAxes ? uprightTarget.Width : uprightTarget.Height;

            var result = new SKBitmap(ReducedDecoder.PixelInfo(uprightTarget.Width, uprightTarget.Height, stored.AlphaType));
            using var canvas = new SKCanvas(result);
            canvas.Clear(SKColors.Transparent);
            canvas.SetMatrix(ToUpright(origin, w, h));
            using SKImage image = SKImage.FromPixels(stored.PeekPixels());
            using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
            canvas.DrawImage(image, new SKRect(0, 0, stored.Width, stored.Height), new SKRect(0, 0, w, h),
                new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
            canvas.Flush();
            return result;
        }

        /// <summary>
        /// Maps a stored w x h image onto its upright form (EXIF orientation). Row 0 of the stored image is the
        /// edge the EXIF name gives first: RightTop (6) puts it on the right, so the image turns 90 degrees clockwise.
        /// </summary>
        private static SKMatrix ToUpright(SKEncodedOrigin origin, float w, float h)
        {
            // x' = a*x + b*y + c, y' = d*x + e*y + f
            switch (origin)
            {
                case SKEncodedOrigin.TopRight: return Affine(-1, 0, w, 0, 1, 0);     // mirrored left-right
                case SKEncodedOrigin.BottomRight: return Affine(-1, 0, w, 0, -1, h); // turned 180 degrees
                case SKEncodedOrigin.BottomLeft: return Affine(1, 0, 0, 0, -1, h);   // mirrored top-bottom
                case SKEncodedOrigin.LeftTop: return Affine(0, 1, 0, 1, 0, 0);       // transposed
                case SKEncodedOrigin.RightTop: return Affine(0, -1, h, 1, 0, 0);     // turned 90 degrees clockwise
                case SKEncodedOrigin.RightBottom: return Affine(0, -1, h, -1, 0, w); // transversed
                case SKEncodedOrigin.LeftBottom: return Affine(0, 1, 0, -1, 0, w);   // turned 90 degrees counter-clockwise
                default: return SKMatrix.Identity;
            }
        }

        private static SKMatrix Affine(float a, float b, float c, float d, float e, float f) =>
            new SKMatrix(a, b, c, d, e, f, 0, 0, 1);
    }
}
