using System.Globalization;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>Processing times vary as a service's do, repeatably for a seed; the timeline shows each prediction's moments.</summary>
    public class TimingTests
    {
        private const int Count = 50;

        /// <summary>50 background-change predictions at time scale 0.01, submitted one after the other; their drawn processing times.</summary>
        private static async Task<double[]> ProcessingTimesAsync(int seed, double jitter = 0.15)
        {
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.TimeScale = 0.01;
                o.ProcessingSeconds = 12;
                o.ProcessingJitter = jitter;
                o.TimingSeed = seed;
                o.ConcurrencyLimit = Count;
                o.RunLimit = 10 * Count;
            });
            using HttpClient client = Client(server);
            string body = RunBody(DataUri(SmallJpeg()));
            for (int i = 0; i < Count; i++)
            {
                await client.SubmitAsync(body);
            }

            JsonElement[] timeline = await TimelineWhenFinishedAsync(server, Count);
            Assert.All(timeline, entry => Assert.Equal("completed", entry.GetProperty("status").GetString()));
            return timeline.Select(entry => entry.GetProperty("plannedProcessingSeconds").GetDouble()).ToArray();
        }

        [Fact]
        public async Task Processing_times_spread_around_the_models_time_and_repeat_with_the_same_seed()
        {
            double[] first = await ProcessingTimesAsync(seed: 7);
            double[] again = await ProcessingTimesAsync(seed: 7);
            double[] otherSeed = await ProcessingTimesAsync(seed: 8);

            double mean = first.Average();
            double deviation = Math.Sqrt(first.Sum(t => (t - mean) * (t - mean)) / (first.Length - 1));
            // Log-normal with a 15 % spread around 12 s, its mean kept: averages stay near 12 s, no two alike.
            Assert.InRange(mean, 11, 13);
            Assert.InRange(deviation / mean, 0.08, 0.25);
            Assert.All(first, t => Assert.InRange(t, 6, 24));
            Assert.True(first.Max() - first.Min() > 2, $"times from {first.Min()} to {first.Max()} s");
            Assert.Equal(Count, first.Distinct().Count());
            Assert.Equal(first, again);
            Assert.NotEqual(first, otherSeed);
        }

        [Fact]
        public async Task Background_change_end_to_end_averages_the_models_time_with_the_default_jitter()
        {
            var defaults = new EmulatorOptions();
            const double timeScale = 0.1;
            await using EmulatorServer server = await StartAsync(o =>
            {
                // The service's defaults for times; only the clock runs ten times faster.
                o.TimeScale = timeScale;
                o.ProcessingSeconds = defaults.ProcessingSeconds;
                o.ProcessingJitter = defaults.ProcessingJitter;
                o.QueueDelaySeconds = defaults.QueueDelaySeconds;
                o.TimingSeed = 11;
                o.ConcurrencyLimit = Count;
                o.RunLimit = 10 * Count;
            });
            using HttpClient client = Client(server);
            for (int i = 0; i < Count; i++)
            {
                await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), seed: i));
            }

            JsonElement[] timeline = await TimelineWhenFinishedAsync(server, Count);

            // Planned: 0.5 s starting + 0.5 s in_queue + the drawn processing time (no queue delay by default), the
            // service's 12 s on average: the jitter spreads the times, not their mean.
            double[] planned = timeline
                .Select(entry => 1.0 + entry.GetProperty("queueDelaySeconds").GetDouble() + entry.GetProperty("plannedProcessingSeconds").GetDouble())
                .ToArray();
            Assert.InRange(planned.Average(), 11.5, 12.5);
            Assert.True(planned.Max() - planned.Min() > 2, $"planned end to end from {planned.Min()} to {planned.Max()} s");

            // Observed, from created to finished as the timeline records it, in the service's seconds: never before its
            // planned time, give or take the 25 ms by which .NET's timers may fire early on Linux (their clock is the
            // kernel's coarse one, 4 ms steps). No upper bound: 50 outputs rendered at once on a busy machine finish
            // late (CI saw 26 s on average).
            const double earlyTimerSeconds = 0.025;
            for (int i = 0; i < timeline.Length; i++)
            {
                double observed = (UtcMoment(timeline[i], "finishedAt") - UtcMoment(timeline[i], "createdAt")).TotalSeconds / timeScale;
                Assert.True(observed >= planned[i] - earlyTimerSeconds / timeScale, $"prediction {i} finished after {observed:0.00} s, planned {planned[i]:0.00} s");
            }
        }

        [Fact]
        public async Task A_jitter_of_0_gives_every_prediction_the_models_time()
        {
            double[] times = await ProcessingTimesAsync(seed: 7, jitter: 0);

            Assert.All(times, t => Assert.Equal(12, t));
        }

        [Fact]
        public async Task A_prediction_admitted_while_the_service_is_busy_waits_the_queue_delay_in_in_queue()
        {
            // Long processing keeps the first ones running while the next are submitted.
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.ProcessingSeconds = 100_000;
                o.QueueDelaySeconds = 1000;
                o.QueueBusyAbove = 1;
                o.ConcurrencyLimit = 10;
                o.TimingSeed = 3;
            });
            using HttpClient client = Client(server);
            string[] ids = new string[4];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), seed: i));
            }

            JsonElement[] timeline = await TimelineAsync(server);
            Assert.Equal(ids, timeline.Select(entry => entry.GetProperty("id").GetString()));
            double[] delays = timeline.Select(entry => entry.GetProperty("queueDelaySeconds").GetDouble()).ToArray();
            // 0 and 1 already running: not busy; 2 and 3: busy.
            Assert.Equal(0, delays[0]);
            Assert.Equal(0, delays[1]);
            Assert.InRange(delays[2], 500, 2000);
            Assert.InRange(delays[3], 500, 2000);
            Assert.NotEqual(delays[2], delays[3]);
            // Scaled by 0.02 a delay of about 1000 s is 20 s in in_queue: the delayed ones are not processing yet.
            Assert.All(timeline.Skip(2), entry => Assert.Equal(JsonValueKind.Null, entry.GetProperty("processingAt").ValueKind));
        }

        [Fact]
        public async Task The_timeline_gives_each_predictions_moments_in_utc_and_null_until_they_come()
        {
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.QueueDelaySeconds = 100_000;
                o.QueueBusyAbove = 0;
                o.ProcessingJitter = 0;
            });
            using HttpClient client = Client(server);
            string done = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            await client.WaitFinishedAsync(done);
            string running = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), seed: 1));
            string waiting = await client.SubmitAsync(RunBody(DataUri(SmallJpeg()), seed: 2));

            JsonElement[] timeline = await TimelineAsync(server);

            Assert.Equal(new[] { done, running, waiting }, timeline.Select(entry => entry.GetProperty("id").GetString()));
            Assert.All(timeline, entry => Assert.Equal("background-change", entry.GetProperty("model").GetString()));
            JsonElement completed = timeline[0];
            Assert.Equal("completed", completed.GetProperty("status").GetString());
            DateTime created = UtcMoment(completed, "createdAt");
            DateTime processing = UtcMoment(completed, "processingAt");
            DateTime finished = UtcMoment(completed, "finishedAt");
            Assert.True(created <= processing && processing <= finished, $"{created:O} {processing:O} {finished:O}");
            Assert.Equal(2, completed.GetProperty("plannedProcessingSeconds").GetDouble());
            Assert.Equal(1, completed.GetProperty("credits").GetInt32());
            // The second found one running (busy above 0) and waits in in_queue for 100 000 s (scaled).
            JsonElement queued = timeline[2];
            Assert.Contains(queued.GetProperty("status").GetString(), new[] { "starting", "in_queue" });
            UtcMoment(queued, "createdAt");
            Assert.Equal(JsonValueKind.Null, queued.GetProperty("processingAt").ValueKind);
            Assert.Equal(JsonValueKind.Null, queued.GetProperty("finishedAt").ValueKind);
        }

        [Fact]
        public void The_timing_options_are_read_from_the_command_line_with_their_defaults()
        {
            EmulatorOptions defaults = EmulatorCommandLine.Parse(Array.Empty<string>(), out _)!;
            EmulatorOptions options = EmulatorCommandLine.Parse(new[]
            {
                "--processing-jitter", "0", "--timing-seed", "5", "--queue-delay-seconds", "8", "--queue-busy-above", "2",
            }, out _)!;

            Assert.Equal((0.15, null, 0.0, 3), (defaults.ProcessingJitter, defaults.TimingSeed, defaults.QueueDelaySeconds, defaults.QueueBusyAbove));
            Assert.Equal((0.0, 5, 8.0, 2), (options.ProcessingJitter, options.TimingSeed, options.QueueDelaySeconds, options.QueueBusyAbove));
            string help = EmulatorCommandLine.HelpText();
            Assert.Contains("--processing-jitter <fraction>", help);
            Assert.Contains("--queue-delay-seconds <s>", help);
        }

        [Fact]
        public async Task A_negative_jitter_is_refused_at_start()
        {
            ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => StartAsync(o => o.ProcessingJitter = -0.1));

            Assert.Contains("jitter", error.Message);
        }

        /// <summary>An ISO 8601 moment in UTC (ending in Z), as a UTC DateTime.</summary>
        private static DateTime UtcMoment(JsonElement entry, string name)
        {
            string text = entry.GetProperty(name).GetString()!;
            Assert.EndsWith("Z", text);
            DateTime moment = DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            Assert.Equal(DateTimeKind.Utc, moment.Kind);
            return moment;
        }
    }
}
