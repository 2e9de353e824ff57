using System.Globalization;

namespace Fashn.Bench;

/// <summary>What every scenario shares: where things are, the images, the time scale and the emulator's options.</summary>
internal sealed class BenchSettings(string root, string emulatorDll, string manifest, double timeScale, string[] smallImages)
{
    // The emulator's lifecycle is starting 0.5 s + in_queue 0.5 s + processing; processing 11 s makes each image take
    // the service's ~12 s in all, so with fixed times the ideal ceil(N/6) x 12 s x scale is a true lower bound.
    public const double StartingAndQueueSeconds = 1.0, ProcessingSeconds = 11;

    /// <summary>The seed of the emulator's timing draws where times vary, so that runs are compared on the same draws.</summary>
    public const int TimingSeed = 14;

    public string Root { get; } = root;
    public string EmulatorDll { get; } = emulatorDll;
    public string Manifest { get; } = manifest;
    public double TimeScale { get; } = timeScale;

    /// <summary>Distinct small JPEGs; scenarios take the first N (processes take disjoint ranges).</summary>
    public string[] SmallImages { get; } = smallImages;

    /// <summary>For warming each fresh emulator; an input no scenario uses.</summary>
    public byte[] WarmUpImage { get; } = BenchImages.DrawSmall(1_000_000);

    public TimeSpan PerImageAt(double scale) => TimeSpan.FromSeconds((StartingAndQueueSeconds + ProcessingSeconds) * scale);

    public TimeSpan PerImage => PerImageAt(TimeScale);

    public TimeSpan Ideal(int n) => IdealAt(n, TimeScale);

    public TimeSpan IdealAt(int n, double scale) => PerImageAt(scale) * Math.Ceiling(n / (double)PlaceUse.Places);

    /// <summary>
    /// Fixed times by default (jitter 0), which keep the ideal a true lower bound; the uplink scenario's unresized
    /// bodies (8-14 MB) are measured, not refused with 500. <paramref name="extra"/> is appended.
    /// </summary>
    public string[] EmulatorOptions(long uploadBytesPerSecond = 0, double? timeScale = null, double jitter = 0, params string[] extra) =>
    [
        "--time-scale", (timeScale ?? TimeScale).ToString(CultureInfo.InvariantCulture), "--processing-seconds", ProcessingSeconds.ToString(CultureInfo.InvariantCulture),
        "--credits", "1000000", "--subscription-credits", "0", "--upload-bytes-per-second", uploadBytesPerSecond.ToString(CultureInfo.InvariantCulture),
        "--processing-jitter", jitter.ToString(CultureInfo.InvariantCulture), "--timing-seed", TimingSeed.ToString(CultureInfo.InvariantCulture),
        "--max-run-body-bytes", "0", .. extra,
    ];

    /// <summary>
    /// A fresh emulator at <paramref name="scale"/> (the bench's by default), warmed (see <see cref="EmulatorProcess.WarmUpAsync"/>,
    /// polling once a scaled second, well inside the status window); the stats after the warm-up are returned to subtract.
    /// </summary>
    public async Task<(EmulatorProcess emulator, EmulatorStats warmed)> StartEmulatorAsync(string[] options, double? scale = null, TimeSpan? windowToEmpty = null)
    {
        var emulator = await EmulatorProcess.StartAsync(EmulatorDll, options);
        try
        {
            var poll = TimeSpan.FromSeconds(scale ?? TimeScale);
            return (emulator, await emulator.WarmUpAsync(WarmUpImage, windowToEmpty ?? TimeSpan.FromSeconds(60 * (scale ?? TimeScale)) /* the run window */, poll));
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }
}
