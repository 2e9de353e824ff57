using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Fashn.Testing;
using SkiaSharp;
using Xunit;

namespace Fashn.Emulator.Tests
{
    /// <summary>Starts emulators with fast timings and talks to them as a client would.</summary>
    internal static class EmulatorTestKit
    {
        /// <summary>Generous: the machine is shared with other builds.</summary>
        public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

        /// <summary>Fast options: phases of 10 ms, processing of 40 ms.</summary>
        public static EmulatorOptions FastOptions() => new()
        {
            TimeScale = 0.02,
            ProcessingSeconds = 2,
            FaultSeed = 1,
        };

        public static Task<EmulatorServer> StartAsync(Action<EmulatorOptions>? configure = null)
        {
            EmulatorOptions options = FastOptions();
            configure?.Invoke(options);
            return EmulatorServer.StartAsync(options);
        }

        public static HttpClient Client(EmulatorServer server, string? apiKey = EmulatorOptions.DefaultApiKey)
        {
            var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            if (apiKey is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            return client;
        }

        /// <summary>A small JPEG of a subject on a plain backdrop; each variant is a different input.</summary>
        public static byte[] SmallJpeg(int width = 64, int height = 48, int variant = 0) =>
            TestImages.SubjectOnBackdrop(width, height, SKEncodedImageFormat.Jpeg, variant);

        public static string DataUri(byte[] jpeg) => "data:image/jpeg;base64," + Convert.ToBase64String(jpeg);

        public static string RunBody(string image, string prompt = "beach sunset", long? seed = null, string? outputFormat = null, bool? returnBase64 = null)
        {
            var inputs = new JsonObject { ["image"] = image, ["prompt"] = prompt };
            if (seed is not null) inputs["seed"] = seed;
            if (outputFormat is not null) inputs["output_format"] = outputFormat;
            if (returnBase64 is not null) inputs["return_base64"] = returnBase64;
            return new JsonObject { ["model_name"] = "background-change", ["inputs"] = inputs }.ToJsonString();
        }

        public static Task<HttpResponseMessage> PostRunAsync(this HttpClient client, string body, string? fault = null, string? query = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/run" + query)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            if (fault is not null)
            {
                request.Headers.Add("X-Emulator-Fault", fault);
            }

            return client.SendAsync(request);
        }

        /// <summary>Submits and returns the id, asserting the 200 answer's shape.</summary>
        public static async Task<string> SubmitAsync(this HttpClient client, string body, string? query = null)
        {
            using HttpResponseMessage response = await client.PostRunAsync(body, query: query);
            JsonElement json = await ReadJsonAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
            return json.GetProperty("id").GetString()!;
        }

        public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
        {
            string text = await response.Content.ReadAsStringAsync();
            using JsonDocument document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }

        /// <summary>Polls the status until it is finished; returns the last answer and every status seen.</summary>
        public static async Task<(JsonElement Final, HttpResponseMessage Response, List<string> Seen)> WaitFinishedAsync(this HttpClient client, string id)
        {
            var seen = new List<string>();
            DateTime giveUp = DateTime.UtcNow + Deadline;
            while (true)
            {
                HttpResponseMessage response = await client.GetAsync("v1/status/" + id);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                JsonElement json = await ReadJsonAsync(response);
                string status = json.GetProperty("status").GetString()!;
                if (seen.Count == 0 || seen[^1] != status)
                {
                    seen.Add(status);
                }

                // Any status outside the three running ones is final (completed, failed, canceled, time_out).
                if (status is not ("starting" or "in_queue" or "processing"))
                {
                    return (json, response, seen);
                }

                response.Dispose();
                Assert.True(DateTime.UtcNow < giveUp, $"prediction {id} still {status} at the deadline");
                await Task.Delay(5);
            }
        }

        public static async Task<JsonElement> StatsAsync(EmulatorServer server)
        {
            using var client = Client(server, apiKey: null);
            using HttpResponseMessage response = await client.GetAsync("_emulator/stats");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await ReadJsonAsync(response);
        }

        /// <summary>The entries of <c>GET /_emulator/predictions</c>, in the order of creation.</summary>
        public static async Task<JsonElement[]> TimelineAsync(EmulatorServer server)
        {
            using var client = Client(server, apiKey: null);
            using HttpResponseMessage response = await client.GetAsync("_emulator/predictions");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await ReadJsonAsync(response)).EnumerateArray().ToArray();
        }

        /// <summary>Waits until the timeline shows every prediction finished; returns it.</summary>
        public static async Task<JsonElement[]> TimelineWhenFinishedAsync(EmulatorServer server, int count)
        {
            JsonElement[] timeline = Array.Empty<JsonElement>();
            await EventuallyAsync(async () =>
            {
                timeline = await TimelineAsync(server);
                return timeline.Length == count && timeline.All(entry => entry.GetProperty("finishedAt").ValueKind == JsonValueKind.String);
            }, $"{count} predictions to finish");
            return timeline;
        }

        /// <summary>The count of requests in the stats for one method, route and status (0 when absent).</summary>
        public static long RequestCount(JsonElement stats, string method, string path, int status) =>
            stats.GetProperty("requests").EnumerateArray()
                .Where(r => r.GetProperty("method").GetString() == method && r.GetProperty("path").GetString() == path && r.GetProperty("status").GetInt32() == status)
                .Sum(r => r.GetProperty("count").GetInt64());

        /// <summary>Repeats a check until it holds or the deadline passes.</summary>
        public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
        {
            DateTime giveUp = DateTime.UtcNow + Deadline;
            while (!await condition())
            {
                Assert.True(DateTime.UtcNow < giveUp, "timed out waiting for: " + what);
                await Task.Delay(20);
            }
        }
    }

    /// <summary>A fresh folder under the temporary folder for one test, deleted with everything in it at the end.</summary>
    internal sealed class TestFolder : IDisposable
    {
        public TestFolder(string prefix) => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

        public string Path { get; }

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }

    /// <summary>A tiny loopback web server for URL inputs and webhook receivers.</summary>
    internal sealed class LoopbackSite : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LoopbackSite(WebApplication app) => _app = app;

        public Uri BaseUri { get; private set; } = null!;

        public static async Task<LoopbackSite> StartAsync(RequestDelegate handler)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            WebApplication app = builder.Build();
            app.Run(handler);
            await app.StartAsync();
            var site = new LoopbackSite(app) { BaseUri = new Uri(app.Urls.First() + "/") };
            return site;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
