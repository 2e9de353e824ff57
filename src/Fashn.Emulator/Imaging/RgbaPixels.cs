using System;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>A managed RGBA8888 image, unpremultiplied, rows top to bottom with no padding.</summary>
    internal sealed class RgbaPixels
    {
        internal RgbaPixels(int width, int height)
        {
            Width = width;
            Height = height;
            Data = new byte[checked(width * height * 4)];
        }

        internal int Width { get; }

        internal int Height { get; }

        internal int PixelCount => Width * Height;

        /// <summary>R, G, B, A bytes per pixel.</summary>
        internal byte[] Data { get; }

        /// <summary>A copy as an sRGB RGBA8888 SkiaSharp bitmap, declared <paramref name="alphaType"/>.</summary>
        internal SKBitmap ToBitmap(SKAlphaType alphaType = SKAlphaType.Unpremul)
        {
            var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, alphaType, SKColorSpace.CreateSrgb()));
            Data.AsSpan().CopyTo(bitmap.GetPixelSpan());
            return bitmap;
        }

        /// <summary>The rectangle from (<paramref name="x"/>, <paramref name="y"/>), <paramref name="width"/> by <paramref name="height"/>, as a new image.</summary>
        internal RgbaPixels Crop(int x, int y, int width, int height)
        {
            var result = new RgbaPixels(width, height);
            for (int row = 0; row < height; row++)
            {
                Buffer.BlockCopy(Data, ((y + row) * Width + x) * 4, result.Data, row * width * 4, width * 4);
            }

            return result;
        }

        /// <summary>Scaled to <paramref name="width"/> by <paramref name="height"/> (Mitchell cubic), as a new image.</summary>
        internal RgbaPixels Resized(int width, int height)
        {
            using SKBitmap source = ToBitmap();
            using SKBitmap scaled = ImageEncoder.Scale(source, new SKSizeI(width, height));
            var result = new RgbaPixels(width, height);
            scaled.GetPixelSpan().CopyTo(result.Data);
            return result;
        }
    }
}
