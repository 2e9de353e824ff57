using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>
    /// What a hostile or broken client, or a hostile URL input, does to the emulator: bad bodies are 400, the stats
    /// count every answer with the status really sent, and a URL input cannot take it over.
    /// </summary>
    public class HostileRequestTests
    {
        [Fact]
        public async Task A_body_that_is_not_utf8_is_400_and_counted_as_400()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            // A well-formed run body whose prompt holds bytes that are not UTF-8.
            byte[] body = Encoding.UTF8.GetBytes(RunBody(DataUri(SmallJpeg()), prompt: "MARK"));
            int mark = IndexOf(body, Encoding.ASCII.GetBytes("MARK"));
            body[mark] = 0xC3;
            body[mark + 1] = 0x28;
            body[mark + 2] = 0xFF;
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            using HttpResponseMessage response = await client.PostAsync("v1/run", content);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("BadRequest", (await ReadJsonAsync(response)).GetProperty("error").GetString());
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 400));
            Assert.Equal(0, RequestCount(stats, "POST", "/v1/run", 200));
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
            }

            throw new InvalidOperationException("marker not found");
        }

        [Fact]
        public async Task A_body_over_the_size_limit_is_413_and_counted_as_413()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            var content = new ByteArrayContent(new byte[65 * 1024 * 1024]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            HttpStatusCode? status = null;
            try
            {
                using HttpResponseMessage response = await client.PostAsync("v1/run", content);
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                // The server may close the connection before the client has sent the whole body.
            }

            Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, "answered " + status);
            await EventuallyAsync(async () => RequestCount(await StatsAsync(server), "POST", "/v1/run", 413) == 1, "the 413 to be counted");
            Assert.Equal(0, RequestCount(await StatsAsync(server), "POST", "/v1/run", 200));
        }

        [Fact]
        public async Task A_request_the_client_abandons_is_counted_as_abandoned_not_200()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            using var giveUp = new CancellationTokenSource();
            var request = new HttpRequestMessage(HttpMethod.Get, "v1/credits");
            request.Headers.Add("X-Emulator-Fault", "slow:30");

            Task<HttpResponseMessage> sent = client.SendAsync(request, giveUp.Token);
            await EventuallyAsync(async () => (await StatsAsync(server)).GetProperty("faults").TryGetProperty("slow", out _), "the slow answer to start");
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);

            await EventuallyAsync(async () => RequestCount(await StatsAsync(server), "GET", "/v1/credits", 499) == 1, "the abandoned request to be counted");
            Assert.Equal(0, RequestCount(await StatsAsync(server), "GET", "/v1/credits", 200));
        }

        [Theory]
        [InlineData("slow:Infinity")]
        [InlineData("slow:1e300")]
        [InlineData("slow:NaN")]
        [InlineData("slow-after-create:Infinity")]
        public async Task A_fault_header_with_an_absurd_delay_is_400(string fault)
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: fault);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 400));
            Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt64());
        }

        [Fact]
        public async Task A_url_input_that_never_ends_fails_the_prediction_at_the_size_cap()
        {
            await using LoopbackSite site = await LoopbackSite.StartAsync(async context =>
            {
                context.Response.ContentType = "image/png";
                var chunk = new byte[1024 * 1024];
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            });
            // At the real service's pace: 64 MiB over loopback come long before the 30 s fetch limit.
            await using EmulatorServer server = await StartAsync(o => { o.TimeScale = 1; o.StatusLimit = 1_000_000; });
            using HttpClient client = Client(server);

            string id = await client.SubmitAsync(RunBody(new Uri(site.BaseUri, "endless.png").AbsoluteUri));
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;

            Assert.Equal("failed", final.GetProperty("status").GetString());
            Assert.Equal("ImageLoadError", final.GetProperty("error").GetProperty("name").GetString());
            Assert.Contains("larger than", final.GetProperty("error").GetProperty("message").GetString());
        }

        [Fact]
        public async Task A_url_input_that_stops_sending_fails_the_prediction_at_the_time_cap()
        {
            await using LoopbackSite site = await LoopbackSite.StartAsync(async context =>
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
                await context.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            });
            // The fetch limit is 30 s of the real service's time; at this scale 0.6 s.
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            string id = await client.SubmitAsync(RunBody(new Uri(site.BaseUri, "stalled.png").AbsoluteUri));
            JsonElement final = (await client.WaitFinishedAsync(id)).Final;

            Assert.Equal("failed", final.GetProperty("status").GetString());
            Assert.Equal("ImageLoadError", final.GetProperty("error").GetProperty("name").GetString());
            Assert.Contains("timed out", final.GetProperty("error").GetProperty("message").GetString());
        }
    }
}
