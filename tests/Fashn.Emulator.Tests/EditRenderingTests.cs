using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SkiaSharp;
using Xunit;
using static Fashn.Emulator.Tests.EditTestKit;
using Fashn.Testing;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>What edit's outputs show: the subject on the image_context, the change kept to the mask, the same output for the same inputs.</summary>
    public class EditRenderingTests
    {
        private static readonly SKColor ContextGreen = new(30, 160, 60);

        /// <summary>A red disc on grey, 120x90: the subject in the middle, plain backdrop at the edges.</summary>
        private static byte[] Subject() => TestImages.RedDiscOnGrey(120, 90, SKEncodedImageFormat.Png);

        private static async Task<SKBitmap> EditOnceAsync(EmulatorServer server, string body)
        {
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(body);
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;
            Assert.Equal("completed", final.GetProperty("status").GetString());
            return ImagingMeasures.DecodeOutput((await OutputsAsync(final)).Single(), SKEncodedImageFormat.Png);
        }

        private static bool IsGreen((double R, double G, double B) c) => c.G > 120 && c.G > c.R + 60 && c.G > c.B + 60;

        private static bool IsRed((double R, double G, double B) c) => c.R > 150 && c.R > c.G + 80 && c.R > c.B + 80;

        private static bool IsGrey((double R, double G, double B) c) =>
            Math.Abs(c.R - 128) < 20 && Math.Abs(c.G - 128) < 20 && Math.Abs(c.B - 128) < 20;

        [Fact]
        public async Task With_image_context_the_subject_is_laid_on_that_image_as_the_new_background()
        {
            await using EmulatorServer server = await StartAsync();
            // A context of another shape (tall): it is scaled and cropped to cover the frame.
            string body = EditBody(PngDataUri(Subject()), inputs => inputs["image_context"] = PngDataUri(SolidPng(60, 200, ContextGreen)));

            using SKBitmap output = await EditOnceAsync(server, body);

            Assert.Equal(120.0 / 90, (double)output.Width / output.Height, 2);
            Assert.True(IsRed(ColourAt(output, 0.5, 0.5)), $"centre {ColourAt(output, 0.5, 0.5)}");
            foreach ((double x, double y) in new[] { (0.05, 0.05), (0.95, 0.05), (0.05, 0.95), (0.95, 0.95) })
            {
                Assert.True(IsGreen(ColourAt(output, x, y)), $"({x}, {y}): {ColourAt(output, x, y)}");
            }
        }

        [Fact]
        public async Task With_a_mask_only_the_white_area_changes()
        {
            await using EmulatorServer server = await StartAsync();
            string body = EditBody(PngDataUri(Subject()), inputs =>
            {
                inputs["image_context"] = PngDataUri(SolidPng(120, 90, ContextGreen));
                inputs["mask"] = PngDataUri(RightHalfMask(120, 90, 60));
            });

            using SKBitmap output = await EditOnceAsync(server, body);

            // Left of the split the grey backdrop stays; right of it the new background shows.
            Assert.True(IsGrey(ColourAt(output, 0.05, 0.1)), $"left {ColourAt(output, 0.05, 0.1)}");
            Assert.True(IsGrey(ColourAt(output, 0.05, 0.9)), $"left {ColourAt(output, 0.05, 0.9)}");
            Assert.True(IsGreen(ColourAt(output, 0.95, 0.1)), $"right {ColourAt(output, 0.95, 0.1)}");
            Assert.True(IsGreen(ColourAt(output, 0.95, 0.9)), $"right {ColourAt(output, 0.95, 0.9)}");
        }

        [Fact]
        public async Task Without_image_context_the_background_follows_the_prompt_and_the_subject_stays()
        {
            await using EmulatorServer server = await StartAsync();

            using SKBitmap output = await EditOnceAsync(server, EditBody(PngDataUri(Subject())));

            Assert.True(IsRed(ColourAt(output, 0.5, 0.5)), $"centre {ColourAt(output, 0.5, 0.5)}");
            Assert.False(IsGrey(ImagingMeasures.MeanBorderColour(output)), "the grey backdrop was not replaced");
        }

        [Fact]
        public async Task The_same_inputs_and_seed_give_the_same_outputs_and_another_seed_others()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string context = PngDataUri(SolidPng(80, 80, ContextGreen));
            string Body(long seed) => EditBody(PngDataUri(Subject()), inputs =>
            {
                inputs["image_context"] = context;
                inputs["seed"] = seed;
                inputs["num_images"] = 2;
            });

            async Task<byte[][]> OutputsOfAsync(string body) => await OutputsAsync((await client.WaitFinishedAsync(await client.SubmitAsync(body))).Final);
            byte[][] first = await OutputsOfAsync(Body(5));
            byte[][] again = await OutputsOfAsync(Body(5));
            byte[][] other = await OutputsOfAsync(Body(6));

            Assert.Equal(first, again);
            Assert.NotEqual(first[0], first[1]);
            Assert.NotEqual(first[0], other[0]);
        }

        [Fact]
        public async Task A_mask_url_of_another_size_fails_with_InputValidationError_once_fetched()
        {
            byte[] mask = RightHalfMask(30, 30, 15);
            await using LoopbackSite site = await LoopbackSite.StartAsync(async context =>
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(mask);
            });
            await using EmulatorServer server = await StartAsync(o => o.Credits = 10);
            using HttpClient client = Client(server);
            string body = EditBody(PngDataUri(Subject()), inputs => inputs["mask"] = new Uri(site.BaseUri, "mask.png").AbsoluteUri);

            JsonElement final = (await client.WaitFinishedAsync(await client.SubmitAsync(body))).Final;

            Assert.Equal("failed", final.GetProperty("status").GetString());
            Assert.Equal("InputValidationError", final.GetProperty("error").GetProperty("name").GetString());
            Assert.Contains("120x90", final.GetProperty("error").GetProperty("message").GetString());
            Assert.Equal(10, (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task An_image_context_that_cannot_be_loaded_fails_with_ImageLoadError_naming_it()
        {
            await using LoopbackSite site = await LoopbackSite.StartAsync(context =>
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            });
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string body = EditBody(PngDataUri(Subject()), inputs => inputs["image_context"] = new Uri(site.BaseUri, "gone.jpg").AbsoluteUri);

            JsonElement final = (await client.WaitFinishedAsync(await client.SubmitAsync(body))).Final;

            Assert.Equal("ImageLoadError", final.GetProperty("error").GetProperty("name").GetString());
            Assert.Equal("Error loading input image (image_context): The URL answered HTTP 404.", final.GetProperty("error").GetProperty("message").GetString());
        }
    }
}
