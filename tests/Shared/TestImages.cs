using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SkiaSharp;

namespace Fashn.Testing;

/// <summary>
/// The images the tests and benchmarks draw for themselves, in memory: the one source of them, linked into each
/// test and bench project (&lt;Compile Include="../../tests/Shared/TestImages.cs" /&gt;). The pictures, then files
/// that claim what they are not. The demo draws its own product photos (src/Fashn.Demo/SampleImages.cs): those are
/// part of what it shows a user, not test data.
/// </summary>
internal static class TestImages
{
    /// <summary>The flat backdrop of <see cref="RedDiscOnGrey(int, int, SKEncodedImageFormat)"/>, which the imaging tests measure against.</summary>
    internal static readonly SKColor BackdropGrey = new(128, 128, 128);

    /// <summary>
    /// Whatever <paramref name="paint"/> draws, encoded. A premultiplied bitmap (the default, as SkiaSharp's own)
    /// keeps an alpha channel in a PNG even when every pixel is opaque, and any transparency painted; an opaque one
    /// leaves the channel out.
    /// </summary>
    internal static byte[] Draw(int width, int height, SKEncodedImageFormat format, int quality, Action<SKCanvas> paint,
        SKAlphaType alpha = SKAlphaType.Premul) =>
        Encode(width, height, format, quality, alpha, paint, grain: 0, seed: 0);

    /// <summary>
    /// A coloured disc on a flat light backdrop, like a product photo. Every variant is a different image (the
    /// journal and the emulator know inputs by their content); <paramref name="cutOut"/> leaves the backdrop
    /// transparent, as a cut-out PNG.
    /// </summary>
    /// <summary><see cref="SubjectOnBackdrop"/> as a JPEG data URI, the way a test sends an input without writing a file.</summary>
    internal static string JpegDataUri(int width, int height, int variant = 0) =>
        "data:image/jpeg;base64," + Convert.ToBase64String(SubjectOnBackdrop(width, height, SKEncodedImageFormat.Jpeg, variant));

    internal static byte[] SubjectOnBackdrop(int width, int height, SKEncodedImageFormat format, int variant = 0, bool cutOut = false) =>
        Draw(width, height, format, 90, canvas =>
        {
            canvas.Clear(cutOut ? SKColors.Transparent : new SKColor(200, 200, 205));
            using var paint = new SKPaint { Color = new SKColor((byte)(120 + variant % 120), (byte)(30 + variant / 120 % 100), 50), IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
            using var mark = new SKPaint { Color = new SKColor(20, 20, (byte)(variant % 251)) };
            canvas.DrawRect(2 + variant % (width - 6), 2, 3, 3, mark);
        });

    internal static string WriteJpeg(string path, int width = 320, int height = 240, int variant = 0)
    {
        File.WriteAllBytes(path, SubjectOnBackdrop(width, height, SKEncodedImageFormat.Jpeg, variant));
        return path;
    }

    internal static string WritePng(string path, int width = 320, int height = 240, int variant = 0)
    {
        File.WriteAllBytes(path, SubjectOnBackdrop(width, height, SKEncodedImageFormat.Png, variant));
        return path;
    }

    /// <summary>A red disc on <see cref="BackdropGrey"/>: the simplest "subject on a studio backdrop", where the tests know each pixel.</summary>
    internal static byte[] RedDiscOnGrey(int width, int height, SKEncodedImageFormat format, float centreX, float centreY, float radius) =>
        Encode(width, height, format, 90, SKAlphaType.Opaque, canvas =>
        {
            canvas.Clear(BackdropGrey);
            using var paint = new SKPaint { Color = new SKColor(210, 30, 30), IsAntialias = true };
            canvas.DrawCircle(centreX, centreY, radius, paint);
        }, grain: 0, seed: 0);

    internal static byte[] RedDiscOnGrey(int width, int height, SKEncodedImageFormat format) =>
        RedDiscOnGrey(width, height, format, width / 2f, height / 2f, Math.Min(width, height) * 0.3f);

    /// <summary>
    /// A stand-in for a camera photo: a lit backdrop gradient, a figure with fabric-like stripes and per-pixel sensor
    /// grain, so that decoders and encoders meet real, non-flat data and a 24-megapixel JPEG is as large (6-12 MB at
    /// grain 8-20) and as slow to decode as a real one. Seed 0 is a pale studio backdrop behind a dark-clothed figure;
    /// any other seed picks its own colours and grain, so that every photo of a batch is distinct.
    /// </summary>
    internal static byte[] PhotoLike(int width, int height, SKEncodedImageFormat format, int quality = 90, int grain = 4, int seed = 0)
    {
        var random = new Random(seed);
        SKColor Pick(SKColor studio) => seed == 0 ? studio : new SKColor((byte)random.Next(30, 230), (byte)random.Next(30, 230), (byte)random.Next(30, 230));
        SKColor[] backdrop = { Pick(new SKColor(236, 234, 228)), Pick(new SKColor(200, 198, 192)) };
        SKColor[] clothes = { Pick(new SKColor(40, 60, 120)), Pick(new SKColor(90, 40, 50)) };
        SKColor stripes = Pick(new SKColor(200, 190, 170)).WithAlpha(90);
        return Encode(width, height, format, quality, SKAlphaType.Opaque, canvas =>
        {
            using var paint = new SKPaint { IsAntialias = true };
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), backdrop, SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, height * 0.2f), new SKPoint(0, height), clothes, SKShaderTileMode.Clamp);
            canvas.DrawOval(width * 0.5f, height * 0.62f, width * 0.17f, height * 0.36f, paint);
            paint.Shader = null;
            paint.Color = new SKColor(214, 170, 140);
            canvas.DrawCircle(width * 0.5f, height * 0.22f, Math.Min(width, height) * 0.09f, paint);
            // Fabric-like stripes give the encoder real edges to keep.
            paint.Color = stripes;
            for (int x = (int)(width * 0.36f); x < width * 0.64f; x += 14)
            {
                canvas.DrawRect(x, height * 0.35f, 5, height * 0.55f, paint);
            }
        }, grain, (uint)seed);
    }

    /// <summary>Seeded random pixels: an image no encoder can make small.</summary>
    internal static byte[] Noise(int width, int height, SKEncodedImageFormat format, int quality, int seed)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pixels = new byte[width * height * 4];
        new Random(seed).NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using SKData data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality, SKAlphaType alpha,
        Action<SKCanvas> paint, int grain, uint seed)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha));
        using (var canvas = new SKCanvas(bitmap))
        {
            paint(canvas);
        }

        if (grain > 0)
        {
            AddGrain(bitmap.GetPixelSpan(), seed, grain);
        }

        using SKData data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>Seeded sensor-like noise: brightness within ±grain and a little colour, so that no area is flat.</summary>
    private static void AddGrain(Span<byte> rgba, uint seed, int grain)
    {
        uint state = 2463534242u ^ (seed * 2654435761u);
        int span = grain * 2 + 1;
        for (int i = 0; i < rgba.Length; i += 4)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            int luminance = (int)(state % (uint)span) - grain;
            int chroma = (int)((state >> 8) % 5) - 2;
            rgba[i] = Clamp(rgba[i] + luminance + chroma);
            rgba[i + 1] = Clamp(rgba[i + 1] + luminance);
            rgba[i + 2] = Clamp(rgba[i + 2] + luminance - chroma);
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    /// <summary>
    /// Inserts an APP1 Exif segment holding only the Orientation tag right after the JPEG's SOI marker
    /// (6: turn 90 degrees clockwise to view), in either byte order a camera may write.
    /// </summary>
    internal static byte[] WithExifOrientation(byte[] jpeg, ushort orientation, bool littleEndian = false)
    {
        byte[] tiff = littleEndian
            ? new byte[]
            {
                (byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, // little-endian TIFF header, IFD at offset 8
                0x01, 0x00,                                               // one entry
                0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,           // tag 0x0112 Orientation, SHORT, count 1
                (byte)orientation, (byte)(orientation >> 8), 0x00, 0x00,  // the value, padded to 4 bytes
                0x00, 0x00, 0x00, 0x00,                                   // no next IFD
            }
            : new byte[]
            {
                (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD at offset 8
                0x00, 0x01,                                               // one entry
                0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,           // tag 0x0112 Orientation, SHORT, count 1
                (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,  // the value, padded to 4 bytes
                0x00, 0x00, 0x00, 0x00,                                   // no next IFD
            };
        byte[] payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        int segmentLength = payload.Length + 2;
        var segment = new byte[] { 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength }.Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    /// <summary>Rewrites the frame header (SOF0) of a real JPEG so that it declares another size.</summary>
    internal static byte[] WithDeclaredSize(byte[] jpeg, int width, int height)
    {
        byte[] copy = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < copy.Length; i++)
        {
            if (copy[i] == 0xFF && copy[i + 1] == 0xC0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)width);
                return copy;
            }
        }

        throw new InvalidOperationException("The encoded JPEG has no SOF0 frame header.");
    }

    /// <summary>A well-formed PNG whose header claims a huge size, with almost no pixel data: a decompression bomb's shape.</summary>
    internal static byte[] PngClaimingSize(int width, int height)
    {
        var png = new MemoryStream();
        png.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        WritePngChunk(png, "IHDR", header);
        WritePngChunk(png, "IDAT", new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 }); // an empty zlib stream
        WritePngChunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    private static void WritePngChunk(Stream stream, string type, byte[] data)
    {
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        byte[] length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        stream.Write(typeBytes);
        stream.Write(data);
        byte[] crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeBytes.Concat(data).ToArray()));
        stream.Write(crc);
    }

    /// <summary>The CRC-32 PNG chunks carry (polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The start of an ISO media file (HEIC, AVIF): an ftyp box with a major brand and compatible brands.</summary>
    internal static byte[] IsoMediaHeader(string majorBrand, params string[] compatibleBrands)
    {
        int size = 16 + 4 * compatibleBrands.Length;
        var header = new List<byte>();
        header.AddRange(new byte[] { 0, 0, 0, (byte)size });
        header.AddRange(Encoding.ASCII.GetBytes("ftyp" + majorBrand));
        header.AddRange(new byte[4]); // minor version
        foreach (string brand in compatibleBrands)
        {
            header.AddRange(Encoding.ASCII.GetBytes(brand));
        }

        header.AddRange(new byte[64]); // the start of the next box
        return header.ToArray();
    }

    /// <summary>True when the file decodes as an image (what a user would check by opening it).</summary>
    internal static bool Decodes(string path, out int width, out int height)
    {
        using var bitmap = SKBitmap.Decode(path);
        width = bitmap?.Width ?? 0;
        height = bitmap?.Height ?? 0;
        return bitmap != null && width > 0 && height > 0;
    }
}
