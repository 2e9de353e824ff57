using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class StatsTests
    {
        private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        [Fact]
        public async Task Stats_count_predictions_per_input_by_the_hash_of_the_decoded_image()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            byte[] twice = SmallJpeg(64, 48, variant: 100);
            byte[] once = SmallJpeg(80, 60, variant: 150);

            var ids = new[]
            {
                await client.SubmitAsync(RunBody(DataUri(twice), seed: 1)),
                await client.SubmitAsync(RunBody(DataUri(twice), seed: 2)),
                await client.SubmitAsync(RunBody(DataUri(once))),
            };
            foreach (string id in ids)
            {
                await client.WaitFinishedAsync(id);
            }

            JsonElement stats = await StatsAsync(server);
            JsonElement[] inputs = stats.GetProperty("inputs").EnumerateArray().ToArray();
            Assert.Equal(2, inputs.Length);
            JsonElement twiceEntry = inputs.Single(i => i.GetProperty("sha256").GetString() == Sha256(twice));
            Assert.Equal(2, twiceEntry.GetProperty("predictions").GetInt64());
            Assert.Equal(twice.Length, twiceEntry.GetProperty("bytes").GetInt64());
            Assert.Equal(64, twiceEntry.GetProperty("width").GetInt32());
            Assert.Equal(48, twiceEntry.GetProperty("height").GetInt32());
            Assert.Equal("jpeg", twiceEntry.GetProperty("format").GetString());
            JsonElement onceEntry = inputs.Single(i => i.GetProperty("sha256").GetString() == Sha256(once));
            Assert.Equal(1, onceEntry.GetProperty("predictions").GetInt64());

            JsonElement predictions = stats.GetProperty("predictions");
            Assert.Equal(3, predictions.GetProperty("created").GetInt64());
            Assert.Equal(3, predictions.GetProperty("completed").GetInt64());
            Assert.Equal(0, predictions.GetProperty("failed").GetInt64());
            Assert.Equal(3, predictions.GetProperty("tracked").GetInt32());
            Assert.Equal(0, predictions.GetProperty("processingNow").GetInt32());
            Assert.InRange(predictions.GetProperty("peakProcessing").GetInt32(), 1, 3);
            Assert.Equal(997, stats.GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task Url_inputs_are_keyed_by_the_hash_of_the_url_text()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            const string url = "http://192.0.2.10/a.jpg";

            await client.SubmitAsync(RunBody(url));

            JsonElement input = (await StatsAsync(server)).GetProperty("inputs").EnumerateArray().Single();
            Assert.Equal(Sha256(Encoding.UTF8.GetBytes(url)), input.GetProperty("sha256").GetString());
        }

        [Fact]
        public async Task Stats_count_requests_by_method_route_template_and_status()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));

            int statusCalls = 0;
            while (true)
            {
                statusCalls++;
                JsonElement json = await ReadJsonAsync(await client.GetAsync("v1/status/" + id));
                if (json.GetProperty("status").GetString() is "completed" or "failed")
                {
                    break;
                }

                await Task.Delay(5);
            }

            (await client.GetAsync("v1/status/unknown")).Dispose();
            (await client.GetAsync("v1/credits")).Dispose();

            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 200));
            Assert.Equal(statusCalls, RequestCount(stats, "GET", "/v1/status/{id}", 200));
            Assert.Equal(1, RequestCount(stats, "GET", "/v1/status/{id}", 404));
            Assert.Equal(1, RequestCount(stats, "GET", "/v1/credits", 200));
        }

        [Fact]
        public async Task Stats_need_no_api_key_and_use_camel_case()
        {
            await using EmulatorServer server = await StartAsync();
            using var anonymous = new HttpClient { BaseAddress = server.BaseUri };

            using HttpResponseMessage response = await anonymous.GetAsync("_emulator/stats");
            string text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"processingNow\"", text);
            Assert.Contains("\"peakProcessing\"", text);
            Assert.Contains("\"RateLimitExceeded\"", text);
        }
    }
}
