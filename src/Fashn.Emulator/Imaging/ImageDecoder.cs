using System;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// Decodes an accepted image into upright sRGB pixels of at most <see cref="MaxOutputPixels"/>:
    /// the codec's own scaled decoding (JPEG DCT scaling) does most of a large reduction cheaply,
    /// repeated 2:1 halving and a final cubic step do the rest, and EXIF orientation is applied last,
    /// on the small image.
    /// </summary>
    internal static class ImageDecoder
    {
        /// <summary>The model's resolution limit: 1.05 megapixels.</summary>
        internal const int MaxOutputPixels = 1_050_000;

        /// <summary>Refuse decompression bombs: no camera photo comes near this.</summary>
        internal const long MaxInputPixels = 100_000_000;

        internal static InputImageInfo Probe(byte[] input)
        {
            string format = ImageContainer.IdentifyCompleteImage(input);
            using SKData data = SKData.CreateCopy(input); // outlives the codec that reads it
            using SKCodec codec = CreateCodec(data);
            SKSizeI size = codec.Info.Size;
            RequireAcceptableSize(size);
            return SwapsAxes(codec.EncodedOrigin)
                ? new InputImageInfo(format, size.Height, size.Width)
                : new InputImageInfo(format, size.Width, size.Height);
        }

        internal static RgbaPixels Decode(byte[] input)
        {
            ImageContainer.IdentifyCompleteImage(input);
            using SKData data = SKData.CreateCopy(input); // outlives the codec that reads it
            using SKCodec codec = CreateCodec(data);
            SKSizeI stored = codec.Info.Size;
            RequireAcceptableSize(stored);

            SKSizeI target = FitWithin(stored, MaxOutputPixels);
            SKSizeI decodeSize = ChooseDecodeSize(codec, target);
            using SKBitmap scaled = ScaleTo(DecodePixels(codec, decodeSize), target);
            return Orientation.ToUpright(scaled, codec.EncodedOrigin);
        }

        private static void RequireAcceptableSize(SKSizeI size)
        {
            if ((long)size.Width * size.Height > MaxInputPixels)
            {
                throw new InvalidImageException(
                    $"The image is {size.Width}x{size.Height} pixels; images over {MaxInputPixels / 1_000_000} megapixels are not accepted.");
            }
        }

        private static SKCodec CreateCodec(SKData data)
        {
            SKCodec? codec = SKCodec.Create(data);
            if (codec is null)
            {
                // The signature matched, so the header itself is damaged.
                throw new InvalidImageException(ImageContainer.TruncatedMessage);
            }

            return codec;
        }

        /// <summary>The largest size with the same aspect ratio and at most <paramref name="maxPixels"/> pixels.</summary>
        internal static SKSizeI FitWithin(SKSizeI size, int maxPixels) =>
            (long)size.Width * size.Height <= maxPixels ? size : ScaleToPixels(size, maxPixels);

        /// <summary>The largest size with the same aspect ratio and at most <paramref name="maxPixels"/> pixels, larger or smaller.</summary>
        internal static SKSizeI ScaleToPixels(SKSizeI size, int maxPixels)
        {
            double factor = Math.Sqrt((double)maxPixels / ((long)size.Width * size.Height));
            int width = Math.Max(1, (int)Math.Floor(size.Width * factor));
            int height = Math.Max(1, (int)Math.Floor(size.Height * factor));
            while ((long)width * height > maxPixels)
            {
                // Rounding can overshoot by a row for extreme aspect ratios.
                if (width > height) width--; else height--;
            }

            return new SKSizeI(width, height);
        }

        /// <summary>The smallest size the codec can decode to directly that still covers the target.</summary>
        private static SKSizeI ChooseDecodeSize(SKCodec codec, SKSizeI target)
        {
            SKSizeI full = codec.Info.Size;
            if (target == full)
            {
                return full;
            }

            for (int eighths = 1; eighths < 8; eighths++)
            {
                SKSizeI candidate = codec.GetScaledDimensions(eighths / 8f);
                if (candidate.Width >= target.Width && candidate.Height >= target.Height
                    && candidate.Width <= full.Width && candidate.Height <= full.Height)
                {
                    return candidate;
                }
            }

            return full;
        }

        private static SKBitmap DecodePixels(SKCodec codec, SKSizeI size)
        {
            // Convert any embedded profile (Display P3 from phones, Adobe RGB) to sRGB.
            var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb());
            var bitmap = new SKBitmap(info);
            SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
            if (result == SKCodecResult.Success)
            {
                return bitmap;
            }

            bitmap.Dispose();
            throw result switch
            {
                SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput
                    => new InvalidImageException(ImageContainer.TruncatedMessage),
                _ => new InvalidImageException($"The image could not be decoded ({result})."),
            };
        }

        /// <summary>Takes ownership of <paramref name="source"/>: returns it or a scaled replacement.</summary>
        private static SKBitmap ScaleTo(SKBitmap source, SKSizeI target)
        {
            SKBitmap current = source;
            // Exact 2:1 bilinear steps average 2x2 blocks, avoiding the aliasing of one large cubic step.
            while (current.Width >= target.Width * 2 && current.Height >= target.Height * 2)
            {
                current = Resample(current, new SKSizeI(current.Width / 2, current.Height / 2), new SKSamplingOptions(SKFilterMode.Linear));
            }

            if (current.Width != target.Width || current.Height != target.Height)
            {
                current = Resample(current, target, new SKSamplingOptions(SKCubicResampler.Mitchell));
            }

            return current;
        }

        /// <summary>Scales into a new bitmap and disposes the old one.</summary>
        private static SKBitmap Resample(SKBitmap source, SKSizeI size, SKSamplingOptions sampling)
        {
            var result = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb()));
            source.ScalePixels(result, sampling);
            source.Dispose();
            return result;
        }

        internal static bool SwapsAxes(SKEncodedOrigin origin) =>
            origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
    }
}
