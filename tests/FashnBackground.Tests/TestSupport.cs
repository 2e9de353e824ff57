using System.Net.Http.Json;
using System.Text.Json;
using Fashn.Emulator;
using SkiaSharp;

namespace FashnBackground.Tests;

/// <summary>Images the tests make themselves: a coloured subject on a flat backdrop, like a product photo.</summary>
public static class TestImages
{
    public static string WriteJpeg(string path, int width = 320, int height = 240, int variant = 0)
    {
        File.WriteAllBytes(path, Encode(width, height, variant, SKEncodedImageFormat.Jpeg));
        return path;
    }

    public static string WritePng(string path, int width = 320, int height = 240, int variant = 0)
    {
        File.WriteAllBytes(path, Encode(width, height, variant, SKEncodedImageFormat.Png));
        return path;
    }

    public static byte[] Encode(int width, int height, int variant, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(200, 200, 205));
            // Every variant is a different image (the journal knows inputs by their content).
            using var paint = new SKPaint { Color = new SKColor((byte)(120 + variant % 120), (byte)(30 + variant / 120 % 100), 50), IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
            using var mark = new SKPaint { Color = new SKColor(20, 20, (byte)(variant % 251)) };
            canvas.DrawRect(2 + variant % (width - 6), 2, 3, 3, mark);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>True when the file decodes as an image (what a user would check by opening it).</summary>
    public static bool Decodes(string path, out int width, out int height)
    {
        using var bitmap = SKBitmap.Decode(path);
        width = bitmap?.Width ?? 0;
        height = bitmap?.Height ?? 0;
        return bitmap != null && width > 0 && height > 0;
    }
}

/// <summary>A folder that is removed after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fashn-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Starts the emulator on a free loopback port with everything ten to a hundred times faster.</summary>
public static class Emulators
{
    public const string ApiKey = "fa-test-0123456789-abcdefabcdef";

    public static Task<EmulatorServer> StartFastAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            ApiKey = ApiKey,
            ProcessingSeconds = 12,
            TimeScale = 0.02,
            Credits = 100_000,
        };
        configure?.Invoke(options);
        return EmulatorServer.StartAsync(options);
    }

    public static async Task<JsonElement> StatsAsync(EmulatorServer emulator)
    {
        using var http = new HttpClient();
        var json = await http.GetFromJsonAsync<JsonElement>(new Uri(emulator.BaseUri, "_emulator/stats"));
        return json;
    }

    /// <summary>Requests answered for one method and path template, by status code.</summary>
    public static int RequestCount(JsonElement stats, string method, string path, int? status = null) =>
        stats.GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() == method && r.GetProperty("path").GetString() == path &&
                        (status == null || r.GetProperty("status").GetInt32() == status))
            .Sum(r => r.GetProperty("count").GetInt32());
}
