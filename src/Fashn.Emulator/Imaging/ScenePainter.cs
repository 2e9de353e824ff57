using System;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>Paints a background that follows the prompt's words and the seed.</summary>
    internal static class ScenePainter
    {
        internal static RgbaPixels Paint(int width, int height, string prompt, long seed)
        {
            ulong hash = 1469598103934665603UL;
            foreach (char c in prompt.ToLowerInvariant())
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            hash = (hash ^ (ulong)seed) * 1099511628211UL;
            var top = SKColor.FromHsv((hash % 360), 60, 90);
            var bottom = SKColor.FromHsv(((hash >> 16) % 360), 50, 40);
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            using var bitmap = new SKBitmap(info);
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint())
            {
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height), new[] { top, bottom }, SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, width, height, paint);
            }

            var result = new RgbaPixels(width, height);
            bitmap.GetPixelSpan().CopyTo(result.Data);
            return result;
        }
    }
}
