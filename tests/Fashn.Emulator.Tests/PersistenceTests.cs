using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using SkiaSharp;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>An emulator given a data folder keeps its state across a stop and a start, like the real service across its restarts.</summary>
    public sealed class PersistenceTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "fashn-emulator-persist-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }

        private Task<EmulatorServer> StartOnFolderAsync(Action<EmulatorOptions>? configure = null) =>
            StartAsync(options =>
            {
                options.DataDirectory = _folder;
                configure?.Invoke(options);
            });

        private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        private static async Task<string> StatusOfAsync(HttpClient client, string id)
        {
            using HttpResponseMessage response = await client.GetAsync("v1/status/" + id);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await ReadJsonAsync(response)).GetProperty("status").GetString()!;
        }

        private static async Task<byte[]> DownloadAsync(string url)
        {
            using var anonymous = new HttpClient();
            using HttpResponseMessage response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync();
        }

        [Fact]
        public async Task A_prediction_running_at_the_stop_completes_after_a_restart_on_the_same_port()
        {
            // Processing takes 2 s (scaled), so the prediction is still running when the server stops.
            Action<EmulatorOptions> slow = o => o.ProcessingSeconds = 100;
            byte[] jpeg = SmallJpeg();
            string id;
            int port;
            await using (EmulatorServer first = await StartOnFolderAsync(slow))
            {
                port = first.BaseUri.Port;
                using HttpClient client = Client(first);
                id = await client.SubmitAsync(RunBody(DataUri(jpeg)));
                await EventuallyAsync(async () => await StatusOfAsync(client, id) == "processing", "the prediction to be processing");
            }

            // While stopped, the decoded input waits on disk for the render.
            Assert.True(File.Exists(Path.Combine(_folder, id, "input.bin")));

            await using EmulatorServer second = await StartOnFolderAsync(o =>
            {
                slow(o);
                o.Urls = $"http://127.0.0.1:{port}";
            });
            Assert.Equal(port, second.BaseUri.Port);
            using HttpClient again = Client(second);
            (JsonElement final, HttpResponseMessage response, _) = await again.WaitFinishedAsync(id);
            response.Dispose();

            Assert.Equal("completed", final.GetProperty("status").GetString());
            string url = final.GetProperty("output")[0].GetString()!;
            Assert.Equal($"http://127.0.0.1:{port}/cdn/{id}/output_0.png", url);
            using (SKBitmap output = SKBitmap.Decode(await DownloadAsync(url)))
            {
                Assert.Equal(64, output.Width);
                Assert.Equal(48, output.Height);
            }

            Assert.False(File.Exists(Path.Combine(_folder, id, "input.bin")));
            JsonElement stats = await StatsAsync(second);
            JsonElement predictions = stats.GetProperty("predictions");
            Assert.Equal(1, predictions.GetProperty("created").GetInt64());
            Assert.Equal(1, predictions.GetProperty("completed").GetInt64());
            Assert.Equal(0, predictions.GetProperty("processingNow").GetInt32());
            Assert.Equal(1, stats.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("sha256").GetString() == Sha256(jpeg)).GetProperty("predictions").GetInt64());
            Assert.Equal(999, stats.GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task Finished_predictions_keep_their_status_and_outputs_across_a_restart()
        {
            string completedId;
            string failedId;
            string base64Id;
            byte[] cdnBytes;
            string base64Output;
            await using (EmulatorServer first = await StartOnFolderAsync())
            {
                using HttpClient client = Client(first);
                completedId = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), outputFormat: "jpeg"));
                failedId = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), prompt: "a pool of blood"));
                base64Id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), returnBase64: true));
                JsonElement completed = (await client.WaitFinishedAsync(completedId)).Final;
                cdnBytes = await DownloadAsync(completed.GetProperty("output")[0].GetString()!);
                Assert.Equal("failed", (await client.WaitFinishedAsync(failedId)).Final.GetProperty("status").GetString());
                base64Output = (await client.WaitFinishedAsync(base64Id)).Final.GetProperty("output")[0].GetString()!;
            }

            await using EmulatorServer second = await StartOnFolderAsync();
            using HttpClient again = Client(second);

            using (HttpResponseMessage response = await again.GetAsync("v1/status/" + completedId))
            {
                JsonElement json = await ReadJsonAsync(response);
                Assert.Equal("completed", json.GetProperty("status").GetString());
                Assert.Equal("1", response.Headers.GetValues("x-fashn-credits-used").Single());
                string url = json.GetProperty("output")[0].GetString()!;
                Assert.EndsWith($"/cdn/{completedId}/output_0.jpg", url);
                Assert.Equal(cdnBytes, await DownloadAsync(url));
            }

            using (HttpResponseMessage response = await again.GetAsync("v1/status/" + failedId))
            {
                JsonElement json = await ReadJsonAsync(response);
                Assert.Equal("failed", json.GetProperty("status").GetString());
                Assert.Equal("ContentModerationError", json.GetProperty("error").GetProperty("name").GetString());
                Assert.Contains("blood", json.GetProperty("error").GetProperty("message").GetString());
            }

            using (HttpResponseMessage response = await again.GetAsync("v1/status/" + base64Id))
            {
                JsonElement json = await ReadJsonAsync(response);
                Assert.Equal(base64Output, json.GetProperty("output")[0].GetString());
            }

            JsonElement predictions = (await StatsAsync(second)).GetProperty("predictions");
            Assert.Equal(3, predictions.GetProperty("created").GetInt64());
            Assert.Equal(2, predictions.GetProperty("completed").GetInt64());
            Assert.Equal(1, predictions.GetProperty("failed").GetInt64());
            Assert.Equal(3, predictions.GetProperty("tracked").GetInt32());
        }

        [Fact]
        public async Task The_credit_balance_survives_a_restart()
        {
            Action<EmulatorOptions> balance = o =>
            {
                o.Credits = 10;
                o.SubscriptionCredits = 2;
            };
            await using (EmulatorServer first = await StartOnFolderAsync(balance))
            {
                using HttpClient client = Client(first);
                for (int i = 0; i < 3; i++)
                {
                    await client.WaitFinishedAsync(await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), seed: i)));
                }
            }

            // The options give the starting balance of a new folder only; a kept balance wins.
            await using EmulatorServer second = await StartOnFolderAsync(balance);
            using HttpClient again = Client(second);
            using HttpResponseMessage response = await again.GetAsync("v1/credits");
            JsonElement credits = (await ReadJsonAsync(response)).GetProperty("credits");
            Assert.Equal(7, credits.GetProperty("total").GetInt64());
            Assert.Equal(0, credits.GetProperty("subscription").GetInt64());
            Assert.Equal(7, credits.GetProperty("on_demand").GetInt64());
        }

        [Fact]
        public async Task Predictions_per_input_are_counted_across_a_restart()
        {
            byte[] once = SmallJpeg(64, 48, variant: 90);
            byte[] twice = SmallJpeg(64, 48, variant: 170);
            byte[] afterRestart = SmallJpeg(80, 60, variant: 120);
            await using (EmulatorServer first = await StartOnFolderAsync())
            {
                using HttpClient client = Client(first);
                string[] ids =
                {
                    await client.SubmitAsync(RunBody(DataUri(once))),
                    await client.SubmitAsync(RunBody(DataUri(twice), seed: 1)),
                    await client.SubmitAsync(RunBody(DataUri(twice), seed: 2)),
                };
                foreach (string id in ids)
                {
                    await client.WaitFinishedAsync(id);
                }
            }

            await using EmulatorServer second = await StartOnFolderAsync();
            using HttpClient again = Client(second);
            await again.WaitFinishedAsync(await again.SubmitAsync(RunBody(DataUri(afterRestart))));

            JsonElement stats = await StatsAsync(second);
            long PredictionsOf(byte[] image) => stats.GetProperty("inputs").EnumerateArray()
                .Single(i => i.GetProperty("sha256").GetString() == Sha256(image)).GetProperty("predictions").GetInt64();
            Assert.Equal(1, PredictionsOf(once));
            Assert.Equal(2, PredictionsOf(twice));
            Assert.Equal(1, PredictionsOf(afterRestart));
            Assert.Equal(3, stats.GetProperty("inputs").GetArrayLength());
            JsonElement twiceEntry = stats.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("sha256").GetString() == Sha256(twice));
            Assert.Equal(twice.Length, twiceEntry.GetProperty("bytes").GetInt64());
            Assert.Equal(64, twiceEntry.GetProperty("width").GetInt32());
            Assert.Equal("jpeg", twiceEntry.GetProperty("format").GetString());
            Assert.Equal(4, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(4, stats.GetProperty("predictions").GetProperty("completed").GetInt64());
            // Request counts start again from zero: only this run's single submission is counted.
            Assert.Equal(1, RequestCount(stats, "POST", "/v1/run", 200));
        }

        [Fact]
        public async Task Without_a_data_folder_a_restart_forgets_everything()
        {
            string id;
            int port;
            string firstFolder;
            await using (EmulatorServer first = await StartAsync())
            {
                port = first.BaseUri.Port;
                firstFolder = first.DataDirectory;
                using HttpClient client = Client(first);
                id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
                await client.WaitFinishedAsync(id);
            }

            Assert.False(Directory.Exists(firstFolder));
            await using EmulatorServer second = await StartAsync(o => o.Urls = $"http://127.0.0.1:{port}");
            using HttpClient again = Client(second);
            using HttpResponseMessage response = await again.GetAsync("v1/status/" + id);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            JsonElement stats = await StatsAsync(second);
            Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(0, stats.GetProperty("inputs").GetArrayLength());
            Assert.Equal(1000, stats.GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task A_second_emulator_on_the_same_folder_is_refused_until_the_first_stops()
        {
            await using (EmulatorServer first = await StartOnFolderAsync())
            {
                InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartOnFolderAsync());
                Assert.Contains(_folder, error.Message);
                Assert.Contains("already in use", error.Message);

                // The first one is unharmed.
                JsonElement stats = await StatsAsync(first);
                Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            }

            await using EmulatorServer next = await StartOnFolderAsync();
            Assert.Equal(0, (await StatsAsync(next)).GetProperty("predictions").GetProperty("created").GetInt64());
        }

        [Fact]
        public async Task Outputs_expire_while_the_emulator_is_stopped()
        {
            // 0.01 h scaled by 0.02 is 0.72 s.
            Action<EmulatorOptions> shortLived = o => o.OutputLifetimeHours = 0.01;
            string id;
            DateTime finishedBy;
            await using (EmulatorServer first = await StartOnFolderAsync(shortLived))
            {
                using HttpClient client = Client(first);
                id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
                await client.WaitFinishedAsync(id);
                finishedBy = DateTime.UtcNow;
            }

            Assert.True(Directory.Exists(Path.Combine(_folder, id)));
            DateTime expired = finishedBy + TimeSpan.FromSeconds(1);
            while (DateTime.UtcNow < expired)
            {
                await Task.Delay(50);
            }

            await using EmulatorServer second = await StartOnFolderAsync(shortLived);
            using HttpClient again = Client(second);
            using HttpResponseMessage response = await again.GetAsync("v1/status/" + id);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.False(Directory.Exists(Path.Combine(_folder, id)));
            Assert.Equal(0, (await StatsAsync(second)).GetProperty("predictions").GetProperty("tracked").GetInt32());
        }
    }
}
