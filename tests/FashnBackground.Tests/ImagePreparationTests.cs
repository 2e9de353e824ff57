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

    /// <summary>A JPEG with an EXIF APP1 segment saying how to turn it (6: rotate 90° clockwise to view).</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[]
        {
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,      // little-endian TIFF header, first IFD at 8
            1, 0,                                          // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, // Orientation, SHORT, 1 value
            0, 0, 0, 0,                                    // no next IFD
        };
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        var segment = new byte[] { 0xFF, 0xE1, (byte)(length >> 8), (byte)length }.Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    private static byte[] Photo(int width, int height, SKEncodedImageFormat format, bool transparent = false)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, transparent ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(transparent ? SKColors.Transparent : new SKColor(210, 210, 215));
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                new[] { new SKColor(200, 60, 40), new SKColor(40, 60, 200) }, SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader, IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 92);
        return data.ToArray();
    }

    [Fact]
    public async Task ALargeSidewaysJpegArrivesUprightWithinTheModelsLimitAndMuchSmaller()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("portrait.jpg");
        File.WriteAllBytes(path, WithExifOrientation(Photo(3000, 2000, SKEncodedImageFormat.Jpeg), 6));
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
        File.WriteAllBytes(path, Photo(2400, 1800, SKEncodedImageFormat.Png, transparent: true));
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
        File.WriteAllBytes(path, large ? Photo(2400, 1800, SKEncodedImageFormat.Jpeg) : Photo(640, 480, SKEncodedImageFormat.Jpeg));
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait" + (large ? " -NoResize" : ""), path);

        Assert.Single(result.Output);
        var received = await ReceivedAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), received.GetProperty("sha256").GetString());
        Assert.Equal(new FileInfo(path).Length, received.GetProperty("bytes").GetInt64());
    }
}
