using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>Faults the real service has: a 500 for an oversized body, and the final statuses canceled and time_out.</summary>
    public class ServiceFaultTests
    {
        [Theory]
        [InlineData("canceled", "canceled")]
        [InlineData("time_out", "timedOut")]
        public async Task Header_canceled_and_time_out_end_the_prediction_with_that_status_without_output_or_charge(string status, string counter)
        {
            await using EmulatorServer server = await StartAsync(o => o.Credits = 10);
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: status);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string id = (await ReadJsonAsync(response)).GetProperty("id").GetString()!;
            (JsonElement final, HttpResponseMessage statusResponse, List<string> seen) = await client.WaitFinishedAsync(id);

            Assert.Equal(status, final.GetProperty("status").GetString());
            Assert.Equal(status, seen[^1]);
            Assert.Equal(JsonValueKind.Null, final.GetProperty("error").ValueKind);
            Assert.False(final.TryGetProperty("output", out _));
            Assert.False(statusResponse.Headers.Contains("x-fashn-credits-used"));
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(10, stats.GetProperty("credits").GetInt64());
            Assert.Equal(1, stats.GetProperty("faults").GetProperty(status).GetInt64());
            JsonElement predictions = stats.GetProperty("predictions");
            Assert.Equal(1, predictions.GetProperty("created").GetInt64());
            Assert.Equal(1, predictions.GetProperty(counter).GetInt64());
            Assert.Equal(0, predictions.GetProperty("completed").GetInt64());
            Assert.Equal(0, predictions.GetProperty("processingNow").GetInt32());
            JsonElement entry = Assert.Single(await TimelineAsync(server));
            Assert.Equal(status, entry.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.String, entry.GetProperty("finishedAt").ValueKind);
        }

        [Fact]
        public async Task Fault_rates_end_predictions_canceled_or_time_out_repeatably_for_a_seed()
        {
            async Task<string[]> StatusesAsync(int seed)
            {
                await using EmulatorServer server = await StartAsync(o =>
                {
                    o.FaultSeed = seed;
                    o.FaultCanceledRate = 0.4;
                    o.FaultTimeOutRate = 0.4;
                    o.ConcurrencyLimit = 20;
                });
                using HttpClient client = Client(server);
                var ids = new List<string>();
                for (int i = 0; i < 20; i++)
                {
                    ids.Add(await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), seed: i)));
                }

                JsonElement[] timeline = await TimelineWhenFinishedAsync(server, ids.Count);
                JsonElement faults = (await StatsAsync(server)).GetProperty("faults");
                string[] statuses = timeline.Select(entry => entry.GetProperty("status").GetString()!).ToArray();
                Assert.Equal(statuses.Count(s => s == "canceled"), faults.TryGetProperty("canceled", out JsonElement c) ? c.GetInt64() : 0);
                Assert.Equal(statuses.Count(s => s == "time_out"), faults.TryGetProperty("time_out", out JsonElement t) ? t.GetInt64() : 0);
                return statuses;
            }

            string[] first = await StatusesAsync(11);
            string[] again = await StatusesAsync(11);

            Assert.Equal(first, again);
            Assert.Contains("canceled", first);
            Assert.Contains("time_out", first);
            Assert.Contains("completed", first);
            Assert.All(first, s => Assert.Contains(s, new[] { "canceled", "time_out", "completed" }));
        }

        [Fact]
        public async Task A_run_body_over_the_limit_answers_500_InternalServerError_and_creates_nothing()
        {
            string small = RunBody(DataUri(SmallJpeg()));
            string large = RunBody(DataUri(SmallJpeg()), prompt: "studio " + new string('x', 100));
            // The limit is the small body's size: at the limit is accepted, one byte over is not.
            await using EmulatorServer server = await StartAsync(o => o.MaxRunBodyBytes = Encoding.UTF8.GetByteCount(small));
            using HttpClient client = Client(server);

            using HttpResponseMessage refused = await client.PostRunAsync(large);
            string id = await client.SubmitAsync(small);

            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            JsonElement error = await ReadJsonAsync(refused);
            Assert.Equal("InternalServerError", error.GetProperty("error").GetString());
            Assert.Contains("--max-run-body-bytes", error.GetProperty("message").GetString());
            Assert.Contains("2000 px", error.GetProperty("message").GetString());
            Assert.Equal("completed", (await client.WaitFinishedAsync(id)).Final.GetProperty("status").GetString());
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, stats.GetProperty("faults").GetProperty("oversized-body").GetInt64());
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 500));
        }

        [Fact]
        public async Task By_default_a_body_over_10_MiB_answers_500_and_one_under_it_is_read()
        {
            Assert.Equal(10L * 1024 * 1024, new EmulatorOptions().MaxRunBodyBytes);
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            // The size alone decides, before the body is read as JSON.
            string padding = new string('A', 10 * 1024 * 1024);
            using HttpResponseMessage over = await client.PostRunAsync("{\"model_name\":\"background-change\",\"pad\":\"" + padding + "\"}");
            using HttpResponseMessage under = await client.PostRunAsync("{\"model_name\":\"background-change\",\"pad\":\"" + padding.Substring(0, 9 * 1024 * 1024) + "\"}");

            Assert.Equal(HttpStatusCode.InternalServerError, over.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, under.StatusCode);
            Assert.Contains("inputs", (await ReadJsonAsync(under)).GetProperty("message").GetString());
        }

        [Fact]
        public void The_command_line_sets_the_service_faults()
        {
            EmulatorOptions options = EmulatorCommandLine.Parse(new[]
            {
                "--fault-canceled-rate", "0.1", "--fault-time-out-rate", "0.2", "--max-run-body-bytes", "0",
            }, out _)!;

            Assert.Equal(0.1, options.FaultCanceledRate);
            Assert.Equal(0.2, options.FaultTimeOutRate);
            Assert.Equal(0, options.MaxRunBodyBytes);
        }
    }
}
