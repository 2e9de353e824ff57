using System.Net;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class LoadAndMemoryTests
    {
        [Fact]
        public async Task Thousands_of_status_requests_from_concurrent_clients_all_answer_200()
        {
            await using EmulatorServer server = await StartAsync(o => { o.StatusLimit = 1_000_000; o.ProcessingSeconds = 100_000; });
            using HttpClient submitter = Client(server);
            string id = await submitter.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            const int clients = 4;
            const int requestsPerClient = 1000;

            async Task<int> PollAsync()
            {
                using HttpClient client = Client(server);
                int ok = 0;
                for (int i = 0; i < requestsPerClient; i++)
                {
                    using HttpResponseMessage response = await client.GetAsync("v1/status/" + id);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ok++;
                    }
                }

                return ok;
            }

            int[] okCounts = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(PollAsync)));

            Assert.All(okCounts, count => Assert.Equal(requestsPerClient, count));
            JsonElement stats = await StatsAsync(server);
            Assert.Equal(clients * requestsPerClient, RequestCount(stats, "GET", "/v1/status/{id}", 200));
            Assert.Single(stats.GetProperty("requests").EnumerateArray(), r => r.GetProperty("path").GetString() == "/v1/status/{id}");
        }

        [Fact]
        public async Task Thousands_of_short_lived_predictions_leave_few_tracked_and_few_files()
        {
            const int total = 2000;
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.RunLimit = 1_000_000;
                o.ConcurrencyLimit = 1_000_000;
                o.Credits = 1_000_000;
                o.ProcessingSeconds = 0;
                // 0.02 * 0.0001 h * 3600 s = 7 ms after completion.
                o.OutputLifetimeHours = 0.0001;
            });
            string body = RunBody(DataUri(SmallJpeg(16, 12)));

            async Task SubmitManyAsync(int count)
            {
                using HttpClient client = Client(server);
                for (int i = 0; i < count; i++)
                {
                    await client.SubmitAsync(body);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SubmitManyAsync(total / 4))));

            await EventuallyAsync(async () =>
            {
                JsonElement predictions = (await StatsAsync(server)).GetProperty("predictions");
                return predictions.GetProperty("completed").GetInt64() == total && predictions.GetProperty("tracked").GetInt32() <= 10;
            }, "all predictions to complete and be evicted");

            JsonElement stats = await StatsAsync(server);
            Assert.Equal(total, stats.GetProperty("predictions").GetProperty("created").GetInt64());
            Assert.Equal(1_000_000 - total, stats.GetProperty("credits").GetInt64());
            await EventuallyAsync(() => Task.FromResult(Directory.EnumerateFileSystemEntries(server.DataDirectory, "*", SearchOption.AllDirectories).Count() <= 10),
                "the data folder to be emptied");
        }
    }
}
