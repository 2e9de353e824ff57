using System;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>Applies the EXIF orientation (which SKBitmap.Decode ignores) by remapping pixels.</summary>
    internal static class Orientation
    {
        internal static RgbaPixels ToUpright(SKBitmap source, SKEncodedOrigin origin)
        {
            int w = source.Width;
            int h = source.Height;
            bool swap = ImageDecoder.SwapsAxes(origin);
            var result = new RgbaPixels(swap ? h : w, swap ? w : h);
            ReadOnlySpan<uint> src = MemoryMarshal.Cast<byte, uint>(source.GetPixelSpan());
            Span<uint> dst = MemoryMarshal.Cast<byte, uint>(result.Data.AsSpan());
            if (origin == SKEncodedOrigin.TopLeft)
            {
                src.CopyTo(dst);
                return result;
            }

            int outWidth = result.Width;
            for (int y = 0; y < result.Height; y++)
            {
                for (int x = 0; x < outWidth; x++)
                {
                    // (sx, sy): the stored pixel shown at (x, y).
                    (int sx, int sy) = origin switch
                    {
                        SKEncodedOrigin.TopRight => (w - 1 - x, y),           // mirrored horizontally
                        SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y), // rotated 180
                        SKEncodedOrigin.BottomLeft => (x, h - 1 - y),         // mirrored vertically
                        SKEncodedOrigin.LeftTop => (y, x),                    // transposed
                        SKEncodedOrigin.RightTop => (y, h - 1 - x),           // rotate 90 clockwise
                        SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x), // transversed
                        SKEncodedOrigin.LeftBottom => (w - 1 - y, x),         // rotate 90 counter-clockwise
                        _ => (x, y),
                    };
                    dst[y * outWidth + x] = src[sy * w + sx];
                }
            }

            return result;
        }
    }
}
