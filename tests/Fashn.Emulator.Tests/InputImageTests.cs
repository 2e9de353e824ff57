using System;
using System.Linq;
using System.Text;
using Fashn.Emulator.Imaging;
using SkiaSharp;
using Xunit;
using static Fashn.Emulator.Tests.ImagingMeasures;
using static Fashn.Testing.TestImages;

namespace Fashn.Emulator.Tests
{
    /// <summary>Which images the renderer takes in (formats, EXIF orientation, stray bytes) and which it refuses, and why.</summary>
    public class InputImageTests
    {
        [Theory]
        [InlineData(3, 320, 200, 159, 149)] // rotated 180: the disc moves to the bottom
        [InlineData(6, 200, 320, 149, 160)] // rotate 90 clockwise: the top goes to the right
        [InlineData(8, 200, 320, 50, 159)]  // rotate 90 counter-clockwise: the top goes to the left
        public void ExifOrientations_PutTheSubjectWhereAViewerShowsIt(ushort orientation, int width, int height, int discX, int discY)
        {
            byte[] input = WithExifOrientation(RedDiscOnGrey(320, 200, SKEncodedImageFormat.Jpeg, 160, 50, 35), orientation);

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "studio", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            Assert.Equal((width, height), (output.Width, output.Height));
            var disc = MeanColour(output, new SKRectI(discX - 10, discY - 10, discX + 10, discY + 10));
            Assert.True(disc.R > disc.G + 80 && disc.R > disc.B + 80, $"orientation {orientation}: no disc at ({discX}, {discY}): {disc}");
        }

        [Fact]
        public void ExifOrientation6_IsAppliedByProbeAndRender()
        {
            // A disc near the top of a landscape picture; orientation 6 means "rotate 90 degrees clockwise to display".
            byte[] stored = RedDiscOnGrey(320, 200, SKEncodedImageFormat.Jpeg, 160, 50, 35);
            byte[] input = WithExifOrientation(stored, 6);

            InputImageInfo info = BackgroundChanger.Probe(input);
            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "studio", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            Assert.Equal(new InputImageInfo("jpeg", 200, 320), info);
            Assert.Equal(200, output.Width);
            Assert.Equal(320, output.Height);
            // Displayed upright, the top of the stored picture is on the right: the disc sits at (149, 160).
            var disc = MeanColour(output, new SKRectI(139, 150, 159, 170));
            Assert.True(disc.R > disc.G + 80 && disc.R > disc.B + 80, $"the disc is not where a clockwise rotation puts it: {disc}");
        }

        [Theory]
        [InlineData(SKEncodedImageFormat.Jpeg, "jpeg")]
        [InlineData(SKEncodedImageFormat.Png, "png")]
        [InlineData(SKEncodedImageFormat.Webp, "webp")]
        public void Probe_ReportsFormatAndSize(SKEncodedImageFormat format, string expectedName)
        {
            byte[] input = RedDiscOnGrey(300, 170, format);

            Assert.Equal(new InputImageInfo(expectedName, 300, 170), BackgroundChanger.Probe(input));
        }

        [Fact]
        public void Render_WebpInput_Works()
        {
            byte[] input = RedDiscOnGrey(300, 200, SKEncodedImageFormat.Webp);

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "night city", 5, OutputImageFormat.Jpeg), SKEncodedImageFormat.Jpeg);

            Assert.Equal(300, output.Width);
            Assert.Equal(200, output.Height);
            var centre = MeanColour(output, new SKRectI(140, 90, 160, 110));
            Assert.True(centre.R > centre.G + 60, $"the subject is no longer red: {centre}");
        }

        public static TheoryData<string, byte[], string> InvalidInputs()
        {
            byte[] jpeg = PhotoLike(400, 300, SKEncodedImageFormat.Jpeg);
            byte[] png = PhotoLike(400, 300, SKEncodedImageFormat.Png);
            byte[] webp = PhotoLike(400, 300, SKEncodedImageFormat.Webp);
            return new TheoryData<string, byte[], string>
            {
                { "empty", Array.Empty<byte>(), "empty" },
                { "text", Encoding.UTF8.GetBytes("{\"error\": \"this is JSON, not a picture\"}"), "not a JPEG, PNG or WebP" },
                { "gif", Encoding.ASCII.GetBytes("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"), "not a JPEG, PNG or WebP" },
                { "truncated jpeg", jpeg[..(jpeg.Length / 2)], "truncated or corrupt" },
                { "jpeg cut inside its header", jpeg[..40], "truncated or corrupt" },
                { "truncated png", png[..(png.Length / 2)], "truncated or corrupt" },
                { "truncated webp", webp[..(webp.Length / 2)], "truncated or corrupt" },
            };
        }

        [Theory]
        [MemberData(nameof(InvalidInputs))]
        public void ProbeAndRender_RejectBytesThatAreNotACompleteImage(string description, byte[] input, string expectedMessagePart)
        {
            var probeError = Assert.Throws<InvalidImageException>(() => BackgroundChanger.Probe(input));
            var renderError = Assert.Throws<InvalidImageException>(() => BackgroundChanger.Render(input, "beach", 42, OutputImageFormat.Png));

            Assert.Contains(expectedMessagePart, probeError.Message, StringComparison.Ordinal);
            Assert.Contains(expectedMessagePart, renderError.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(description));
        }

        [Fact]
        public void JpegWithDataAfterItsEndMarker_IsAccepted()
        {
            // Phones append data after EOI (motion photos carry a whole video there).
            byte[] jpeg = RedDiscOnGrey(300, 200, SKEncodedImageFormat.Jpeg);
            byte[] input = jpeg.Concat(new byte[] { 0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0xFF, 0xD8, 0xFF }).ToArray();

            Assert.Equal(new InputImageInfo("jpeg", 300, 200), BackgroundChanger.Probe(input));
            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "studio", 1, OutputImageFormat.Png), SKEncodedImageFormat.Png);
            Assert.Equal((300, 200), (output.Width, output.Height));
        }

        [Fact]
        public void JpegWithStrayBytesBetweenSegments_IsAccepted()
        {
            byte[] jpeg = RedDiscOnGrey(300, 200, SKEncodedImageFormat.Jpeg);
            // After SOI and the first segment (APP0, whose length follows its marker), two bytes no marker claims.
            int afterFirstSegment = 4 + ((jpeg[4] << 8) | jpeg[5]);
            byte[] input = jpeg[..afterFirstSegment].Concat(new byte[] { 0x00, 0x42 }).Concat(jpeg[afterFirstSegment..]).ToArray();

            Assert.Equal(new InputImageInfo("jpeg", 300, 200), BackgroundChanger.Probe(input));
            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "studio", 1, OutputImageFormat.Png), SKEncodedImageFormat.Png);
            Assert.Equal((300, 200), (output.Width, output.Height));
        }

        [Fact]
        public void ProbeAndRender_RejectAnImageClaimingMoreThan100Megapixels()
        {
            byte[] input = PngClaimingSize(20_000, 20_000);

            var probeError = Assert.Throws<InvalidImageException>(() => BackgroundChanger.Probe(input));
            var renderError = Assert.Throws<InvalidImageException>(() => BackgroundChanger.Render(input, "beach", 42, OutputImageFormat.Png));

            Assert.Contains("20000x20000", probeError.Message, StringComparison.Ordinal);
            Assert.Contains("100 megapixels", renderError.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Render_JpegWithCorruptScanData_IsRejected()
        {
            byte[] jpeg = PhotoLike(400, 300, SKEncodedImageFormat.Jpeg);
            // Keep the headers and the end marker, but replace the middle of the scan with a marker libjpeg cannot accept.
            byte[] corrupt = (byte[])jpeg.Clone();
            for (int i = jpeg.Length / 2; i < jpeg.Length / 2 + 64; i += 2)
            {
                corrupt[i] = 0xFF;
                corrupt[i + 1] = 0xC4;
            }

            Assert.Throws<InvalidImageException>(() => BackgroundChanger.Render(corrupt, "beach", 42, OutputImageFormat.Png));
        }
    }
}
