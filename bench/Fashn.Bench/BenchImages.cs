using Fashn.Testing;
using SkiaSharp;

namespace Fashn.Bench;

/// <summary>The inputs, drawn by TestImages.PhotoLike: every image distinct (its own colours), so the emulator counts one input each.</summary>
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
            var bytes = TestImages.PhotoLike(6000, 4000, SKEncodedImageFormat.Jpeg, quality: 92, grain: grain, seed: i + 1);
            File.WriteAllBytes(files[i] + ".tmp", bytes);
            File.Move(files[i] + ".tmp", files[i], overwrite: true);
        }
        return files;
    }

    /// <summary>One photo-like 320x240 JPEG of a few KiB: index picks its colours; no grain, so that it stays small.</summary>
    public static byte[] DrawSmall(int index) => TestImages.PhotoLike(320, 240, SKEncodedImageFormat.Jpeg, quality: 85, grain: 0, seed: index + 1);
}
