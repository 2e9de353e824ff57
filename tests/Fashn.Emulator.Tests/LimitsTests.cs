using System.Net;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class LimitsTests
    {
        [Fact]
        public async Task Run_requests_past_the_window_answer_429_RateLimitExceeded_with_Retry_After()
        {
            await using EmulatorServer server = await StartAsync(o => { o.RunLimit = 2; o.RunWindowSeconds = 100_000; });
            using HttpClient client = Client(server);
            string body = RunBody(DataUri(SmallJpeg()));

            await client.SubmitAsync(body);
            await client.SubmitAsync(body);
            using HttpResponseMessage third = await client.PostRunAsync(body);

            Assert.Equal((HttpStatusCode)429, third.StatusCode);
            Assert.Equal("RateLimitExceeded", (await ReadJsonAsync(third)).GetProperty("error").GetString());
            Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.True(int.Parse(third.Headers.GetValues("retry-after-ms").Single()) > 0);
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(2, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, stats.GetProperty("rejected").GetProperty("RateLimitExceeded").GetInt64());
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 429));
        }

        [Fact]
        public async Task Every_answer_advertises_its_scaled_window_as_RateLimit_Policy()
        {
            await using EmulatorServer server = await StartAsync(o => { o.TimeScale = 0.1; o.StatusLimit = 50; o.StatusWindowSeconds = 10; o.CreditsLimit = 30; o.CreditsWindowSeconds = 10; });
            using HttpClient client = Client(server);

            using HttpResponseMessage status = await client.GetAsync("v1/status/x");
            using HttpResponseMessage credits = await client.GetAsync("v1/credits");

            Assert.Equal("50;w=1", status.Headers.GetValues("RateLimit-Policy").Single());
            Assert.Equal("30;w=1", credits.Headers.GetValues("RateLimit-Policy").Single());
        }

        [Fact]
        public async Task Without_retry_after_option_the_429_has_no_Retry_After_header()
        {
            await using EmulatorServer server = await StartAsync(o => { o.StatusLimit = 1; o.StatusWindowSeconds = 100_000; o.SendRetryAfter = false; });
            using HttpClient client = Client(server);

            using HttpResponseMessage first = await client.GetAsync("v1/status/x");
            using HttpResponseMessage second = await client.GetAsync("v1/status/x");

            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
            Assert.Equal((HttpStatusCode)429, second.StatusCode);
            Assert.Equal("RateLimitExceeded", (await ReadJsonAsync(second)).GetProperty("error").GetString());
            Assert.Null(second.Headers.RetryAfter);
        }

        [Fact]
        public async Task Credits_requests_are_limited_and_the_window_frees_up_again()
        {
            // 0.02 * 100 s = a 2 s window: long enough for 4 quick requests, short enough to wait out.
            await using EmulatorServer server = await StartAsync(o => { o.CreditsLimit = 3; o.CreditsWindowSeconds = 100; });
            using HttpClient client = Client(server);

            var codes = new List<HttpStatusCode>();
            for (int i = 0; i < 4; i++)
            {
                using HttpResponseMessage response = await client.GetAsync("v1/credits");
                codes.Add(response.StatusCode);
            }

            Assert.Contains((HttpStatusCode)429, codes);
            await EventuallyAsync(async () =>
            {
                using HttpResponseMessage response = await client.GetAsync("v1/credits");
                return response.StatusCode == HttpStatusCode.OK;
            }, "the credits window to free up");
        }

        [Fact]
        public async Task Status_window_is_per_endpoint_so_status_limits_do_not_block_runs()
        {
            await using EmulatorServer server = await StartAsync(o => { o.StatusLimit = 1; o.StatusWindowSeconds = 100_000; });
            using HttpClient client = Client(server);

            using HttpResponseMessage first = await client.GetAsync("v1/status/x");
            using HttpResponseMessage limited = await client.GetAsync("v1/status/x");
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));

            Assert.Equal((HttpStatusCode)429, limited.StatusCode);
            Assert.False(string.IsNullOrEmpty(id));
        }

        [Fact]
        public async Task Runs_past_the_concurrency_limit_answer_429_ConcurrencyLimitExceeded_until_one_finishes()
        {
            await using EmulatorServer server = await StartAsync(o => { o.ConcurrencyLimit = 2; o.ProcessingSeconds = 250; });
            using HttpClient client = Client(server);
            string body = RunBody(DataUri(SmallJpeg()));

            string first = await client.SubmitAsync(body);
            await client.SubmitAsync(body);
            using HttpResponseMessage third = await client.PostRunAsync(body);

            Assert.Equal((HttpStatusCode)429, third.StatusCode);
            Assert.Equal("ConcurrencyLimitExceeded", (await ReadJsonAsync(third)).GetProperty("error").GetString());
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, stats.GetProperty("rejected").GetProperty("ConcurrencyLimitExceeded").GetInt64());
            Assert.Equal(2, stats.GetProperty("predictions").GetProperty("peakProcessing").GetInt32());

            // 5 s of scaled processing: once the first finishes, a place frees up.
            await client.WaitFinishedAsync(first);
            await EventuallyAsync(async () =>
            {
                using HttpResponseMessage retry = await client.PostRunAsync(body);
                return retry.StatusCode == HttpStatusCode.OK;
            }, "a concurrency place to free up");
        }

        [Fact]
        public async Task At_zero_credits_runs_answer_429_OutOfCredits_and_running_predictions_hold_their_credit()
        {
            await using EmulatorServer server = await StartAsync(o => o.Credits = 1);
            using HttpClient client = Client(server);
            string body = RunBody(DataUri(SmallJpeg()));

            string id = await client.SubmitAsync(body);
            using HttpResponseMessage whileRunning = await client.PostRunAsync(body);
            await client.WaitFinishedAsync(id);
            using HttpResponseMessage afterwards = await client.PostRunAsync(body);

            foreach (HttpResponseMessage refused in new[] { whileRunning, afterwards })
            {
                Assert.Equal((HttpStatusCode)429, refused.StatusCode);
                Assert.Equal("OutOfCredits", (await ReadJsonAsync(refused)).GetProperty("error").GetString());
            }

            JsonElement stats = await StatsAsync(server);
            Assert.Equal(0, stats.GetProperty("credits").GetInt64());
            Assert.Equal(1, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(2, stats.GetProperty("rejected").GetProperty("OutOfCredits").GetInt64());
        }
    }
}
