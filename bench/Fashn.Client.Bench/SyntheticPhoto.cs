using SkiaSharp;

/// <summary>
/// A stand-in for a camera photo: lit gradients, a textured figure and per-pixel sensor grain, so that a
/// 24-megapixel JPEG is as large (6-12 MB) and as hard to decode as a real one. Flat synthetic images would
/// compress to a fraction of that and flatter the figures.
/// </summary>
internal static class SyntheticPhoto
{
    internal static byte[] CreateJpeg(int width, int height, uint seed, int grain, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            var random = new Random((int)seed);
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                new[] { RandomColour(random), RandomColour(random) }, SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, height * 0.2f), new SKPoint(0, height),
                new[] { RandomColour(random), RandomColour(random) }, SKShaderTileMode.Clamp);
            canvas.DrawOval(width * 0.5f, height * 0.62f, width * 0.16f, height * 0.36f, paint);
            paint.Shader = null;
            paint.Color = new SKColor(214, 170, 140);
            canvas.DrawCircle(width * 0.5f, height * 0.2f, Math.Min(width, height) * 0.09f, paint);
            // Fabric-like stripes give the encoder real edges to keep.
            paint.Color = RandomColour(random).WithAlpha(90);
            for (int x = (int)(width * 0.36f); x < width * 0.64f; x += 14)
            {
                canvas.DrawRect(x, height * 0.35f, 5, height * 0.55f, paint);
            }
        }

        AddGrain(bitmap.GetPixelSpan(), seed, grain);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static SKColor RandomColour(Random random) =>
        new((byte)random.Next(30, 230), (byte)random.Next(30, 230), (byte)random.Next(30, 230));

    private static void AddGrain(Span<byte> rgba, uint seed, int grain)
    {
        uint state = 2463534242u ^ (seed * 2654435761u);
        int span = grain * 2 + 1;
        for (int i = 0; i < rgba.Length; i += 4)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            int luminance = (int)(state % (uint)span) - grain;
            int chroma = (int)((state >> 8) % 5) - 2;
            rgba[i] = Clamp(rgba[i] + luminance + chroma);
            rgba[i + 1] = Clamp(rgba[i + 1] + luminance);
            rgba[i + 2] = Clamp(rgba[i + 2] + luminance - chroma);
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
