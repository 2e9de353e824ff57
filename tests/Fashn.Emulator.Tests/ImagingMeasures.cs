using System;
using SkiaSharp;
using Xunit;

namespace Fashn.Emulator.Tests
{
    /// <summary>
    /// How the imaging tests read an output: decoded as a viewer would, and the mean colour of its parts. The
    /// inputs they render come from tests/Shared/TestImages.cs.
    /// </summary>
    internal static class ImagingMeasures
    {
        /// <summary>Decodes an output the way a user's viewer would, checking its encoded format.</summary>
        internal static SKBitmap DecodeOutput(byte[] encoded, SKEncodedImageFormat expectedFormat)
        {
            using (SKCodec codec = SKCodec.Create(new SKMemoryStream(encoded)))
            {
                Assert.NotNull(codec);
                Assert.Equal(expectedFormat, codec.EncodedFormat);
            }

            SKBitmap? bitmap = SKBitmap.Decode(encoded);
            Assert.NotNull(bitmap);
            return bitmap;
        }

        /// <summary>The mean colour of a rectangle of pixels.</summary>
        internal static (double R, double G, double B) MeanColour(SKBitmap bitmap, SKRectI area) =>
            MeanColour(bitmap, area, (x, y) => true);

        /// <summary>The mean colour of the outer band (a tenth of each side) of the image.</summary>
        internal static (double R, double G, double B) MeanBorderColour(SKBitmap bitmap)
        {
            int band = Math.Max(1, Math.Min(bitmap.Width, bitmap.Height) / 10);
            return MeanColour(bitmap, new SKRectI(0, 0, bitmap.Width, bitmap.Height),
                (x, y) => x < band || y < band || x >= bitmap.Width - band || y >= bitmap.Height - band);
        }

        private static (double R, double G, double B) MeanColour(SKBitmap bitmap, SKRectI area, Func<int, int, bool> counts)
        {
            double r = 0, g = 0, b = 0;
            int count = 0;
            for (int y = area.Top; y < area.Bottom; y++)
            {
                for (int x = area.Left; x < area.Right; x++)
                {
                    if (!counts(x, y)) continue;
                    SKColor colour = bitmap.GetPixel(x, y);
                    r += colour.Red;
                    g += colour.Green;
                    b += colour.Blue;
                    count++;
                }
            }

            return (r / count, g / count, b / count);
        }
    }
}
