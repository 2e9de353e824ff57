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
    public class ImagingTests
    {
        private const long MaxOutputPixels = 1_050_000;

        [Theory]
        [InlineData(OutputImageFormat.Png, SKEncodedImageFormat.Png)]
        [InlineData(OutputImageFormat.Jpeg, SKEncodedImageFormat.Jpeg)]
        public void Render_LargePhoto_IsEncodedAsAskedWithinTheResolutionLimitAndKeepsTheAspect(OutputImageFormat format, SKEncodedImageFormat expected)
        {
            byte[] input = PhotoLike(2400, 1800, SKEncodedImageFormat.Jpeg);

            byte[] output = BackgroundChanger.Render(input, "modern office space with large windows", 42, format);

            using SKBitmap image = DecodeOutput(output, expected);
            Assert.True((long)image.Width * image.Height <= MaxOutputPixels, $"{image.Width}x{image.Height} exceeds 1.05 MP");
            Assert.True((long)image.Width * image.Height >= 1_000_000, $"{image.Width}x{image.Height} was scaled down further than needed");
            Assert.Equal(2400.0 / 1800.0, (double)image.Width / image.Height, 2);
        }

        [Fact]
        public void Render_SmallImage_KeepsItsSize()
        {
            byte[] input = RedDiscOnGrey(320, 240, SKEncodedImageFormat.Png);

            using SKBitmap image = DecodeOutput(BackgroundChanger.Render(input, "studio", 1, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            Assert.Equal(320, image.Width);
            Assert.Equal(240, image.Height);
        }

        [Theory]
        [InlineData(OutputImageFormat.Png)]
        [InlineData(OutputImageFormat.Jpeg)]
        public void Render_SameInputPromptSeedAndFormat_GivesIdenticalBytes(OutputImageFormat format)
        {
            byte[] input = PhotoLike(640, 480, SKEncodedImageFormat.Jpeg);

            byte[] first = BackgroundChanger.Render(input, "beach sunset", 7, format);
            byte[] second = BackgroundChanger.Render((byte[])input.Clone(), "beach sunset", 7, format);

            Assert.Equal(first, second);
        }

        [Fact]
        public void Render_DifferentSeeds_GiveDifferentImages()
        {
            byte[] input = PhotoLike(640, 480, SKEncodedImageFormat.Jpeg);

            byte[] seed1 = BackgroundChanger.Render(input, "beach sunset", 1, OutputImageFormat.Png);
            byte[] seed2 = BackgroundChanger.Render(input, "beach sunset", 2, OutputImageFormat.Png);

            Assert.NotEqual(seed1, seed2);
            Assert.True(CountDifferentPixels(seed1, seed2) > 640 * 480 / 10, "different seeds should change a visible part of the background");
        }

        [Fact]
        public void Render_DifferentPrompts_GiveDifferentImages()
        {
            byte[] input = PhotoLike(640, 480, SKEncodedImageFormat.Jpeg);

            byte[] office = BackgroundChanger.Render(input, "modern office", 42, OutputImageFormat.Png);
            byte[] snow = BackgroundChanger.Render(input, "snowy mountain", 42, OutputImageFormat.Png);

            Assert.True(CountDifferentPixels(office, snow) > 640 * 480 / 10, "different prompts should change a visible part of the background");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(42)]
        [InlineData(4294967295)]
        public void Render_BeachSunsetIsWarm_ForestClearingIsGreen(long seed)
        {
            byte[] input = RedDiscOnGrey(480, 360, SKEncodedImageFormat.Png, 240, 180, 80);

            using SKBitmap beach = DecodeOutput(BackgroundChanger.Render(input, "beach sunset", seed, OutputImageFormat.Png), SKEncodedImageFormat.Png);
            using SKBitmap forest = DecodeOutput(BackgroundChanger.Render(input, "forest clearing", seed, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            var warm = MeanBorderColour(beach);
            var green = MeanBorderColour(forest);
            Assert.True(warm.R > warm.G && warm.R > warm.B + 30, $"beach sunset border is not warm: {warm}");
            Assert.True(green.G > green.R + 10 && green.G > green.B + 10, $"forest clearing border is not green: {green}");
        }

        [Fact]
        public void Render_RedDiscOnGrey_KeepsTheDiscAndReplacesTheGreyBackdrop()
        {
            byte[] input = RedDiscOnGrey(400, 300, SKEncodedImageFormat.Png, 200, 150, 90);

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "beach sunset", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            var centre = MeanColour(output, new SKRectI(180, 130, 220, 170));
            Assert.True(centre.R > centre.G + 80 && centre.R > centre.B + 80, $"the subject is no longer red: {centre}");
            foreach (SKRectI corner in Corners(output, 20))
            {
                var colour = MeanColour(output, corner);
                double distanceFromGrey = Math.Sqrt(Square(colour.R - 128) + Square(colour.G - 128) + Square(colour.B - 128));
                Assert.True(distanceFromGrey > 40, $"corner {corner} is still the grey backdrop: {colour}");
            }
        }

        [Fact]
        public void Render_SubjectReachingTheBottomEdge_IsKeptWhereItTouchesTheBorder()
        {
            // Like a person cut off at the knees: the subject covers part of the border the backdrop is measured on.
            byte[] input = Draw(400, 300, SKEncodedImageFormat.Png, 90, canvas =>
            {
                canvas.Clear(BackdropGrey);
                using var paint = new SKPaint { Color = new SKColor(30, 60, 200), IsAntialias = true };
                canvas.DrawRect(150, 80, 100, 220, paint);
            });

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "desert", 8, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            var bottomCentre = MeanColour(output, new SKRectI(180, 285, 220, 300));
            Assert.True(bottomCentre.B > bottomCentre.R + 80, $"the subject was cut away at the border: {bottomCentre}");
            var bottomLeft = MeanColour(output, new SKRectI(0, 285, 40, 300));
            Assert.True(Math.Abs(bottomLeft.R - 128) + Math.Abs(bottomLeft.B - 128) > 40, $"the grey backdrop next to it was kept: {bottomLeft}");
        }

        [Fact]
        public void Render_BackdropColouredPartInsideTheSubject_IsKept()
        {
            // A green subject with a grey patch (the backdrop's colour) in its middle, like a white shirt on a white wall.
            byte[] input = Draw(400, 300, SKEncodedImageFormat.Png, 90, canvas =>
            {
                canvas.Clear(BackdropGrey);
                using var paint = new SKPaint { Color = new SKColor(30, 150, 60) };
                canvas.DrawRect(120, 60, 160, 180, paint);
                paint.Color = BackdropGrey;
                canvas.DrawRect(170, 120, 60, 60, paint);
            });

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "beach sunset", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            var patch = MeanColour(output, new SKRectI(185, 135, 215, 165));
            Assert.True(Math.Abs(patch.R - patch.G) < 20 && Math.Abs(patch.G - patch.B) < 20 && patch.G > 70,
                $"the grey patch inside the subject was replaced: {patch}");
        }

        [Fact]
        public void Render_LitGradientBackdrop_IsReplacedEverywhere()
        {
            byte[] input = PhotoLike(640, 480, SKEncodedImageFormat.Jpeg);

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "forest clearing", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            foreach (SKRectI corner in Corners(output, 24))
            {
                var colour = MeanColour(output, corner);
                Assert.True(colour.G > colour.R && colour.G > colour.B, $"corner {corner} kept the old backdrop instead of the forest: {colour}");
            }
        }

        [Fact]
        public void Render_ColourWords_TintTheBackground()
        {
            byte[] input = RedDiscOnGrey(300, 200, SKEncodedImageFormat.Png, 150, 100, 40);

            using SKBitmap blue = DecodeOutput(BackgroundChanger.Render(input, "blue studio", 4, OutputImageFormat.Png), SKEncodedImageFormat.Png);
            using SKBitmap pink = DecodeOutput(BackgroundChanger.Render(input, "pink studio", 4, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            var blueBorder = MeanBorderColour(blue);
            var pinkBorder = MeanBorderColour(pink);
            Assert.True(blueBorder.B > blueBorder.R + 15, $"a blue studio is not blue: {blueBorder}");
            Assert.True(pinkBorder.R > pinkBorder.G + 15, $"a pink studio is not pink: {pinkBorder}");
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(2, 3)]
        [InlineData(1, 400)]
        [InlineData(400, 1)]
        [InlineData(5000, 30)]
        public void Render_TinyAndExtremeShapes_GiveAnImageOfTheExpectedSize(int width, int height)
        {
            byte[] input = RedDiscOnGrey(width, height, SKEncodedImageFormat.Png);

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "beach sunset", 42, OutputImageFormat.Jpeg), SKEncodedImageFormat.Jpeg);

            Assert.Equal((width, height), (output.Width, output.Height));
        }

        [Fact]
        public void Render_VeryWideImage_IsScaledWithinTheLimitKeepingItsAspect()
        {
            byte[] input = RedDiscOnGrey(8000, 200, SKEncodedImageFormat.Png);

            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, "city", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            Assert.True((long)output.Width * output.Height <= MaxOutputPixels);
            Assert.Equal(40.0, (double)output.Width / output.Height, 0);
        }

        [Fact]
        public void Render_RelightsTheSubjectForTheScene()
        {
            // A neutral grey subject on a white backdrop: any tint or darkening in it comes from the relighting.
            byte[] input = Draw(400, 300, SKEncodedImageFormat.Png, 90, canvas =>
            {
                canvas.Clear(new SKColor(245, 245, 245));
                using var paint = new SKPaint { Color = new SKColor(128, 128, 128) };
                canvas.DrawRect(130, 60, 140, 240, paint);
            });
            var centre = new SKRectI(180, 140, 220, 180);

            (double R, double G, double B) SubjectColour(string prompt)
            {
                using SKBitmap output = DecodeOutput(BackgroundChanger.Render(input, prompt, 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);
                return MeanColour(output, centre);
            }

            var studio = SubjectColour("studio");
            var night = SubjectColour("night city");
            var sunset = SubjectColour("beach sunset");
            var snow = SubjectColour("snowy mountains");

            Assert.True(night.G < studio.G - 10, $"the subject is not darker at night: {night} against {studio} in a studio");
            Assert.True(sunset.R - sunset.B > snow.R - snow.B + 6, $"the subject is not warmer at sunset: {sunset} against {snow} in snow");
            Assert.True(Math.Abs(sunset.R - sunset.B) < 60, $"the relighting overpowered the subject's own colour: {sunset}");
        }

        [Fact]
        public void Render_CastsASoftShadowBelowTheSubject()
        {
            // The same scene with and without a subject: only the subject and its shadow differ.
            byte[] withSubject = RedDiscOnGrey(400, 300, SKEncodedImageFormat.Png, 200, 130, 70);
            byte[] withoutSubject = Draw(400, 300, SKEncodedImageFormat.Png, 90, canvas => canvas.Clear(BackdropGrey));

            using SKBitmap shadowed = DecodeOutput(BackgroundChanger.Render(withSubject, "studio", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);
            using SKBitmap plain = DecodeOutput(BackgroundChanger.Render(withoutSubject, "studio", 42, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            var belowSubject = new SKRectI(185, 203, 215, 210); // just under the disc's lowest point (y = 200)
            double shadowedLuma = Luma(MeanColour(shadowed, belowSubject));
            double plainLuma = Luma(MeanColour(plain, belowSubject));
            Assert.True(shadowedLuma < plainLuma - 8, $"no shadow under the subject: {shadowedLuma:0.0} against {plainLuma:0.0}");
            var farCorner = new SKRectI(0, 0, 30, 30);
            Assert.Equal(Luma(MeanColour(plain, farCorner)), Luma(MeanColour(shadowed, farCorner)), 0);
        }

        [Fact]
        public void Render_TransparentPng_ReplacesTheTransparentArea()
        {
            using var bitmap = new SKBitmap(new SKImageInfo(200, 200, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { Color = new SKColor(20, 40, 200), IsAntialias = true })
            {
                canvas.Clear(SKColors.Transparent);
                canvas.DrawCircle(100, 100, 50, paint);
            }

            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            using SKBitmap output = DecodeOutput(BackgroundChanger.Render(png.ToArray(), "forest clearing", 3, OutputImageFormat.Png), SKEncodedImageFormat.Png);

            Assert.Equal(SKAlphaType.Opaque, output.AlphaType);
            var centre = MeanColour(output, new SKRectI(90, 90, 110, 110));
            Assert.True(centre.B > centre.R + 80 && centre.B > centre.G + 80, $"the subject is no longer blue: {centre}");
            var green = MeanBorderColour(output);
            Assert.True(green.G > green.R && green.G > green.B, $"the transparent area did not get the forest background: {green}");
        }

        [Fact]
        public void Render_IsSafeToCallConcurrently()
        {
            byte[] input = PhotoLike(480, 320, SKEncodedImageFormat.Jpeg);
            byte[] expected = BackgroundChanger.Render(input, "forest clearing", 9, OutputImageFormat.Png);

            var results = new byte[6][];
            System.Threading.Tasks.Parallel.For(0, results.Length, i =>
                results[i] = BackgroundChanger.Render(input, "forest clearing", 9, OutputImageFormat.Png));

            Assert.All(results, result => Assert.Equal(expected, result));
        }

        private static int CountDifferentPixels(byte[] firstPng, byte[] secondPng)
        {
            using SKBitmap first = DecodeOutput(firstPng, SKEncodedImageFormat.Png);
            using SKBitmap second = DecodeOutput(secondPng, SKEncodedImageFormat.Png);
            Assert.Equal(first.Width, second.Width);
            Assert.Equal(first.Height, second.Height);
            int different = 0;
            for (int y = 0; y < first.Height; y++)
            {
                for (int x = 0; x < first.Width; x++)
                {
                    SKColor a = first.GetPixel(x, y), b = second.GetPixel(x, y);
                    int distance = Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue);
                    if (distance > 24) different++;
                }
            }

            return different;
        }

        private static SKRectI[] Corners(SKBitmap bitmap, int size) => new[]
        {
            new SKRectI(0, 0, size, size),
            new SKRectI(bitmap.Width - size, 0, bitmap.Width, size),
            new SKRectI(0, bitmap.Height - size, size, bitmap.Height),
            new SKRectI(bitmap.Width - size, bitmap.Height - size, bitmap.Width, bitmap.Height),
        };

        private static double Square(double value) => value * value;

        private static double Luma((double R, double G, double B) colour) => 0.299 * colour.R + 0.587 * colour.G + 0.114 * colour.B;
    }
}
