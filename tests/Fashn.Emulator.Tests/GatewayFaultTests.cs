using System.Net;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>
    /// The faults of what stands between a client and FASHN: a gateway's HTML error page, an answer that comes late
    /// although the prediction was created, a CDN download cut half way. Header or seeded rate, so tests repeat.
    /// </summary>
    public class GatewayFaultTests
    {
        [Theory]
        [InlineData("gateway-502", 502)]
        [InlineData("gateway-503", 503)]
        public async Task Header_gateway_answers_an_html_page_and_creates_nothing(string fault, int status)
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: fault);
            string body = await response.Content.ReadAsStringAsync();

            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("<html>", body);
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", status));
            Assert.Equal(1, stats.GetProperty("faults").GetProperty(fault).GetInt64());
        }

        [Fact]
        public async Task Gateway_rate_with_the_same_seed_gives_the_same_502s_and_503s()
        {
            async Task<List<int>> RunSequenceAsync(int seed)
            {
                await using EmulatorServer server = await StartAsync(o =>
                {
                    o.FaultSeed = seed;
                    o.FaultGatewayRate = 0.5;
                    o.CreditsLimit = 1000;
                });
                using HttpClient client = Client(server);
                var codes = new List<int>();
                for (int i = 0; i < 30; i++)
                {
                    using HttpResponseMessage response = await client.GetAsync("v1/credits");
                    codes.Add((int)response.StatusCode);
                }

                return codes;
            }

            List<int> first = await RunSequenceAsync(7);
            List<int> again = await RunSequenceAsync(7);

            Assert.Equal(first, again);
            Assert.Contains(200, first);
            Assert.Contains(502, first);
            Assert.Contains(503, first);
        }

        [Fact]
        public async Task Header_slow_after_create_creates_the_prediction_before_the_late_answer()
        {
            await using EmulatorServer server = await StartAsync(o => o.Credits = 10);
            using HttpClient client = Client(server);
            using var giveUp = new CancellationTokenSource();
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/run")
            {
                Content = new StringContent(RunBody(DataUri(SmallJpeg())), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Emulator-Fault", "slow-after-create:30");

            Task<HttpResponseMessage> sent = client.SendAsync(request, giveUp.Token);
            await EventuallyAsync(async () => (await StatsAsync(server)).GetProperty("predictions").GetProperty("created").GetInt64() == 1,
                "the prediction to be created while its answer waits");
            Assert.False(sent.IsCompleted);
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);

            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, stats.GetProperty("faults").GetProperty("slow-after-create").GetInt64());
        }

        [Fact]
        public async Task Cut_download_rate_sends_half_the_output_then_drops_the_connection()
        {
            await using EmulatorServer server = await StartAsync(o => o.FaultCutDownloadRate = 1);
            using HttpClient client = Client(server);
            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            string url = (await client.WaitFinishedAsync(id)).Final.GetProperty("output")[0].GetString()!;

            using HttpResponseMessage response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            long declared = response.Content.Headers.ContentLength!.Value;
            using Stream body = await response.Content.ReadAsStreamAsync();
            var received = new MemoryStream();
            Exception? broke = await Record.ExceptionAsync(() => body.CopyToAsync(received));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(broke is IOException or HttpRequestException, "the cut download ended with " + broke?.GetType().Name);
            Assert.InRange(received.Length, 1, declared - 1);
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, stats.GetProperty("faults").GetProperty("cut-download").GetInt64());
            Assert.Equal(1, RequestCount(stats, "GET", "/cdn/{id}/{file}", 0));
        }

        [Fact]
        public async Task Cut_download_rate_with_the_same_seed_cuts_the_same_downloads()
        {
            async Task<List<bool>> DownloadSequenceAsync(int seed)
            {
                await using EmulatorServer server = await StartAsync(o =>
                {
                    o.FaultSeed = seed;
                    o.FaultCutDownloadRate = 0.5;
                });
                using HttpClient client = Client(server);
                string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
                string url = (await client.WaitFinishedAsync(id)).Final.GetProperty("output")[0].GetString()!;
                var whole = new List<bool>();
                for (int i = 0; i < 16; i++)
                {
                    whole.Add(await Record.ExceptionAsync(() => client.GetByteArrayAsync(url)) is null);
                }

                return whole;
            }

            List<bool> first = await DownloadSequenceAsync(11);
            List<bool> again = await DownloadSequenceAsync(11);

            Assert.Equal(first, again);
            Assert.Contains(true, first);
            Assert.Contains(false, first);
        }
    }
}
