using System.Diagnostics;
using Fashn.Emulator.Imaging;
using Fashn.Testing;
using SkiaSharp;

// Measures BackgroundChanger.Render on one thread against a plain decode+encode of the same input.
// Usage: dotnet run -c Release --project bench/Fashn.Emulator.Bench [-- --samples <directory> | --status-load]
//   --samples writes a few renders of a photo-like input to look at, then exits.

if (args.Length == 1 && args[0] == "--status-load")
{
    await StatusLoad.RunAsync();
    return;
}

if (args.Length == 2 && args[0] == "--samples")
{
    WriteSamples(args[1]);
    return;
}

Console.WriteLine($"BackgroundChanger benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, single thread");
Console.WriteLine();
Console.WriteLine($"{"input",-28} {"operation",-34} {"runs",5} {"mean ms",9} {"p95 ms",9} {"x baseline",11}");
foreach (var (width, height, runs) in new[] { (1155, 866, 40), (4000, 3000, 12) })
{
    byte[] jpeg = TestImages.PhotoLike(width, height, SKEncodedImageFormat.Jpeg);
    string label = $"{width}x{height} JPEG ({width * height / 1e6:0.0} MP)";
    foreach (OutputImageFormat format in new[] { OutputImageFormat.Png, OutputImageFormat.Jpeg })
    {
        var encodedFormat = format == OutputImageFormat.Png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        Timing baseline = Measure(runs, () => DecodeAndEncode(jpeg, encodedFormat));
        Timing render = Measure(runs, () => BackgroundChanger.Render(jpeg, "beach sunset", 42, format));
        Console.WriteLine($"{label,-28} {$"plain decode+encode {format}",-34} {runs,5} {baseline.Mean,9:0.0} {baseline.P95,9:0.0} {1.0,11:0.00}");
        Console.WriteLine($"{label,-28} {$"Render -> {format}",-34} {runs,5} {render.Mean,9:0.0} {render.P95,9:0.0} {render.Mean / baseline.Mean,11:0.00}");
    }
}

// The baseline encodes with the settings Render uses (PNG: "Up" filter, zlib level 3; JPEG: quality 92, 4:2:0),
// so the ratio shows what the pipeline itself adds. At 12 MP the baseline encodes all 12 MP, while Render
// decodes at a reduced scale and encodes at most 1.05 MP.
static byte[] DecodeAndEncode(byte[] input, SKEncodedImageFormat format)
{
    using SKBitmap bitmap = SKBitmap.Decode(input);
    using SKPixmap pixmap = bitmap.PeekPixels();
    using SKData? data = format == SKEncodedImageFormat.Png
        ? pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 3))
        : pixmap.Encode(new SKJpegEncoderOptions(92, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
    return data?.ToArray() ?? throw new InvalidOperationException("SkiaSharp could not encode the baseline image.");
}

static Timing Measure(int runs, Func<byte[]> operation)
{
    for (int i = 0; i < 2; i++)
    {
        operation(); // warm up: JIT, native library loading
    }

    var milliseconds = new double[runs];
    for (int i = 0; i < runs; i++)
    {
        long start = Stopwatch.GetTimestamp();
        operation();
        milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(milliseconds);
    int p95Index = Math.Min(runs - 1, (int)Math.Ceiling(runs * 0.95) - 1);
    return new Timing(milliseconds.Average(), milliseconds[p95Index]);
}

static void WriteSamples(string directory)
{
    Directory.CreateDirectory(directory);
    byte[] photo = TestImages.PhotoLike(1200, 900, SKEncodedImageFormat.Jpeg);
    File.WriteAllBytes(Path.Combine(directory, "input.jpg"), photo);
    string[] prompts =
    {
        "beach sunset", "forest clearing", "modern office space with large windows", "studio", "night city",
        "snowy mountains", "desert dunes", "park on a cloudy day", "blue studio backdrop", "xyzzy plugh",
    };
    // Also one contact sheet: a row per prompt, seeds 1 and 2 side by side, at a quarter size.
    const int cellWidth = 300, cellHeight = 225;
    using var sheet = new SKBitmap(cellWidth * 2, cellHeight * prompts.Length);
    using var sheetCanvas = new SKCanvas(sheet);
    for (int row = 0; row < prompts.Length; row++)
    {
        for (long seed = 1; seed <= 2; seed++)
        {
            string name = $"{prompts[row].Replace(' ', '-')}-{seed}.png";
            byte[] output = BackgroundChanger.Render(photo, prompts[row], seed, OutputImageFormat.Png);
            File.WriteAllBytes(Path.Combine(directory, name), output);
            using SKImage image = SKImage.FromEncodedData(output);
            sheetCanvas.DrawImage(image, new SKRect((seed - 1) * cellWidth, row * cellHeight, seed * cellWidth, (row + 1) * cellHeight), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            Console.WriteLine(Path.Combine(directory, name));
        }
    }

    using SKData sheetPng = sheet.Encode(SKEncodedImageFormat.Png, 100);
    File.WriteAllBytes(Path.Combine(directory, "contact-sheet.png"), sheetPng.ToArray());
}

internal readonly record struct Timing(double Mean, double P95);
