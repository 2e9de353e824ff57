using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;
using static Fashn.Emulator.Tests.EditTestKit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>The edit model on /v1/run and /v1/status: its inputs, its times and credits by resolution and mode, its output sizes.</summary>
    public class EditModelTests
    {
        public static TheoryData<string, string> InvalidInputs => new()
        {
            { "resolution", "\"8k\"" },
            { "resolution", "2" },
            { "generation_mode", "\"slow\"" },
            { "num_images", "0" },
            { "num_images", "5" },
            { "num_images", "1.5" },
            { "num_images", "\"2\"" },
            { "image_context", "42" },
            { "image_context", "\"\"" },
            { "mask", "true" },
            { "seed", "-1" },
            { "output_format", "\"webp\"" },
            { "return_base64", "\"yes\"" },
            { "prompt", "null" },
            { "image", "null" },
        };

        [Theory]
        [MemberData(nameof(InvalidInputs))]
        public async Task Values_outside_the_documented_ones_answer_400_BadRequest_naming_the_input(string field, string json)
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string body = EditBody(DataUri(SmallJpeg()), inputs => inputs[field] = JsonNode.Parse(json));

            using HttpResponseMessage response = await client.PostRunAsync(body);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            JsonElement error = await ReadJsonAsync(response);
            Assert.Equal("BadRequest", error.GetProperty("error").GetString());
            Assert.Contains("inputs." + field, error.GetProperty("message").GetString());
            Assert.Equal(0, (await StatsAsync(server)).GetProperty("predictions").GetProperty("created").GetInt64());
        }

        [Fact]
        public async Task A_mask_of_another_size_than_the_image_answers_400_and_creates_nothing()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string body = EditBody(DataUri(SmallJpeg(64, 48)), inputs => inputs["mask"] = PngDataUri(RightHalfMask(32, 24, 16)));

            using HttpResponseMessage response = await client.PostRunAsync(body);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            string message = (await ReadJsonAsync(response)).GetProperty("message").GetString()!;
            Assert.Contains("inputs.mask must be the same size as inputs.image", message);
            Assert.Contains("64x48", message);
            Assert.Contains("32x24", message);
            Assert.Equal(0, (await StatsAsync(server)).GetProperty("predictions").GetProperty("created").GetInt64());
        }

        [Fact]
        public async Task An_unknown_model_name_lists_both_models()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync("{\"model_name\":\"tryon-v1.6\",\"inputs\":{}}");

            string message = (await ReadJsonAsync(response)).GetProperty("message").GetString()!;
            Assert.Contains("'background-change'", message);
            Assert.Contains("'edit'", message);
        }

        [Fact]
        public async Task An_edit_with_only_image_and_prompt_makes_one_1k_output_in_the_balanced_time_for_its_credits()
        {
            await using EmulatorServer server = await StartAsync(o => o.ProcessingJitter = 0);
            using HttpClient client = Client(server);

            string id = await client.SubmitAsync(EditBody(DataUri(SmallJpeg(64, 48))));
            (JsonElement final, HttpResponseMessage response, _) = await client.WaitFinishedAsync(id);

            Assert.Equal("completed", final.GetProperty("status").GetString());
            Assert.Equal("1", response.Headers.GetValues("x-fashn-credits-used").Single());
            string url = Assert.Single(final.GetProperty("output").EnumerateArray()).GetString()!;
            Assert.EndsWith($"/cdn/{id}/output_0.png", url);
            (int width, int height) = SizeOf(await DownloadAsync(url));
            Assert.InRange(width * height, 1_040_000, 1024 * 1024);
            Assert.Equal(64.0 / 48, (double)width / height, 2);
            JsonElement entry = Assert.Single(await TimelineAsync(server));
            Assert.Equal("edit", entry.GetProperty("model").GetString());
            Assert.Equal(30, entry.GetProperty("plannedProcessingSeconds").GetDouble());
            Assert.Equal(999, (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task Each_resolution_and_mode_takes_its_time_and_credits_and_each_resolution_its_size()
        {
            var times = new Dictionary<string, double>
            {
                ["1k:fast"] = 20, ["1k:balanced"] = 30, ["1k:quality"] = 45,
                ["2k:fast"] = 30, ["2k:balanced"] = 45, ["2k:quality"] = 70,
                ["4k:fast"] = 50, ["4k:balanced"] = 80, ["4k:quality"] = 120,
            };
            var credits = new Dictionary<string, int>
            {
                ["1k:fast"] = 1, ["1k:balanced"] = 1, ["1k:quality"] = 2,
                ["2k:fast"] = 2, ["2k:balanced"] = 2, ["2k:quality"] = 3,
                ["4k:fast"] = 3, ["4k:balanced"] = 4, ["4k:quality"] = 5,
            };
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.ProcessingJitter = 0;
                o.TimeScale = 0.005;
                o.ConcurrencyLimit = times.Count;
            });
            using HttpClient client = Client(server);
            var ids = new Dictionary<string, string>();
            foreach (string key in times.Keys)
            {
                string[] parts = key.Split(':');
                ids[key] = await client.SubmitAsync(EditBody(DataUri(SmallJpeg(64, 48)), inputs =>
                {
                    inputs["resolution"] = parts[0];
                    inputs["generation_mode"] = parts[1];
                    inputs["output_format"] = "jpeg";
                }));
            }

            var pixels = new Dictionary<string, int> { ["1k"] = 1024 * 1024, ["2k"] = 2048 * 2048, ["4k"] = 4096 * 4096 };
            foreach ((string key, string id) in ids)
            {
                (JsonElement final, HttpResponseMessage response, _) = await client.WaitFinishedAsync(id);
                Assert.Equal("completed", final.GetProperty("status").GetString());
                Assert.Equal(credits[key].ToString(), response.Headers.GetValues("x-fashn-credits-used").Single());
                (int width, int height) = SizeOf(await DownloadAsync(final.GetProperty("output")[0].GetString()!));
                int tier = pixels[key.Split(':')[0]];
                Assert.InRange(width * height, tier * 0.99, tier);
            }

            JsonElement[] timeline = await TimelineAsync(server);
            foreach ((string key, string id) in ids)
            {
                JsonElement entry = timeline.Single(e => e.GetProperty("id").GetString() == id);
                Assert.Equal(times[key], entry.GetProperty("plannedProcessingSeconds").GetDouble());
                Assert.Equal(credits[key], entry.GetProperty("credits").GetInt32());
            }

            Assert.Equal(1000 - credits.Values.Sum(), (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task The_tables_can_be_overridden_by_option()
        {
            EmulatorOptions parsed = EmulatorCommandLine.Parse(new[] { "--edit-times", "1k:fast=33, 4k:quality=110", "--edit-credits=1k:fast=4" }, out _)!;
            Assert.Equal(33, parsed.EditProcessingSeconds["1k:fast"]);
            Assert.Equal(110, parsed.EditProcessingSeconds["4k:quality"]);
            Assert.Equal(30, parsed.EditProcessingSeconds["1k:balanced"]);
            Assert.Equal(4, parsed.EditCreditsPerImage["1k:fast"]);
            Assert.Contains("1k:fast=20", EmulatorCommandLine.HelpText());
            Assert.Throws<ArgumentException>(() => EmulatorCommandLine.Parse(new[] { "--edit-times", "8k:fast=10" }, out _));
            Assert.Throws<ArgumentException>(() => EmulatorCommandLine.Parse(new[] { "--edit-credits", "1k:fast=lots" }, out _));

            await using EmulatorServer server = await StartAsync(o =>
            {
                o.ProcessingJitter = 0;
                o.EditProcessingSeconds = parsed.EditProcessingSeconds;
                o.EditCreditsPerImage = parsed.EditCreditsPerImage;
            });
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(EditBody(DataUri(SmallJpeg()), inputs => inputs["generation_mode"] = "fast"));
            (_, HttpResponseMessage response, _) = await client.WaitFinishedAsync(id);

            Assert.Equal("4", response.Headers.GetValues("x-fashn-credits-used").Single());
            Assert.Equal(33, Assert.Single(await TimelineAsync(server)).GetProperty("plannedProcessingSeconds").GetDouble());
        }

        [Fact]
        public async Task Num_images_gives_that_many_distinct_outputs_billed_per_image()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(EditBody(DataUri(SmallJpeg()), inputs =>
            {
                inputs["num_images"] = 3;
                inputs["generation_mode"] = "quality";
            }));

            (JsonElement final, HttpResponseMessage response, _) = await client.WaitFinishedAsync(id);

            // 1k quality is 2 credits an image.
            Assert.Equal("6", response.Headers.GetValues("x-fashn-credits-used").Single());
            string[] urls = final.GetProperty("output").EnumerateArray().Select(u => u.GetString()!).ToArray();
            Assert.Equal(new[] { "output_0.png", "output_1.png", "output_2.png" }, urls.Select(u => u.Split('/')[^1]));
            byte[][] outputs = await OutputsAsync(final);
            string[] pixels = outputs.Select(bytes =>
            {
                using var bitmap = ImagingMeasures.DecodeOutput(bytes, SkiaSharp.SKEncodedImageFormat.Png);
                return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bitmap.Bytes));
            }).ToArray();
            Assert.Equal(3, pixels.Distinct().Count());
            Assert.Equal(994, (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task Base64_outputs_are_data_uris_one_per_image()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(EditBody(DataUri(SmallJpeg()), inputs =>
            {
                inputs["num_images"] = 2;
                inputs["return_base64"] = true;
                inputs["output_format"] = "jpeg";
            }));

            JsonElement final = (await client.WaitFinishedAsync(id)).Final;

            string[] outputs = final.GetProperty("output").EnumerateArray().Select(o => o.GetString()!).ToArray();
            Assert.Equal(2, outputs.Length);
            Assert.All(outputs, o => Assert.StartsWith("data:image/jpeg;base64,", o));
            Assert.NotEqual(outputs[0], outputs[1]);
        }
    }
}
