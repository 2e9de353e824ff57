using System.Net;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class ApiContractTests
    {
        [Theory]
        [InlineData(null)]
        [InlineData("fa-wrong-key")]
        public async Task Missing_or_wrong_key_answers_401_UnauthorizedAccess_on_every_endpoint(string? key)
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server, key);

            HttpResponseMessage[] answers =
            {
                await client.PostRunAsync(RunBody(DataUri(SmallJpeg()))),
                await client.GetAsync("v1/status/anything"),
                await client.GetAsync("v1/credits"),
            };

            foreach (HttpResponseMessage answer in answers)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
                JsonElement json = await ReadJsonAsync(answer);
                Assert.Equal("UnauthorizedAccess", json.GetProperty("error").GetString());
                Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
                if (key is not null)
                {
                    Assert.DoesNotContain(key, json.GetProperty("message").GetString());
                }
            }

            Assert.Equal(0, (await StatsAsync(server)).GetProperty("predictions").GetProperty("created").GetInt64());
        }

        [Theory]
        [InlineData("not json at all")]
        [InlineData("[1,2]")]
        [InlineData("{\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\",\"prompt\":\"x\"}}")]
        [InlineData("{\"model_name\":\"tryon-v1.6\",\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\",\"prompt\":\"x\"}}")]
        [InlineData("{\"model_name\":\"background-change\"}")]
        [InlineData("{\"model_name\":\"background-change\",\"inputs\":{\"prompt\":\"x\"}}")]
        [InlineData("{\"model_name\":\"background-change\",\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\"}}")]
        [InlineData("{\"model_name\":\"background-change\",\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\",\"prompt\":\"x\",\"output_format\":\"gif\"}}")]
        [InlineData("{\"model_name\":\"background-change\",\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\",\"prompt\":\"x\",\"seed\":-1}}")]
        [InlineData("{\"model_name\":\"background-change\",\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\",\"prompt\":\"x\",\"seed\":4294967296}}")]
        [InlineData("{\"model_name\":\"background-change\",\"inputs\":{\"image\":\"data:image/jpeg;base64,AA==\",\"prompt\":\"x\",\"seed\":1.5}}")]
        public async Task Invalid_bodies_answer_400_BadRequest_and_create_nothing(string body)
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(body);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("BadRequest", (await ReadJsonAsync(response)).GetProperty("error").GetString());
            Assert.Equal(0, (await StatsAsync(server)).GetProperty("predictions").GetProperty("created").GetInt64());
        }

        [Fact]
        public async Task Unknown_top_level_fields_and_the_largest_seed_are_accepted()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string body = "{\"model_name\":\"background-change\",\"sdk\":{\"name\":\"fashn-ts\"},\"extra\":1,\"inputs\":{\"image\":\""
                + DataUri(SmallJpeg()) + "\",\"prompt\":\"studio\",\"seed\":4294967295}}";

            string id = await client.SubmitAsync(body);

            Assert.False(string.IsNullOrEmpty(id));
            Assert.Equal("completed", (await client.WaitFinishedAsync(id)).Final.GetProperty("status").GetString());
        }

        [Fact]
        public async Task A_prediction_goes_through_the_lifecycle_and_its_png_output_is_served_by_the_cdn()
        {
            // 1 s of processing: long enough for the 5 ms polls to see it even on a loaded machine.
            await using EmulatorServer server = await StartAsync(o => o.ProcessingSeconds = 50);
            using HttpClient client = Client(server);

            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            (JsonElement final, HttpResponseMessage response, List<string> seen) = await client.WaitFinishedAsync(id);

            Assert.Equal("completed", final.GetProperty("status").GetString());
            Assert.Equal(id, final.GetProperty("id").GetString());
            Assert.Equal(JsonValueKind.Null, final.GetProperty("error").ValueKind);
            Assert.Contains("processing", seen);
            var order = new[] { "starting", "in_queue", "processing", "completed" };
            Assert.Equal(seen, seen.OrderBy(s => Array.IndexOf(order, s)));
            Assert.Equal("1", response.Headers.GetValues("x-fashn-credits-used").Single());

            string url = final.GetProperty("output")[0].GetString()!;
            Assert.Equal(new Uri(server.BaseUri, $"cdn/{id}/output_0.png"), new Uri(url));
            using var anonymous = new HttpClient();
            using HttpResponseMessage image = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
            using SKBitmap decoded = SKBitmap.Decode(await image.Content.ReadAsByteArrayAsync());
            Assert.Equal(64, decoded.Width);
            Assert.Equal(48, decoded.Height);
        }

        [Fact]
        public async Task Unfinished_statuses_carry_no_credits_header_and_no_output()
        {
            await using EmulatorServer server = await StartAsync(o => o.ProcessingSeconds = 100_000);
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));

            using HttpResponseMessage response = await client.GetAsync("v1/status/" + id);
            JsonElement json = await ReadJsonAsync(response);

            Assert.Contains(json.GetProperty("status").GetString(), new[] { "starting", "in_queue", "processing" });
            Assert.False(json.TryGetProperty("output", out JsonElement output) && output.ValueKind != JsonValueKind.Null);
            Assert.False(response.Headers.Contains("x-fashn-credits-used"));
        }

        [Fact]
        public async Task Jpeg_output_is_served_as_output_0_jpg_with_image_jpeg()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), outputFormat: "jpeg"));
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;
            string url = final.GetProperty("output")[0].GetString()!;

            Assert.EndsWith($"/cdn/{id}/output_0.jpg", url);
            using HttpResponseMessage image = await client.GetAsync(url);
            Assert.Equal("image/jpeg", image.Content.Headers.ContentType!.MediaType);
            byte[] bytes = await image.Content.ReadAsByteArrayAsync();
            Assert.Equal(new byte[] { 0xFF, 0xD8 }, bytes.Take(2));
            using HttpResponseMessage wrongName = await client.GetAsync($"cdn/{id}/output_0.png");
            Assert.Equal(HttpStatusCode.NotFound, wrongName.StatusCode);
        }

        [Fact]
        public async Task Same_image_prompt_and_seed_give_identical_bytes_and_another_seed_differs()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string image = DataUri(SmallJpeg());

            async Task<byte[]> RenderAsync(long seed)
            {
                string id = await client.SubmitAsync(RunBody(image, "forest clearing", seed));
                string url = (await client.WaitFinishedAsync(id)).Final.GetProperty("output")[0].GetString()!;
                return await client.GetByteArrayAsync(url);
            }

            byte[] first = await RenderAsync(7);
            byte[] again = await RenderAsync(7);
            byte[] otherSeed = await RenderAsync(8);

            Assert.Equal(first, again);
            Assert.NotEqual(first, otherSeed);
        }

        [Fact]
        public async Task Unknown_ids_answer_404_NotFound()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.GetAsync("v1/status/123a87r9-4129-4bb3-be18-9c9fb5bd7fc1-u1");

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("NotFound", (await ReadJsonAsync(response)).GetProperty("error").GetString());
        }

        [Fact]
        public async Task Credits_are_spent_only_on_completed_predictions_subscription_first()
        {
            await using EmulatorServer server = await StartAsync(o => { o.Credits = 10; o.SubscriptionCredits = 1; });
            using HttpClient client = Client(server);

            JsonElement before = (await ReadJsonAsync(await client.GetAsync("v1/credits"))).GetProperty("credits");
            Assert.Equal(10, before.GetProperty("total").GetInt64());
            Assert.Equal(1, before.GetProperty("subscription").GetInt64());
            Assert.Equal(9, before.GetProperty("on_demand").GetInt64());

            string good = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            string bad = await client.SubmitAsync(RunBody("no prefix here"));
            Assert.Equal("completed", (await client.WaitFinishedAsync(good)).Final.GetProperty("status").GetString());
            Assert.Equal("failed", (await client.WaitFinishedAsync(bad)).Final.GetProperty("status").GetString());

            JsonElement after = (await ReadJsonAsync(await client.GetAsync("v1/credits"))).GetProperty("credits");
            Assert.Equal(9, after.GetProperty("total").GetInt64());
            Assert.Equal(0, after.GetProperty("subscription").GetInt64());
            Assert.Equal(9, after.GetProperty("on_demand").GetInt64());
            Assert.Equal(9, (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task Cdn_outputs_expire_after_the_scaled_lifetime_and_the_id_is_then_unknown()
        {
            // 0.02 * 0.01 h * 3600 = 0.72 s of lifetime.
            await using EmulatorServer server = await StartAsync(o => o.OutputLifetimeHours = 0.01);
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            string url = (await client.WaitFinishedAsync(id)).Final.GetProperty("output")[0].GetString()!;

            await EventuallyAsync(async () =>
            {
                using HttpResponseMessage cdn = await client.GetAsync(url);
                return cdn.StatusCode == HttpStatusCode.NotFound;
            }, "the CDN output to expire");

            using HttpResponseMessage status = await client.GetAsync("v1/status/" + id);
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
            await EventuallyAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(server.DataDirectory, id))), "the output folder to be deleted");
        }

        [Fact]
        public async Task Base64_outputs_are_data_uris_with_the_png_prefix_and_not_on_the_cdn()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), returnBase64: true));

            string output = (await client.WaitFinishedAsync(id)).Final.GetProperty("output")[0].GetString()!;

            const string prefix = "data:image/png;base64,";
            Assert.StartsWith(prefix, output);
            using SKBitmap decoded = SKBitmap.Decode(Convert.FromBase64String(output.Substring(prefix.Length)));
            Assert.Equal(64, decoded.Width);
            using HttpResponseMessage cdn = await client.GetAsync($"cdn/{id}/output_0.png");
            Assert.Equal(HttpStatusCode.NotFound, cdn.StatusCode);
        }

        [Fact]
        public async Task Base64_outputs_read_base64_expired_after_their_scaled_lifetime()
        {
            // 0.02 * 0.1 min * 60 = 0.12 s of base64 lifetime.
            await using EmulatorServer server = await StartAsync(o => o.Base64LifetimeMinutes = 0.1);
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), returnBase64: true));
            await client.WaitFinishedAsync(id);

            await EventuallyAsync(async () =>
            {
                JsonElement json = await ReadJsonAsync(await client.GetAsync("v1/status/" + id));
                return json.GetProperty("output")[0].GetString() == "<base64>_expired";
            }, "the base64 output to expire");
            await EventuallyAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(server.DataDirectory, id))), "the base64 output file to be deleted");
        }

        [Fact]
        public async Task Base64_jpeg_outputs_use_the_image_jpeg_prefix()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), outputFormat: "jpeg", returnBase64: true));

            string output = (await client.WaitFinishedAsync(id)).Final.GetProperty("output")[0].GetString()!;

            Assert.StartsWith("data:image/jpeg;base64,/9j/", output);
        }
    }
}
