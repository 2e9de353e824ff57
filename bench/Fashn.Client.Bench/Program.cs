using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Fashn.Client.Imaging;
using Fashn.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;
using SkiaSharp;

// Client-side image preparation benchmark: for photo-like 24-megapixel JPEGs, how many bytes ImagePreparer
// saves and how much CPU it spends, against a plain full-size decode + resize + encode in the same run.
// Usage: dotnet run -c Release --project bench/Fashn.Client.Bench [-- images runs]

int imageCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
const int Width = 6000, Height = 4000;
var options = new ImagePreparationOptions();
// The uplinks the upload-time column is computed for (bits per second); base64 adds a third.
var uplinks = new (string Name, double BitsPerSecond)[] { ("10 Mbit/s", 10e6), ("50 Mbit/s", 50e6) };

Console.WriteLine($"Fashn.Client.Bench: {imageCount} photo-like {Width}x{Height} JPEGs, {runs} timed runs each (+1 warm-up)");
Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, "
    + $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, SkiaSharp {typeof(SKBitmap).Assembly.GetName().Version}");
Console.WriteLine($"Options: MaxPixels {options.MaxPixels}, MaxLongEdge {options.MaxLongEdge}, JpegQuality {options.JpegQuality}");
Console.WriteLine();

// ImageSharp runs single-threaded too, so its figures compare with one core's worth of SkiaSharp.
SixLabors.ImageSharp.Configuration.Default.MaxDegreeOfParallelism = 1;

var preparedTimes = new List<double>();
var baselineTimes = new List<double>();
var imageSharpTimes = new List<double>();
long totalOriginal = 0, totalPrepared = 0;
Console.WriteLine("image  original B   prepared B  ratio  sent WxH    prepare CPU ms mean/p95  baseline CPU ms mean/p95  (thread CPU time)");
for (int i = 0; i < imageCount; i++)
{
    // More grain, more bytes: the images span the 6-12 MB of real 24 MP camera JPEGs.
    int grain = 8 + 12 * i / Math.Max(1, imageCount - 1);
    byte[] photo = TestImages.PhotoLike(Width, Height, SKEncodedImageFormat.Jpeg, quality: 92, grain: grain, seed: i + 1);
    string name = $"photo-{i + 1}.jpg";

    PreparedImage prepared = ImagePreparer.Prepare(photo, name, options); // warm-up, and the bytes to report
    var times = Measure(runs, () => ImagePreparer.Prepare(photo, name, options));
    byte[] baselineBytes = FullDecodeResizeEncode(photo, prepared.Width, prepared.Height, options.JpegQuality);
    var baseline = Measure(runs, () => FullDecodeResizeEncode(photo, prepared.Width, prepared.Height, options.JpegQuality));

    byte[] imageSharpBytes = ImageSharpDecodeResizeEncode(photo, prepared.Width, prepared.Height, options.JpegQuality);
    var imageSharp = Measure(Math.Max(1, runs / 2), () => ImageSharpDecodeResizeEncode(photo, prepared.Width, prepared.Height, options.JpegQuality));

    preparedTimes.AddRange(times);
    baselineTimes.AddRange(baseline);
    imageSharpTimes.AddRange(imageSharp);
    totalOriginal += photo.Length;
    totalPrepared += prepared.Bytes.Length;
    Console.WriteLine($"{i + 1,5}  {photo.Length,10:N0}  {prepared.Bytes.Length,11:N0}  {photo.Length / (double)prepared.Bytes.Length,5:F1}  "
        + $"{prepared.Width + "x" + prepared.Height,-10}  {Mean(times),10:F1} / {Percentile(times, 95),-10:F1}  {Mean(baseline),10:F1} / {Percentile(baseline, 95):F1}"
        + $"   (baseline output {baselineBytes.Length:N0} B; ImageSharp {Mean(imageSharp):F0} ms, {imageSharpBytes.Length:N0} B)");
}

Console.WriteLine();
Console.WriteLine($"All images: {totalOriginal:N0} B original, {totalPrepared:N0} B prepared, {totalOriginal / (double)totalPrepared:F1} times fewer bytes");
Console.WriteLine($"Prepare CPU ms per image: mean {Mean(preparedTimes):F1}, p95 {Percentile(preparedTimes, 95):F1}, max {preparedTimes.Max():F1}");
Console.WriteLine($"Baseline (full decode + Mitchell resize + encode) CPU ms per image: mean {Mean(baselineTimes):F1}, p95 {Percentile(baselineTimes, 95):F1}");
Console.WriteLine($"ImageSharp 2.1.13 (full decode + bicubic resize + encode, one thread) CPU ms per image: mean {Mean(imageSharpTimes):F1}, p95 {Percentile(imageSharpTimes, 95):F1}");
foreach (var (uplinkName, bitsPerSecond) in uplinks)
{
    // Computed, not measured: base64 payload bits over the uplink, per image on average.
    double originalSeconds = totalOriginal * 4.0 / 3 * 8 / bitsPerSecond / imageCount;
    double preparedSeconds = totalPrepared * 4.0 / 3 * 8 / bitsPerSecond / imageCount;
    Console.WriteLine($"Upload time per image as base64 at {uplinkName} (computed): original {originalSeconds:F2} s, prepared {preparedSeconds:F2} s + {Mean(preparedTimes) / 1000:F2} s CPU");
}

// CPU time of the calling thread (everything measured is single-threaded), so other processes on a busy
// machine do not count; where the thread clock is unavailable, the whole process's CPU time.
static List<double> Measure(int runs, Action action)
{
    var results = new List<double>(runs);
    for (int run = 0; run < runs; run++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        double before = CpuMilliseconds();
        action();
        results.Add(CpuMilliseconds() - before);
    }
    return results;
}

static double CpuMilliseconds()
{
    if (OperatingSystem.IsLinux() && ThreadCpuClock.Read(out double milliseconds))
    {
        return milliseconds;
    }
    using var process = Process.GetCurrentProcess();
    return process.TotalProcessorTime.TotalMilliseconds;
}

// What a straightforward implementation does: decode every pixel at full size, then one resample and encode.
static byte[] FullDecodeResizeEncode(byte[] jpeg, int width, int height, int quality)
{
    using SKBitmap full = SKBitmap.Decode(jpeg);
    using var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
    full.ScalePixels(scaled, new SKSamplingOptions(SKCubicResampler.Mitchell));
    using SKData data = scaled.Encode(SKEncodedImageFormat.Jpeg, quality);
    return data.ToArray();
}

// The pure managed alternative: ImageSharp 2.1 (Apache-2.0) has no scaled JPEG decoding, so it decodes every pixel.
static byte[] ImageSharpDecodeResizeEncode(byte[] jpeg, int width, int height, int quality)
{
    using var image = SixLabors.ImageSharp.Image.Load(jpeg);
    image.Mutate(context => context.AutoOrient().Resize(width, height, KnownResamplers.Bicubic));
    using var output = new MemoryStream();
    image.SaveAsJpeg(output, new JpegEncoder { Quality = quality });
    return output.ToArray();
}

static double Mean(List<double> values) => values.Average();

static double Percentile(List<double> values, int percent)
{
    var sorted = values.OrderBy(v => v).ToList();
    int index = (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1;
    return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
}

internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);

    internal static bool Read(out double milliseconds)
    {
        milliseconds = 0;
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec time) != 0)
        {
            return false;
        }
        milliseconds = time.Seconds * 1000.0 + time.Nanoseconds / 1_000_000.0;
        return true;
    }
}
