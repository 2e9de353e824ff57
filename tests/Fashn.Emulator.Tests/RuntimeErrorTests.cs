using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class RuntimeErrorTests
    {
        private static async Task<JsonElement> FinalErrorAsync(EmulatorServer server, string body)
        {
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(body);
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;
            Assert.Equal("failed", final.GetProperty("status").GetString());
            Assert.False(final.TryGetProperty("output", out JsonElement output) && output.ValueKind != JsonValueKind.Null);
            return final.GetProperty("error");
        }

        [Theory]
        [InlineData("/9j/4AAQSkZJRgABAQ")]
        [InlineData("image/jpeg;base64,/9j/4AAQ")]
        public async Task A_data_uri_without_its_prefix_fails_with_ImageLoadError(string image)
        {
            await using EmulatorServer server = await StartAsync();

            JsonElement error = await FinalErrorAsync(server, RunBody(image));

            Assert.Equal("ImageLoadError", error.GetProperty("name").GetString());
            Assert.StartsWith("Error loading input image: ", error.GetProperty("message").GetString());
        }

        [Fact]
        public async Task Bytes_that_are_not_a_decodable_image_fail_with_ImageLoadError()
        {
            await using EmulatorServer server = await StartAsync();
            byte[] jpeg = SmallJpeg();

            JsonElement garbage = await FinalErrorAsync(server, RunBody("data:image/jpeg;base64," + Convert.ToBase64String(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })));
            JsonElement truncated = await FinalErrorAsync(server, RunBody(DataUri(jpeg.Take(jpeg.Length / 3).ToArray())));
            JsonElement notBase64 = await FinalErrorAsync(server, RunBody("data:image/jpeg;base64,@@@not base64@@@"));

            Assert.Equal("ImageLoadError", garbage.GetProperty("name").GetString());
            Assert.Equal("ImageLoadError", truncated.GetProperty("name").GetString());
            Assert.Equal("ImageLoadError", notBase64.GetProperty("name").GetString());
            Assert.Equal(3, (await StatsAsync(server)).GetProperty("predictions").GetProperty("failed").GetInt64());
        }

        [Fact]
        public async Task Loopback_image_urls_are_fetched_and_rendered()
        {
            byte[] jpeg = SmallJpeg(40, 30);
            await using LoopbackSite site = await LoopbackSite.StartAsync(async context =>
            {
                context.Response.ContentType = "image/jpeg";
                await context.Response.Body.WriteAsync(jpeg);
            });
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string url = new Uri(site.BaseUri, "photo.jpg").AbsoluteUri;

            string id = await client.SubmitAsync(RunBody(url));
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;

            Assert.Equal("completed", final.GetProperty("status").GetString());
            JsonElement input = (await StatsAsync(server)).GetProperty("inputs").EnumerateArray().Single();
            Assert.Equal(jpeg.Length, input.GetProperty("bytes").GetInt64());
            Assert.Equal(40, input.GetProperty("width").GetInt32());
            Assert.Equal("jpeg", input.GetProperty("format").GetString());
        }

        [Fact]
        public async Task A_url_answering_a_non_image_content_type_fails_with_ImageLoadError_naming_it()
        {
            await using LoopbackSite site = await LoopbackSite.StartAsync(async context =>
            {
                context.Response.ContentType = "text/plain;charset=UTF-8";
                await context.Response.WriteAsync("not an image");
            });
            await using EmulatorServer server = await StartAsync();

            JsonElement error = await FinalErrorAsync(server, RunBody(new Uri(site.BaseUri, "page").AbsoluteUri));

            Assert.Equal("ImageLoadError", error.GetProperty("name").GetString());
            Assert.Contains("Content-Type is not an image", error.GetProperty("message").GetString());
            Assert.Contains("text/plain", error.GetProperty("message").GetString());
        }

        [Fact]
        public async Task A_url_that_fails_fails_with_ImageLoadError()
        {
            await using LoopbackSite site = await LoopbackSite.StartAsync(context =>
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            });
            await using EmulatorServer server = await StartAsync();

            JsonElement error = await FinalErrorAsync(server, RunBody(new Uri(site.BaseUri, "missing.jpg").AbsoluteUri));

            Assert.Equal("ImageLoadError", error.GetProperty("name").GetString());
            Assert.Contains("404", error.GetProperty("message").GetString());
        }

        [Fact]
        public async Task Non_loopback_urls_are_not_fetched_unless_allowed()
        {
            await using EmulatorServer server = await StartAsync();

            // A documentation address (TEST-NET-1): the emulator must refuse before any connection.
            JsonElement error = await FinalErrorAsync(server, RunBody("http://192.0.2.10/photo.jpg"));

            Assert.Equal("ImageLoadError", error.GetProperty("name").GetString());
            Assert.Contains("loopback", error.GetProperty("message").GetString());
        }

        [Theory]
        [InlineData("gore on a beach")]
        [InlineData("studio, NSFW lighting")]
        public async Task Prompts_with_blocked_words_fail_with_ContentModerationError_and_cost_nothing(string prompt)
        {
            await using EmulatorServer server = await StartAsync(o => o.Credits = 5);

            JsonElement error = await FinalErrorAsync(server, RunBody(DataUri(SmallJpeg()), prompt));

            Assert.Equal("ContentModerationError", error.GetProperty("name").GetString());
            Assert.Equal(5, (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task The_block_list_is_configurable()
        {
            await using EmulatorServer server = await StartAsync(o => o.BlockedWords = new[] { "volcano" });
            using HttpClient client = Client(server);

            JsonElement error = await FinalErrorAsync(server, RunBody(DataUri(SmallJpeg()), "an erupting volcano"));
            string allowed = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), "gore-tex jacket in the rain"));

            Assert.Equal("ContentModerationError", error.GetProperty("name").GetString());
            Assert.Equal("completed", (await client.WaitFinishedAsync(allowed)).Final.GetProperty("status").GetString());
        }
    }
}
