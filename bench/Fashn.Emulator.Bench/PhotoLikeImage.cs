using SkiaSharp;

/// <summary>
/// A synthetic stand-in for a fashion photo: a lit backdrop gradient with sensor grain and a textured figure,
/// so that decoders, the key and the encoders meet realistic, non-flat data.
/// </summary>
internal static class PhotoLikeImage
{
    internal static byte[] Create(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            using (var backdrop = new SKPaint())
            {
                backdrop.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                    new[] { new SKColor(236, 234, 228), new SKColor(196, 194, 188) }, SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, width, height, backdrop);
            }

            using var figure = new SKPaint { IsAntialias = true };
            figure.Shader = SKShader.CreateLinearGradient(new SKPoint(0, height * 0.2f), new SKPoint(0, height),
                new[] { new SKColor(40, 60, 120), new SKColor(90, 40, 50) }, SKShaderTileMode.Clamp);
            canvas.DrawOval(width * 0.5f, height * 0.64f, width * 0.16f, height * 0.36f, figure);
            figure.Shader = null;
            figure.Color = new SKColor(214, 170, 140);
            canvas.DrawCircle(width * 0.5f, height * 0.2f, Math.Min(width, height) * 0.09f, figure);
            figure.Color = new SKColor(60, 40, 30);
            canvas.DrawOval(width * 0.5f, height * 0.15f, Math.Min(width, height) * 0.095f, Math.Min(width, height) * 0.05f, figure);
        }

        AddGrain(bitmap.GetPixelSpan());
        using SKData data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static void AddGrain(Span<byte> rgba)
    {
        uint state = 2463534242;
        for (int i = 0; i < rgba.Length; i += 4)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            int noise = (int)(state % 9) - 4;
            for (int c = 0; c < 3; c++)
            {
                rgba[i + c] = (byte)Math.Clamp(rgba[i + c] + noise, 0, 255);
            }
        }
    }
}
