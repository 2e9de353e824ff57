using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class WebhookTests
    {
        [Fact]
        public async Task The_final_status_is_posted_to_the_webhook_and_non_2xx_answers_are_retried()
        {
            var bodies = new ConcurrentQueue<string>();
            await using LoopbackSite receiver = await LoopbackSite.StartAsync(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                bodies.Enqueue(context.Request.Method + " " + await reader.ReadToEndAsync());
                // Fail the first two deliveries.
                context.Response.StatusCode = bodies.Count <= 2 ? 503 : 200;
            });
            // Retry delay 0.02 * 5 s = 0.1 s.
            await using EmulatorServer server = await StartAsync(o => o.WebhookRetrySeconds = 5);
            using HttpClient client = Client(server);
            string hook = Uri.EscapeDataString(new Uri(receiver.BaseUri, "hook").AbsoluteUri);

            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())), "?webhook_url=" + hook);
            await client.WaitFinishedAsync(id);
            await EventuallyAsync(() => Task.FromResult(bodies.Count >= 3), "three webhook deliveries");
            await Task.Delay(500);

            Assert.Equal(3, bodies.Count);
            foreach (string delivery in bodies)
            {
                Assert.StartsWith("POST ", delivery);
                using JsonDocument json = JsonDocument.Parse(delivery.Substring(5));
                Assert.Equal(id, json.RootElement.GetProperty("id").GetString());
                Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
                Assert.EndsWith($"/cdn/{id}/output_0.png", json.RootElement.GetProperty("output")[0].GetString());
            }
        }

        [Fact]
        public async Task A_webhook_that_always_fails_gets_one_attempt_and_five_retries()
        {
            int attempts = 0;
            await using LoopbackSite receiver = await LoopbackSite.StartAsync(context =>
            {
                Interlocked.Increment(ref attempts);
                context.Response.StatusCode = 500;
                return Task.CompletedTask;
            });
            await using EmulatorServer server = await StartAsync(o => o.WebhookRetrySeconds = 2);
            using HttpClient client = Client(server);
            string hook = Uri.EscapeDataString(new Uri(receiver.BaseUri, "hook").AbsoluteUri);

            string id = await client.SubmitAsync(RunBody("no prefix"), "?webhook_url=" + hook);
            await client.WaitFinishedAsync(id);
            await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref attempts) >= 6), "six webhook attempts");
            await Task.Delay(500);

            Assert.Equal(6, Volatile.Read(ref attempts));
        }

        [Fact]
        public async Task Failed_predictions_post_their_error_to_the_webhook()
        {
            var bodies = new ConcurrentQueue<string>();
            await using LoopbackSite receiver = await LoopbackSite.StartAsync(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                bodies.Enqueue(await reader.ReadToEndAsync());
            });
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string hook = Uri.EscapeDataString(receiver.BaseUri.AbsoluteUri);

            string id = await client.SubmitAsync(RunBody("no prefix"), "?webhook_url=" + hook);
            await EventuallyAsync(() => Task.FromResult(bodies.Count >= 1), "the webhook delivery");

            using JsonDocument json = JsonDocument.Parse(bodies.Single());
            Assert.Equal(id, json.RootElement.GetProperty("id").GetString());
            Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("ImageLoadError", json.RootElement.GetProperty("error").GetProperty("name").GetString());
        }

        [Fact]
        public async Task Non_loopback_webhooks_are_refused_with_400_unless_allowed()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);

            using HttpResponseMessage response = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), query: "?webhook_url=" + Uri.EscapeDataString("https://192.0.2.10/hook"));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("loopback", (await ReadJsonAsync(response)).GetProperty("message").GetString());
        }
    }
}
