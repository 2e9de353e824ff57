using System.Security.Cryptography;
using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>What the module uploads, as the emulator received it (issue 7).</summary>
public sealed class ImagePreparationTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<JsonElement> ReceivedAsync() =>
        Assert.Single((await Emulators.StatsAsync(_emulator)).GetProperty("inputs").EnumerateArray().ToList());

    [Fact]
    public async Task ALargeSidewaysJpegArrivesUprightWithinTheModelsLimitAndMuchSmaller()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("portrait.jpg");
        File.WriteAllBytes(path, TestImages.WithExifOrientation(TestImages.SubjectOnBackdrop(3000, 2000, SKEncodedImageFormat.Jpeg), 6, littleEndian: true));
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", path);

        var prediction = Assert.Single(result.Output);
        var width = (int)prediction.Properties["SentWidth"].Value;
        var height = (int)prediction.Properties["SentHeight"].Value;
        Assert.True(height > width, $"sent {width}x{height}: not upright");
        Assert.True(width * height <= 1_050_000);
        var received = await ReceivedAsync();
        Assert.Equal("jpeg", received.GetProperty("format").GetString());
        Assert.Equal(width, received.GetProperty("width").GetInt32());
        Assert.Equal(height, received.GetProperty("height").GetInt32());
        Assert.True(received.GetProperty("bytes").GetInt64() < new FileInfo(path).Length);
    }

    [Fact]
    public async Task ALargeTransparentPngStaysPng()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("cutout.png");
        File.WriteAllBytes(path, TestImages.SubjectOnBackdrop(2400, 1800, SKEncodedImageFormat.Png, cutOut: true));
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", path);

        Assert.Single(result.Output);
        var received = await ReceivedAsync();
        Assert.Equal("png", received.GetProperty("format").GetString());
        Assert.True(received.GetProperty("width").GetInt32() * received.GetProperty("height").GetInt32() <= 1_050_000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASmallImageOrAnyImageWithNoResizeIsSentByteForByte(bool large)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("photo.jpg");
        File.WriteAllBytes(path, TestImages.SubjectOnBackdrop(large ? 2400 : 640, large ? 1800 : 480, SKEncodedImageFormat.Jpeg));
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait" + (large ? " -NoResize" : ""), path);

        Assert.Single(result.Output);
        var received = await ReceivedAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), received.GetProperty("sha256").GetString());
        Assert.Equal(new FileInfo(path).Length, received.GetProperty("bytes").GetInt64());
    }
}
