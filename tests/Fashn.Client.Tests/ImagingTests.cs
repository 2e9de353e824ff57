using System.Text;
using Fashn.Client;
using Fashn.Client.Imaging;
using SkiaSharp;
using Xunit;
using static Fashn.Testing.TestImages;

namespace Fashn.Client.Tests;

/// <summary>
/// ImagePreparer as the uploader sees it: which bytes and MIME type would be sent, their dimensions, and the
/// errors for files that must not be sent. Every input is drawn here with SkiaSharp.
/// </summary>
public sealed class ImagingTests : IDisposable
{
    private static readonly SKColor Marker = new(230, 20, 20);
    private static readonly SKColor Grey = new(128, 128, 128);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fashn-imaging-" + Guid.NewGuid().ToString("N"));
    private readonly ImagePreparationOptions _defaults = new();

    public ImagingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LargeJpegWithExifOrientation6ArrivesUpright()
    {
        // Stored 3000x2000 with a red band along the stored top edge; EXIF 6 means "turn 90 degrees clockwise".
        byte[] stored = Draw(3000, 2000, SKEncodedImageFormat.Jpeg, 90, canvas =>
        {
            canvas.Clear(Grey);
            using var red = new SKPaint { Color = Marker };
            canvas.DrawRect(0, 0, 3000, 200, red);
        });
        string path = Write("portrait.jpg", WithExifOrientation(stored, 6));

        PreparedImage prepared = ImagePreparer.Prepare(path, _defaults);

        Assert.True(prepared.Reencoded);
        Assert.Equal("image/jpeg", prepared.MimeType);
        Assert.Equal((3000, 2000), (prepared.OriginalWidth, prepared.OriginalHeight));
        Assert.True(prepared.Height > prepared.Width, $"not upright: {prepared.Width}x{prepared.Height}");
        Assert.InRange((long)prepared.Width * prepared.Height, 900_000, 1_000_000);
        Assert.InRange(prepared.Height / (double)prepared.Width, 1.49, 1.51);

        using SKCodec codec = SKCodec.Create(new MemoryStream(prepared.Bytes));
        Assert.Equal(SKEncodedOrigin.TopLeft, codec.EncodedOrigin); // no EXIF left to rotate it a second time
        using SKBitmap sent = SKBitmap.Decode(prepared.Bytes);
        Assert.Equal((prepared.Width, prepared.Height), (sent.Width, sent.Height));
        AssertColour(Marker, sent.GetPixel(sent.Width - 5, sent.Height / 2), "right edge");
        AssertColour(Grey, sent.GetPixel(5, sent.Height / 2), "left edge");
        AssertColour(Grey, sent.GetPixel(sent.Width / 2, 5), "top edge");
    }

    [Fact]
    public void SmallJpegWithExifOrientation6IsSentUnchangedAndReportsUprightSize()
    {
        byte[] file = WithExifOrientation(Draw(400, 300, SKEncodedImageFormat.Jpeg, 90, c => c.Clear(Grey)), 6);
        string path = Write("small-rotated.jpg", file);

        PreparedImage prepared = ImagePreparer.Prepare(path, _defaults);

        Assert.False(prepared.Reencoded);
        Assert.Equal(file, prepared.Bytes);
        Assert.Equal((300, 400), (prepared.Width, prepared.Height));
        Assert.Equal((400, 300), (prepared.OriginalWidth, prepared.OriginalHeight));
    }

    [Fact]
    public void LargePngWithTransparencyStaysPngWithAlpha()
    {
        // Left half fully transparent, right half opaque blue, a half-transparent band across the middle.
        byte[] file = Draw(4800, 3200, SKEncodedImageFormat.Png, 100, canvas =>
        {
            canvas.Clear(SKColors.Transparent);
            using var blue = new SKPaint { Color = new SKColor(20, 40, 200) };
            canvas.DrawRect(2400, 0, 2400, 3200, blue);
            using var half = new SKPaint { Color = new SKColor(20, 200, 40, 128) };
            canvas.DrawRect(0, 1400, 2400, 400, half);
        });
        string path = Write("cutout.png", file);

        PreparedImage prepared = ImagePreparer.Prepare(path, _defaults);

        Assert.True(prepared.Reencoded);
        Assert.Equal("image/png", prepared.MimeType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, prepared.Bytes.Take(4).ToArray());
        Assert.True((long)prepared.Width * prepared.Height <= 1_000_000);
        using SKBitmap sent = SKBitmap.Decode(prepared.Bytes);
        Assert.Equal(0, sent.GetPixel(sent.Width / 4, sent.Height / 8).Alpha);
        SKColor opaque = sent.GetPixel(sent.Width * 3 / 4, sent.Height / 8);
        Assert.Equal(255, opaque.Alpha);
        AssertColour(new SKColor(20, 40, 200), opaque, "opaque half");
        SKColor band = sent.GetPixel(sent.Width / 4, sent.Height / 2);
        Assert.InRange(band.Alpha, 118, 138);
        AssertColour(new SKColor(20, 200, 40), band.WithAlpha(255), "half-transparent band");
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public void SmallImageIsSentByteForByte(SKEncodedImageFormat format, string mimeType)
    {
        byte[] file = Draw(800, 600, format, 90, canvas =>
        {
            canvas.Clear(Grey);
            using var red = new SKPaint { Color = Marker };
            canvas.DrawCircle(400, 300, 150, red);
        });
        string path = Write("small.img", file);

        PreparedImage prepared = ImagePreparer.Prepare(path, _defaults);

        Assert.False(prepared.Reencoded);
        Assert.Equal(mimeType, prepared.MimeType);
        Assert.Equal(file, prepared.Bytes);
        Assert.Equal(file.Length, prepared.OriginalLength);
        Assert.Equal((800, 600, 800, 600), (prepared.Width, prepared.Height, prepared.OriginalWidth, prepared.OriginalHeight));
    }

    [Fact]
    public void Large24MegapixelPhotoIsSentWithinTheLimitsAsJpegAndManyTimesSmaller()
    {
        byte[] file = PhotoLike(6000, 4000, SKEncodedImageFormat.Jpeg, quality: 92, grain: 8);
        string path = Write("camera.jpg", file);

        PreparedImage prepared = ImagePreparer.Prepare(path, _defaults);

        Assert.True(prepared.Reencoded);
        Assert.Equal("image/jpeg", prepared.MimeType);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, prepared.Bytes.Take(3).ToArray());
        Assert.True((long)prepared.Width * prepared.Height <= _defaults.MaxPixels, $"{prepared.Width}x{prepared.Height}");
        Assert.True(Math.Max(prepared.Width, prepared.Height) <= _defaults.MaxLongEdge);
        Assert.InRange(prepared.Width / (double)prepared.Height, 1.49, 1.51);
        Assert.Equal(file.Length, prepared.OriginalLength);
        Assert.True(prepared.Bytes.Length * 10 <= file.Length,
            $"sent {prepared.Bytes.Length} bytes of a {file.Length}-byte file: less than 10 times smaller");
        using SKBitmap sent = SKBitmap.Decode(prepared.Bytes);
        Assert.Equal((prepared.Width, prepared.Height), (sent.Width, sent.Height));
    }

    [Fact]
    public void LongEdgeLimitAppliesToPanoramas()
    {
        byte[] file = Draw(6000, 600, SKEncodedImageFormat.Jpeg, 90, c => c.Clear(Grey));
        PreparedImage prepared = ImagePreparer.Prepare(Write("panorama.jpg", file), _defaults);

        Assert.True(prepared.Reencoded);
        Assert.Equal((2000, 200), (prepared.Width, prepared.Height));
    }

    [Fact]
    public void LargePngWithAnAlphaChannelButNoTransparentPixelIsSentAsJpeg()
    {
        // Drawn into a premultiplied bitmap, so the PNG is stored as RGBA although every pixel is opaque.
        byte[] file = Draw(3000, 2000, SKEncodedImageFormat.Png, 100, canvas =>
        {
            canvas.Clear(Grey);
            using var red = new SKPaint { Color = Marker, IsAntialias = true };
            canvas.DrawCircle(1500, 1000, 700, red);
        });
        using (SKCodec codec = SKCodec.Create(new MemoryStream(file)))
        {
            Assert.NotEqual(SKAlphaType.Opaque, codec.Info.AlphaType);
        }

        PreparedImage prepared = ImagePreparer.Prepare(Write("opaque.png", file), _defaults);

        Assert.True(prepared.Reencoded);
        Assert.Equal("image/jpeg", prepared.MimeType);
        using SKBitmap sent = SKBitmap.Decode(prepared.Bytes);
        AssertColour(Marker, sent.GetPixel(sent.Width / 2, sent.Height / 2), "centre");
        AssertColour(Grey, sent.GetPixel(5, 5), "corner");
    }

    [Fact]
    public void LargeOpaqueWebpIsSentAsJpeg()
    {
        byte[] file = Draw(2400, 1600, SKEncodedImageFormat.Webp, 80, c => c.Clear(Grey));
        PreparedImage prepared = ImagePreparer.Prepare(Write("large.webp", file), _defaults);

        Assert.True(prepared.Reencoded);
        Assert.Equal("image/jpeg", prepared.MimeType);
        Assert.True((long)prepared.Width * prepared.Height <= 1_000_000);
    }

    [Fact]
    public void MimeTypeComesFromTheBytesNotTheFileName()
    {
        byte[] png = Draw(300, 200, SKEncodedImageFormat.Png, 100, c => c.Clear(Grey));
        string path = Write("photo.jpg", png);

        Assert.Equal("image/png", ImagePreparer.Prepare(path, _defaults).MimeType);
        PreparedImage fromBytes = ImagePreparer.Prepare(png, "photo.jpg", _defaults);
        Assert.Equal("image/png", fromBytes.MimeType);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), fromBytes.ToDataUri());
    }

    [Fact]
    public void NoResizeSendsTheOriginalBytesOfALargeImage()
    {
        byte[] file = Draw(3000, 2000, SKEncodedImageFormat.Jpeg, 90, c => c.Clear(Grey));
        string path = Write("large.jpg", file);

        PreparedImage prepared = ImagePreparer.Prepare(path, new ImagePreparationOptions { Resize = false });

        Assert.False(prepared.Reencoded);
        Assert.Equal(file, prepared.Bytes);
        Assert.Equal((3000, 2000), (prepared.Width, prepared.Height));
    }

    public static TheoryData<string, string> InvalidImages() => new()
    {
        { "empty", "empty" },
        { "truncated-jpeg", "truncated" },
        { "truncated-png", "truncated" },
        { "truncated-png-no-resize", "truncated" },
        { "corrupt-png", "corrupt" },
        { "corrupt-png-small", "corrupt" },
        { "damaged-header", "damaged" },
        { "text", "not an image" },
        { "random", "not an image" },
        { "heic", "HEIC image" },
        { "heif", "HEIF image" },
        { "avif", "AVIF image" },
        { "gif", "GIF image" },
        { "bmp", "BMP image" },
        { "tiff", "TIFF image" },
        { "too-many-pixels", "100 megapixels" },
    };

    [Theory]
    [MemberData(nameof(InvalidImages))]
    public void InvalidImageIsRefusedWithAMessageNamingTheFile(string kind, string expectedText)
    {
        var options = kind.EndsWith("-no-resize") ? new ImagePreparationOptions { Resize = false } : _defaults;
        string path = Write(kind + ".jpg", InvalidImage(kind));

        var error = Assert.Throws<FashnException>(() => ImagePreparer.Prepare(path, options));

        Assert.Equal(FashnErrorCodes.InvalidInputImage, error.ErrorCode);
        Assert.Contains(path, error.Message);
        Assert.Contains(expectedText, error.Message);
        if (kind is "heic" or "heif" or "avif" or "gif" or "bmp" or "tiff")
        {
            Assert.Contains("Convert it to JPEG or PNG", error.Message);
        }
    }

    [Fact]
    public void FileOverTheSizeLimitIsRefusedBeforeItIsRead()
    {
        string path = Path.Combine(_folder, "huge.jpg");
        using (var stream = File.Create(path))
        {
            stream.SetLength(ImagePreparer.MaxFileBytes + 1);
        }

        var error = Assert.Throws<FashnException>(() => ImagePreparer.Prepare(path, _defaults));

        Assert.Equal(FashnErrorCodes.InvalidInputImage, error.ErrorCode);
        Assert.Contains(path, error.Message);
        Assert.Contains("64 MiB", error.Message);
    }

    [Fact]
    public void MissingFileAndFolderAreNotReadable()
    {
        string missing = Path.Combine(_folder, "missing.jpg");
        var notFound = Assert.Throws<FashnException>(() => ImagePreparer.Prepare(missing, _defaults));
        Assert.Equal(FashnErrorCodes.InputNotReadable, notFound.ErrorCode);
        Assert.Contains(missing, notFound.Message);
        Assert.Contains("does not exist", notFound.Message);

        var folder = Assert.Throws<FashnException>(() => ImagePreparer.Prepare(_folder, _defaults));
        Assert.Equal(FashnErrorCodes.InputNotReadable, folder.ErrorCode);
        Assert.Contains(_folder, folder.Message);
        Assert.Contains("folder", folder.Message);
    }

    [Fact]
    public void CancelledPreparationStopsWithoutAResult()
    {
        byte[] png = Draw(300, 200, SKEncodedImageFormat.Png, 100, c => c.Clear(Grey));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ImagePreparer.Prepare(png, "x.png", _defaults, cancelled.Token));
    }

    [Fact]
    public void OutOfRangeOptionsAreRefused()
    {
        byte[] png = Draw(10, 10, SKEncodedImageFormat.Png, 100, c => c.Clear(Grey));

        var error = Assert.Throws<FashnException>(() => ImagePreparer.Prepare(png, "x.png", new ImagePreparationOptions { JpegQuality = 0 }));

        Assert.Equal(FashnErrorCodes.InvalidArgument, error.ErrorCode);
        Assert.Contains("JpegQuality", error.Message);
    }

    private byte[] InvalidImage(string kind)
    {
        switch (kind)
        {
            case "empty":
                return Array.Empty<byte>();
            case "truncated-jpeg":
            {
                byte[] jpeg = PhotoLike(3000, 2000, SKEncodedImageFormat.Jpeg, quality: 92, grain: 8);
                return jpeg.Take(jpeg.Length / 2).ToArray();
            }
            case "truncated-png":
            case "truncated-png-no-resize":
            {
                byte[] png = PhotoLike(2600, 1800, SKEncodedImageFormat.Png, quality: 100, grain: 8);
                return png.Take(png.Length * 2 / 3).ToArray();
            }
            case "corrupt-png":
                return Damaged(PhotoLike(2600, 1800, SKEncodedImageFormat.Png, quality: 100, grain: 8));
            case "corrupt-png-small":
                return Damaged(PhotoLike(600, 400, SKEncodedImageFormat.Png, quality: 100, grain: 8));
            case "damaged-header":
            {
                // A PNG signature followed by an IHDR chunk whose length field is nonsense.
                byte[] png = Draw(50, 50, SKEncodedImageFormat.Png, 100, c => c.Clear(Grey));
                png[8] = 0xFF;
                return png;
            }
            case "text":
                return Encoding.UTF8.GetBytes("<html><body>404 Not Found</body></html>\n");
            case "random":
                return new byte[] { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0xFE, 0x80, 0x7F, 0x10, 0x20, 0x30 };
            case "heic":
                return IsoMediaHeader("heic", "mif1", "heic");
            case "heif":
                return IsoMediaHeader("mif1", "mif1", "miaf");
            case "avif":
                return IsoMediaHeader("avif", "mif1", "avif");
            case "gif":
                return Encoding.ASCII.GetBytes("GIF89a").Concat(new byte[] { 1, 0, 1, 0, 0, 0, 0, 0x3B }).ToArray();
            case "bmp":
                return Encoding.ASCII.GetBytes("BM").Concat(new byte[60]).ToArray();
            case "tiff":
                return new byte[] { 0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            case "too-many-pixels":
                return WithDeclaredSize(Draw(16, 16, SKEncodedImageFormat.Jpeg, 90, c => c.Clear(Grey)), 12000, 12000);
            default:
                throw new ArgumentException(kind);
        }
    }

    /// <summary>Overwrites 64 bytes in the middle of the data, as a bad sector or a broken transfer would.</summary>
    private static byte[] Damaged(byte[] file)
    {
        byte[] copy = (byte[])file.Clone();
        int start = copy.Length / 2;
        for (int i = 0; i < 64; i++)
        {
            copy[start + i] = (byte)(i * 37 + 11);
        }
        return copy;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertColour(SKColor expected, SKColor actual, string where)
    {
        int difference = Math.Max(Math.Abs(expected.Red - actual.Red), Math.Max(Math.Abs(expected.Green - actual.Green), Math.Abs(expected.Blue - actual.Blue)));
        Assert.True(difference <= 24, $"{where}: expected about {expected}, found {actual}");
    }
}
