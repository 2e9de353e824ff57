using SkiaSharp;

namespace Fashn.Bench;

/// <summary>The inputs: every image distinct (its own colours, shapes and number), so the emulator counts one input each.</summary>
internal static class BenchImages
{
    /// <summary>Small 320x240 JPEGs, so that upload is not the bottleneck; written once per folder.</summary>
    public static string[] WriteSmall(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var files = new string[count];
        for (var i = 0; i < count; i++)
        {
            files[i] = Path.Combine(folder, $"photo-{i + 1:D4}.jpg");
            if (File.Exists(files[i])) continue;
            File.WriteAllBytes(files[i], DrawSmall(i));
        }
        return files;
    }

    /// <summary>Photo-like 6000x4000 JPEGs of 6-12 MB (more grain, more bytes), cached in the folder because they take seconds each.</summary>
    public static string[] WriteLarge(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var files = new string[count];
        for (var i = 0; i < count; i++)
        {
            files[i] = Path.Combine(folder, $"large-{i + 1:D2}.jpg");
            if (File.Exists(files[i])) continue;
            var grain = 8 + 14 * i / Math.Max(1, count - 1);
            var bytes = SyntheticPhoto.CreateJpeg(6000, 4000, seed: (uint)(i + 1), grain: grain, quality: 92);
            File.WriteAllBytes(files[i] + ".tmp", bytes);
            File.Move(files[i] + ".tmp", files[i], overwrite: true);
        }
        return files;
    }

    /// <summary>One 320x240 JPEG; index picks its colours and marks.</summary>
    public static byte[] DrawSmall(int index)
    {
        var random = new Random(index + 1);
        using var bitmap = new SKBitmap(new SKImageInfo(320, 240, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(320, 240),
                new[] { Colour(random), Colour(random) }, SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, 320, 240, paint);
            paint.Shader = null;
            paint.Color = Colour(random);
            canvas.DrawOval(160 + random.Next(-30, 30), 150, 50 + random.Next(20), 80, paint);
            paint.Color = new SKColor(214, 170, 140);
            canvas.DrawCircle(160, 60, 28, paint);
            // The index drawn as bars makes every image's bytes differ even when the colours come out alike.
            paint.Color = SKColors.Black;
            for (var bit = 0; bit < 12; bit++)
            {
                if ((index >> bit & 1) == 1) canvas.DrawRect(8 + bit * 8, 226, 6, 10, paint);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private static SKColor Colour(Random random) => new((byte)random.Next(30, 230), (byte)random.Next(30, 230), (byte)random.Next(30, 230));
}
