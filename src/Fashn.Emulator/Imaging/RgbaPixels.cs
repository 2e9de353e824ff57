using System;

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
    }
}
