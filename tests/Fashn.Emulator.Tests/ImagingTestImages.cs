using System;
using System.Linq;
using SkiaSharp;
using Xunit;

namespace Fashn.Emulator.Tests
{
    /// <summary>Builds the input images the imaging tests need, in memory.</summary>
    internal static class ImagingTestImages
    {
        internal static readonly SKColor BackdropGrey = new(128, 128, 128);

        /// <summary>A red disc on a flat grey backdrop: the simplest "subject on a studio backdrop".</summary>
        internal static byte[] RedDiscOnGrey(int width, int height, SKEncodedImageFormat format, float centreX, float centreY, float radius)
        {
            return Draw(width, height, format, canvas =>
            {
                canvas.Clear(BackdropGrey);
                using var paint = new SKPaint { Color = new SKColor(210, 30, 30), IsAntialias = true };
                canvas.DrawCircle(centreX, centreY, radius, paint);
            });
        }

        internal static byte[] RedDiscOnGrey(int width, int height, SKEncodedImageFormat format) =>
            RedDiscOnGrey(width, height, format, width / 2f, height / 2f, Math.Min(width, height) * 0.3f);

        /// <summary>A photo-like picture: a lit backdrop gradient with grain and a textured figure.</summary>
        internal static byte[] PhotoLike(int width, int height, SKEncodedImageFormat format)
        {
            return Draw(width, height, format, canvas =>
            {
                using (var backdrop = new SKPaint())
                {
                    backdrop.Shader = SKShader.CreateLinearGradient(
                        new SKPoint(0, 0), new SKPoint(width, height),
                        new[] { new SKColor(236, 234, 228), new SKColor(200, 198, 192) }, SKShaderTileMode.Clamp);
                    canvas.DrawRect(0, 0, width, height, backdrop);
                }

                using var figure = new SKPaint { IsAntialias = true };
                figure.Shader = SKShader.CreateLinearGradient(
                    new SKPoint(0, height * 0.2f), new SKPoint(0, height),
                    new[] { new SKColor(40, 60, 120), new SKColor(90, 40, 50) }, SKShaderTileMode.Clamp);
                canvas.DrawOval(width * 0.5f, height * 0.62f, width * 0.17f, height * 0.36f, figure);
                figure.Shader = null;
                figure.Color = new SKColor(214, 170, 140);
                canvas.DrawCircle(width * 0.5f, height * 0.22f, Math.Min(width, height) * 0.09f, figure);
            }, addGrain: true);
        }

        /// <summary>A PNG of whatever <paramref name="draw"/> paints.</summary>
        internal static byte[] Draw(int width, int height, Action<SKCanvas> draw) => Draw(width, height, SKEncodedImageFormat.Png, draw);

        private static byte[] Draw(int width, int height, SKEncodedImageFormat format, Action<SKCanvas> draw, bool addGrain = false)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(bitmap))
            {
                draw(canvas);
            }

            if (addGrain)
            {
                AddGrain(bitmap.GetPixelSpan());
            }

            using SKData data = bitmap.Encode(format, 90);
            return data.ToArray();
        }

        /// <summary>Seeded sensor-like noise of a few levels, so the images are not flat.</summary>
        private static void AddGrain(Span<byte> rgba)
        {
            uint state = 2463534242;
            for (int i = 0; i < rgba.Length; i += 4)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                int noise = (int)(state % 9) - 4;
                for (int c = 0; c < 3; c++)
                {
                    rgba[i + c] = (byte)Math.Clamp(rgba[i + c] + noise, 0, 255);
                }
            }
        }

        /// <summary>
        /// Inserts an APP1 Exif segment holding only the Orientation tag right after the JPEG's SOI marker.
        /// </summary>
        internal static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
        {
            byte[] tiff =
            {
                (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD at offset 8
                0x00, 0x01,                                               // one entry
                0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,           // tag 0x0112 Orientation, SHORT, count 1
                (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,  // the value, padded to 4 bytes
                0x00, 0x00, 0x00, 0x00,                                   // no next IFD
            };
            byte[] exifHeader = { (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0x00, 0x00 };
            int segmentLength = 2 + exifHeader.Length + tiff.Length;
            var result = new byte[jpeg.Length + 2 + segmentLength];
            int position = 0;
            result[position++] = 0xFF;
            result[position++] = 0xD8;
            result[position++] = 0xFF;
            result[position++] = 0xE1;
            result[position++] = (byte)(segmentLength >> 8);
            result[position++] = (byte)segmentLength;
            exifHeader.CopyTo(result, position);
            position += exifHeader.Length;
            tiff.CopyTo(result, position);
            position += tiff.Length;
            Array.Copy(jpeg, 2, result, position, jpeg.Length - 2);
            return result;
        }

        /// <summary>
        /// A well-formed PNG whose header claims a huge size, with almost no pixel data: a decompression bomb's shape.
        /// </summary>
        internal static byte[] PngClaimingSize(int width, int height)
        {
            var png = new System.IO.MemoryStream();
            png.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
            byte[] header = new byte[13];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
            header[8] = 8; // bit depth
            header[9] = 2; // RGB
            WriteChunk(png, "IHDR", header);
            WriteChunk(png, "IDAT", new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 }); // an empty zlib stream
            WriteChunk(png, "IEND", Array.Empty<byte>());
            return png.ToArray();
        }

        private static void WriteChunk(System.IO.Stream stream, string type, byte[] data)
        {
            byte[] typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
            byte[] length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            stream.Write(length);
            stream.Write(typeBytes);
            stream.Write(data);
            byte[] crc = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeBytes.Concat(data).ToArray()));
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

        /// <summary>Decodes an output the way a user's viewer would, checking its encoded format.</summary>
        internal static SKBitmap DecodeOutput(byte[] encoded, SKEncodedImageFormat expectedFormat)
        {
            using (SKCodec codec = SKCodec.Create(new SKMemoryStream(encoded)))
            {
                Assert.NotNull(codec);
                Assert.Equal(expectedFormat, codec.EncodedFormat);
            }

            SKBitmap? bitmap = SKBitmap.Decode(encoded);
            Assert.NotNull(bitmap);
            return bitmap;
        }

        /// <summary>The mean colour of a rectangle of pixels.</summary>
        internal static (double R, double G, double B) MeanColour(SKBitmap bitmap, SKRectI area)
        {
            double r = 0, g = 0, b = 0;
            int count = 0;
            for (int y = area.Top; y < area.Bottom; y++)
            {
                for (int x = area.Left; x < area.Right; x++)
                {
                    SKColor colour = bitmap.GetPixel(x, y);
                    r += colour.Red;
                    g += colour.Green;
                    b += colour.Blue;
                    count++;
                }
            }

            return (r / count, g / count, b / count);
        }

        /// <summary>The mean colour of the outer band (a tenth of each side) of the image.</summary>
        internal static (double R, double G, double B) MeanBorderColour(SKBitmap bitmap)
        {
            int band = Math.Max(1, Math.Min(bitmap.Width, bitmap.Height) / 10);
            double r = 0, g = 0, b = 0;
            int count = 0;
            for (int y = 0; y < bitmap.Height; y++)
            {
                for (int x = 0; x < bitmap.Width; x++)
                {
                    bool inBand = x < band || y < band || x >= bitmap.Width - band || y >= bitmap.Height - band;
                    if (!inBand) continue;
                    SKColor colour = bitmap.GetPixel(x, y);
                    r += colour.Red;
                    g += colour.Green;
                    b += colour.Blue;
                    count++;
                }
            }

            return (r / count, g / count, b / count);
        }
    }
}
