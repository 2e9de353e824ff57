using System;
using System.Runtime.InteropServices;
using System.Threading;
using SkiaSharp;

namespace Fashn.Client.Imaging
{
    /// <summary>
    /// Decodes an image, in its stored orientation, to a size at least as large as a target but less than twice
    /// it. The codec's own scaled decoding (JPEG DCT scaling, WebP scaling) does this without ever holding the
    /// full-size pixels; PNG cannot scale on decode (and this Skia build has no row-by-row PNG decoder), so it is
    /// decoded whole and then averaged in whole blocks (premultiplied RGBA, so transparent pixels do not bleed
    /// colour). All of the image data is decoded, so a truncated or corrupt image is detected whatever the target.
    /// </summary>
    internal static class ReducedDecoder
    {
        /// <summary>Carries the codec's result to <see cref="ImagePreparer"/>, which words the message for the user.</summary>
        internal sealed class DecodeFailure : Exception
        {
            internal DecodeFailure(SKCodecResult result, bool outOfMemory = false) : base(result.ToString())
            {
                Result = result;
                OutOfMemory = outOfMemory;
            }

            internal SKCodecResult Result { get; }

            /// <summary>The pixels could not be allocated (a huge PNG in a 32-bit or memory-starved process).</summary>
            internal bool OutOfMemory { get; }
        }

        /// <summary>sRGB RGBA pixels: an embedded profile (Display P3 from phones, Adobe RGB) is converted on decode.</summary>
        internal static SKImageInfo PixelInfo(int width, int height, SKAlphaType alphaType) =>
            new SKImageInfo(width, height, SKColorType.Rgba8888, alphaType, SKColorSpace.CreateSrgb());

        /// <summary>Opaque when the format cannot hold transparency (JPEG), which spares later alpha handling.</summary>
        private static SKAlphaType AlphaTypeOf(SKCodec codec) =>
            codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;

        internal static SKBitmap Decode(SKCodec codec, SKSizeI target, CancellationToken cancellationToken)
        {
            SKSizeI decodeSize = SmallestCodecSizeCovering(codec, target);
            int factor = BlockFactor(decodeSize, target);
            SKBitmap decoded = DecodeWhole(codec, decodeSize);
            if (factor == 1)
            {
                return decoded;
            }
            using (decoded)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return AverageBlocks(decoded, factor);
            }
        }

        /// <summary>The smallest size the codec decodes to directly that still covers the target.</summary>
        private static SKSizeI SmallestCodecSizeCovering(SKCodec codec, SKSizeI target)
        {
            SKSizeI full = codec.Info.Size;
            if (target.Width >= full.Width && target.Height >= full.Height)
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

        /// <summary>The largest whole block size that keeps the averaged image at least as large as the target.</summary>
        private static int BlockFactor(SKSizeI size, SKSizeI target)
        {
            int byWidth = size.Width / Math.Max(1, target.Width);
            int byHeight = size.Height / Math.Max(1, target.Height);
            return Math.Max(1, Math.Min(byWidth, byHeight));
        }

        private static SKBitmap DecodeWhole(SKCodec codec, SKSizeI size)
        {
            SKImageInfo info = PixelInfo(size.Width, size.Height, AlphaTypeOf(codec));
            var bitmap = new SKBitmap(info);
            if (bitmap.GetPixels() == IntPtr.Zero)
            {
                bitmap.Dispose();
                throw new DecodeFailure(SKCodecResult.InternalError, outOfMemory: true);
            }
            SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                throw new DecodeFailure(result);
            }
            return bitmap;
        }

        private static SKBitmap AverageBlocks(SKBitmap source, int factor)
        {
            var accumulator = new BlockAverager(source.Width, source.Height, factor, source.AlphaType);
            int rowBytes = source.RowBytes;
            var row = new byte[rowBytes];
            IntPtr pixels = source.GetPixels();
            for (int y = 0; y < source.Height; y++)
            {
                Marshal.Copy(IntPtr.Add(pixels, y * rowBytes), row, 0, rowBytes);
                accumulator.AddRow(row, 0);
            }
            return accumulator.ToBitmap();
        }

        /// <summary>
        /// Averages factor x factor blocks of RGBA rows fed top to bottom (it could equally take rows from a
        /// row-by-row decoder, which would spare the full-size bitmap). The last block of a row or column may be
        /// partial; it is averaged over the pixels it has.
        /// </summary>
        private sealed class BlockAverager
        {
            private readonly int _sourceWidth;
            private readonly int _sourceHeight;
            private readonly int _factor;
            private readonly int _width;
            private readonly uint[] _sums;
            private readonly byte[] _output;
            private readonly SKAlphaType _alphaType;
            private int _sourceRow;

            internal BlockAverager(int sourceWidth, int sourceHeight, int factor, SKAlphaType alphaType)
            {
                _alphaType = alphaType;
                _sourceWidth = sourceWidth;
                _sourceHeight = sourceHeight;
                _factor = factor;
                _width = (sourceWidth + factor - 1) / factor;
                Height = (sourceHeight + factor - 1) / factor;
                _sums = new uint[_width * 4];
                _output = new byte[_width * Height * 4];
            }

            private int Height { get; }

            internal void AddRow(byte[] rgba, int offset)
            {
                for (int x = 0; x < _sourceWidth; x++)
                {
                    int sum = (x / _factor) * 4;
                    int pixel = offset + x * 4;
                    _sums[sum] += rgba[pixel];
                    _sums[sum + 1] += rgba[pixel + 1];
                    _sums[sum + 2] += rgba[pixel + 2];
                    _sums[sum + 3] += rgba[pixel + 3];
                }
                _sourceRow++;
                if (_sourceRow % _factor == 0 || _sourceRow == _sourceHeight)
                {
                    FlushBlockRow();
                }
            }

            private void FlushBlockRow()
            {
                int outputRow = (_sourceRow - 1) / _factor;
                int rowsInBlock = _sourceRow - outputRow * _factor;
                int outputOffset = outputRow * _width * 4;
                for (int bx = 0; bx < _width; bx++)
                {
                    int columnsInBlock = Math.Min(_factor, _sourceWidth - bx * _factor);
                    uint count = (uint)(columnsInBlock * rowsInBlock);
                    uint half = count / 2;
                    for (int c = 0; c < 4; c++)
                    {
                        int i = bx * 4 + c;
                        _output[outputOffset + i] = (byte)((_sums[i] + half) / count);
                        _sums[i] = 0;
                    }
                }
            }

            internal SKBitmap ToBitmap()
            {
                SKImageInfo info = PixelInfo(_width, Height, _alphaType);
                var bitmap = new SKBitmap(info);
                IntPtr pixels = bitmap.GetPixels();
                for (int y = 0; y < Height; y++)
                {
                    Marshal.Copy(_output, y * _width * 4, IntPtr.Add(pixels, y * bitmap.RowBytes), _width * 4);
                }
                return bitmap;
            }
        }
    }
}
