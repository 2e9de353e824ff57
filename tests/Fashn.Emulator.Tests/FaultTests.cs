using System.Net;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class FaultTests
    {
        [Fact]
        public async Task Header_status_429_and_500_answer_the_api_error_and_create_nothing()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string body = RunBody(DataUri(SmallJpeg()));

            using HttpResponseMessage tooMany = await client.PostRunAsync(body, fault: "status-429");
            using HttpResponseMessage broken = await client.PostRunAsync(body, fault: "status-500");

            Assert.Equal((HttpStatusCode)429, tooMany.StatusCode);
            Assert.Equal("RateLimitExceeded", (await ReadJsonAsync(tooMany)).GetProperty("error").GetString());
            Assert.NotNull(tooMany.Headers.RetryAfter);
            Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
            Assert.Equal("InternalServerError", (await ReadJsonAsync(broken)).GetProperty("error").GetString());
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 429));
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 500));
            Assert.Equal(1, stats.GetProperty("faults").GetProperty("status-429").GetInt64());
            Assert.Equal(0, stats.GetProperty("rejected").GetProperty("RateLimitExceeded").GetInt64());
        }

        [Fact]
        public async Task Header_drop_aborts_the_connection_without_creating_a_prediction()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            await Assert.ThrowsAsync<HttpRequestException>(() => client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: "drop"));

            JsonElement stats = await StatsAsync(server);
            Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 0));
        }

        [Fact]
        public async Task Header_drop_after_create_loses_the_answer_but_the_prediction_runs()
        {
            await using EmulatorServer server = await StartAsync(o => o.Credits = 10);
            using HttpClient client = Client(server);

            await Assert.ThrowsAsync<HttpRequestException>(() => client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: "drop-after-create"));

            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 0));
            await EventuallyAsync(async () =>
                (await StatsAsync(server)).GetProperty("predictions").GetProperty("completed").GetInt64() == 1, "the orphan prediction to complete");
            Assert.Equal(9, (await StatsAsync(server)).GetProperty("credits").GetInt64());
        }

        [Theory]
        [InlineData("PipelineError")]
        [InlineData("ThirdPartyError")]
        [InlineData("UnavailableError")]
        public async Task Header_fail_creates_a_prediction_that_fails_with_that_name(string name)
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: "fail:" + name);
            string id = (await ReadJsonAsync(response)).GetProperty("id").GetString()!;
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;

            Assert.Equal("failed", final.GetProperty("status").GetString());
            Assert.Equal(name, final.GetProperty("error").GetProperty("name").GetString());
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, stats.GetProperty("predictions").GetProperty("failed").GetInt64());
        }

        [Fact]
        public async Task Header_slow_still_answers_normally()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            var request = new HttpRequestMessage(HttpMethod.Get, "v1/credits");
            request.Headers.Add("X-Emulator-Fault", "slow:0.2");

            using HttpResponseMessage response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, (await StatsAsync(server)).GetProperty("faults").GetProperty("slow").GetInt64());
        }

        [Fact]
        public async Task An_unknown_fault_header_value_answers_400()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: "explode");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        [Fact]
        public async Task Fault_rates_with_the_same_seed_give_the_same_sequence_of_answers()
        {
            async Task<List<string>> RunSequenceAsync(int seed)
            {
                await using EmulatorServer server = await StartAsync(o =>
                {
                    o.FaultSeed = seed;
                    o.Fault429Rate = 0.25;
                    o.Fault500Rate = 0.25;
                    o.CreditsLimit = 1000;
                });
                using HttpClient client = Client(server);
                var codes = new List<string>();
                for (int i = 0; i < 40; i++)
                {
                    using HttpResponseMessage response = await client.GetAsync("v1/credits");
                    codes.Add(((int)response.StatusCode).ToString());
                }

                JsonElement stats = await StatsAsync(server);
                Assert.Equal(40, RequestCount(stats, "GET", "/v1/credits", 200) + RequestCount(stats, "GET", "/v1/credits", 429) + RequestCount(stats, "GET", "/v1/credits", 500));
                return codes;
            }

            List<string> first = await RunSequenceAsync(123);
            List<string> again = await RunSequenceAsync(123);
            List<string> otherSeed = await RunSequenceAsync(456);

            Assert.Equal(first, again);
            Assert.NotEqual(first, otherSeed);
            Assert.Contains("200", first);
            Assert.Contains("429", first);
            Assert.Contains("500", first);
        }

        [Fact]
        public async Task Fault_fail_rate_fails_predictions_with_names_from_the_list()
        {
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.FaultFailRate = 1;
                o.FaultFailNames = new[] { "UnavailableError" };
            });
            using HttpClient client = Client(server);

            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;

            Assert.Equal("UnavailableError", final.GetProperty("error").GetProperty("name").GetString());
        }

        [Fact]
        public async Task Faults_do_not_touch_the_stats_and_cdn_endpoints()
        {
            await using EmulatorServer server = await StartAsync(o => o.Fault500Rate = 1);
            using HttpClient client = Client(server);

            using HttpResponseMessage api = await client.GetAsync("v1/credits");
            JsonElement stats = await StatsAsync(server);

            Assert.Equal(HttpStatusCode.InternalServerError, api.StatusCode);
            Assert.Equal(1, RequestCount(stats, "GET", "/v1/credits", 500));
        }
    }
}
