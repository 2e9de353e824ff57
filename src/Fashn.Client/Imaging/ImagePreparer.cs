using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using SkiaSharp;

namespace Fashn.Client.Imaging
{
    /// <summary>
    /// Turns a local image into what is uploaded: the file's own bytes when the image is already within the
    /// limits, otherwise a scaled-down, upright JPEG (PNG when it has transparency). Every image is fully
    /// decoded first, so a broken file is refused here rather than failing at the service.
    /// </summary>
    /// <remarks>
    /// EXIF orientation: an image within the limits is sent byte for byte with its EXIF tag, because the
    /// service's decoder honours it (as the emulator does) and re-encoding would only lose quality. A scaled
    /// image is rotated into its upright form and written without EXIF, so it cannot be rotated twice.
    /// </remarks>
    public static class ImagePreparer
    {
        /// <summary>Files larger than this are refused before they are read: 64 MiB.</summary>
        public const long MaxFileBytes = 64L * 1024 * 1024;

        /// <summary>Images with more pixels than this are refused before they are decoded: 100 megapixels.</summary>
        public const long MaxImagePixels = 100_000_000;

        private static int _warmedUp;

        /// <summary>
        /// Loads the imaging library (its native part, and the JIT of a decode and an encode) on a pool thread, once per
        /// process, so that the first photo of a batch is not also the one that waits for it.
        /// </summary>
        public static void WarmUpInBackground()
        {
            if (Interlocked.Exchange(ref _warmedUp, 1) == 1) return;
            System.Threading.Tasks.Task.Run(() =>
            {
                try
                {
                    using var bitmap = new SKBitmap(8, 8);
                    bitmap.Erase(SKColors.Gray);
                    using var image = SKImage.FromBitmap(bitmap);
                    using var encoded = image.Encode(SKEncodedImageFormat.Jpeg, 90);
                    using var decoded = SKBitmap.Decode(encoded);
                }
                catch (Exception)
                {
                    // Only a head start: a library that cannot load fails the real preparation, which says why.
                }
            });
        }

        public static PreparedImage Prepare(string path, ImagePreparationOptions options, CancellationToken cancellationToken = default)
        {
            ImageFiles.RequireFile(path);

            byte[] bytes;
            try
            {
                long length = new FileInfo(path).Length;
                RequireAcceptableFileSize(length, path);
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable,
                    $"Cannot read '{path}': {ex.Message} Check that the file exists and that you may read it.", innerException: ex);
            }
            return Prepare(bytes, path, options, cancellationToken);
        }

        /// <summary>
        /// Prepares an image already in memory. <paramref name="sourceName"/> names it in error messages.
        /// When the image is sent unchanged, <see cref="PreparedImage.Bytes"/> is <paramref name="bytes"/> itself.
        /// </summary>
        public static PreparedImage Prepare(byte[] bytes, string sourceName, ImagePreparationOptions options, CancellationToken cancellationToken = default)
        {
            if (bytes == null) throw new ArgumentNullException(nameof(bytes));
            if (options == null) throw new ArgumentNullException(nameof(options));
            ValidateOptions(options);
            cancellationToken.ThrowIfCancellationRequested();

            if (bytes.Length == 0)
            {
                throw Invalid($"'{sourceName}' is empty (0 bytes), so it holds no image. Copy or download the file again.");
            }
            RequireAcceptableFileSize(bytes.Length, sourceName);
            string mimeType = ImageSignature.AcceptedMimeType(bytes) ?? throw Unaccepted(bytes, sourceName);

            // The codec reads the caller's array in place instead of a 64 MiB copy; it is pinned while in use.
            GCHandle pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            try
            {
                using SKData data = SKData.Create(pin.AddrOfPinnedObject(), bytes.Length);
                using SKCodec codec = SKCodec.Create(data)
                    ?? throw Invalid($"'{sourceName}' starts like a {FormatName(mimeType)} image but its header is damaged or cut short. Open it in an image editor and save it again, or use another copy.");
                return Prepare(codec, bytes, mimeType, sourceName, options, cancellationToken);
            }
            catch (ReducedDecoder.DecodeFailure failure)
            {
                throw DecodeFailed(failure, mimeType, sourceName);
            }
            finally
            {
                pin.Free();
            }
        }

        private static PreparedImage Prepare(SKCodec codec, byte[] bytes, string mimeType, string sourceName,
            ImagePreparationOptions options, CancellationToken cancellationToken)
        {
            SKSizeI stored = codec.Info.Size;
            if ((long)stored.Width * stored.Height > MaxImagePixels)
            {
                throw Invalid($"'{sourceName}' is {stored.Width}x{stored.Height} pixels ({(long)stored.Width * stored.Height / 1_000_000} megapixels), "
                    + $"more than the {MaxImagePixels / 1_000_000} megapixels that can be decoded safely. Scale it down in an image editor first.");
            }

            SKEncodedOrigin origin = codec.EncodedOrigin;
            bool swapsAxes = SwapsAxes(origin);
            SKSizeI upright = swapsAxes ? new SKSizeI(stored.Height, stored.Width) : stored;
            SKSizeI uprightTarget = FitWithin(upright, options.MaxPixels, options.MaxLongEdge);
            SKSizeI storedTarget = swapsAxes ? new SKSizeI(uprightTarget.Height, uprightTarget.Width) : uprightTarget;

            // Decoding to the target size both validates every byte and, when needed, gives the pixels to scale.
            using SKBitmap reduced = ReducedDecoder.Decode(codec, storedTarget, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            if (!options.Resize || uprightTarget == upright)
            {
                return new PreparedImage(mimeType, bytes, upright.Width, upright.Height, stored.Width, stored.Height, bytes.Length, reencoded: false);
            }

            using SKBitmap scaled = UprightResampler.Resample(reduced, uprightTarget, origin);
            cancellationToken.ThrowIfCancellationRequested();
            bool transparent = HasTransparency(scaled);
            byte[] encoded = Encode(scaled, transparent, options.JpegQuality);
            return new PreparedImage(transparent ? "image/png" : "image/jpeg", encoded, scaled.Width, scaled.Height,
                stored.Width, stored.Height, bytes.Length, reencoded: true);
        }

        /// <summary>The largest size with the same aspect ratio within both limits (the size itself when it fits).</summary>
        internal static SKSizeI FitWithin(SKSizeI size, int maxPixels, int maxLongEdge)
        {
            long pixels = (long)size.Width * size.Height;
            int longEdge = Math.Max(size.Width, size.Height);
            if (pixels <= maxPixels && longEdge <= maxLongEdge)
            {
                return size;
            }

            double factor = Math.Min(Math.Sqrt((double)maxPixels / pixels), (double)maxLongEdge / longEdge);
            int width = Math.Max(1, (int)Math.Floor(size.Width * factor));
            int height = Math.Max(1, (int)Math.Floor(size.Height * factor));
            while ((long)width * height > maxPixels && (width > 1 || height > 1))
            {
                // Floating-point rounding can overshoot by a row for extreme aspect ratios.
                if (width > height) width--; else height--;
            }
            return new SKSizeI(width, height);
        }

        private static bool SwapsAxes(SKEncodedOrigin origin) =>
            origin == SKEncodedOrigin.LeftTop || origin == SKEncodedOrigin.RightTop
            || origin == SKEncodedOrigin.RightBottom || origin == SKEncodedOrigin.LeftBottom;

        private static bool HasTransparency(SKBitmap bitmap)
        {
            if (bitmap.AlphaType == SKAlphaType.Opaque)
            {
                return false;
            }
            // Premultiplied RGBA: alpha is every fourth byte.
            int rowBytes = bitmap.RowBytes;
            var row = new byte[rowBytes];
            IntPtr pixels = bitmap.GetPixels();
            for (int y = 0; y < bitmap.Height; y++)
            {
                Marshal.Copy(IntPtr.Add(pixels, y * rowBytes), row, 0, rowBytes);
                for (int i = 3; i < bitmap.Width * 4; i += 4)
                {
                    if (row[i] != 255)
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        private static byte[] Encode(SKBitmap bitmap, bool asPng, int jpegQuality)
        {
            using SKPixmap pixmap = bitmap.PeekPixels();
            using SKData? encoded = asPng
                ? pixmap.Encode(SKPngEncoderOptions.Default)
                : pixmap.Encode(new SKJpegEncoderOptions(jpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
            if (encoded == null)
            {
                throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}x{bitmap.Height} {(asPng ? "PNG" : "JPEG")}.");
            }
            return encoded.ToArray();
        }

        private static void ValidateOptions(ImagePreparationOptions options)
        {
            if (options.MaxPixels < 1)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument, $"MaxPixels must be at least 1; it is {options.MaxPixels}.");
            }
            if (options.MaxLongEdge < 1)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument, $"MaxLongEdge must be at least 1; it is {options.MaxLongEdge}.");
            }
            if (options.JpegQuality < 1 || options.JpegQuality > 100)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument, $"JpegQuality must be between 1 and 100; it is {options.JpegQuality}.");
            }
        }

        private static void RequireAcceptableFileSize(long length, string sourceName)
        {
            if (length > MaxFileBytes)
            {
                throw Invalid($"'{sourceName}' is {length / (1024 * 1024)} MiB, more than the {MaxFileBytes / (1024 * 1024)} MiB limit for an input image. "
                    + "Scale it down or save it as a JPEG first.");
            }
        }

        private static FashnException Unaccepted(byte[] bytes, string sourceName)
        {
            string? format = ImageSignature.UnsupportedFormatName(bytes);
            if (format != null)
            {
                return Invalid($"'{sourceName}' is a {format} image, which the service does not accept. Convert it to JPEG or PNG first.");
            }
            string what = ImageSignature.LooksLikeText(bytes) ? "it contains text" : "its content is not a recognised image format";
            return Invalid($"'{sourceName}' is not an image: {what}. Give a JPEG, PNG or WebP file (the file name's extension does not matter).");
        }

        private static FashnException DecodeFailed(ReducedDecoder.DecodeFailure failure, string mimeType, string sourceName)
        {
            string format = FormatName(mimeType);
            if (failure.OutOfMemory)
            {
                return Invalid($"'{sourceName}' is too large to decode in the memory available. Scale it down or save it as a JPEG first.");
            }
            SKCodecResult result = failure.Result;
            return result == SKCodecResult.IncompleteInput
                ? Invalid($"'{sourceName}' is a truncated {format} image: the file ends before the image does. Copy or download it again.")
                : Invalid($"'{sourceName}' is a corrupt {format} image and cannot be decoded ({result}). Open it in an image editor and save it again, or use another copy.");
        }

        private static string FormatName(string mimeType) =>
            mimeType == "image/png" ? "PNG" : mimeType == "image/webp" ? "WebP" : "JPEG";

        private static FashnException Invalid(string message) => new FashnException(FashnErrorCodes.InvalidInputImage, message);
    }
}
