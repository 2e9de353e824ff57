using System.Text.Json;
using Fashn.Emulator;
using Xunit;
using static Fashn.Testing.TestImages;

namespace Fashn.Client.Tests;

/// <summary>
/// The poll schedule's decisions, followed without a clock: durations drawn from a seeded log-normal (as the
/// emulator draws them), each prediction's polls computed by <see cref="PollSchedule"/>, what they saw taught to the
/// <see cref="DurationEstimator"/> as the poller does. The figures asserted are computed, never measured.
/// </summary>
public sealed class PollScheduleTests
{
    private const string Kind = "background-change|||";

    // The emulator at time scale 0.1, as the bench runs it: 50 status requests per 1 s, six predictions at once,
    // 0.1 s of starting and in_queue plus 1.1 s of processing.
    private static readonly PollBudget SixAtScaleOneTenth = new(50, TimeSpan.FromSeconds(1), pollingNow: 6);

    [Fact]
    public void WithVaryingTimesThePollThatSeesTheFinishComesSoonAfterItWithinTheBudget()
    {
        var estimator = new DurationEstimator();
        var durations = LogNormalDurations(seed: 14, count: 400, jitter: 0.15);

        var polled = durations.Select(d => Follow(estimator, Kind, d, SixAtScaleOneTenth)).ToArray();

        // Once learned (the first 40 teach it): the spread of the times is 0.165 s; the point estimate this replaced
        // saw them 80 ms late on average. With the polls at the quantiles, under 45 ms and rarely past 0.15 s.
        var learned = polled.Skip(40).ToArray();
        var meanLate = learned.Average(p => p.Late.TotalMilliseconds);
        Assert.InRange(meanLate, 0, 45);
        Assert.True(learned.Count(p => p.Late > TimeSpan.FromMilliseconds(150)) <= learned.Length / 20);
        // Six places spend this many polls per prediction lifetime: well inside 50 per second (the window's margin aside).
        var pollsPerPrediction = learned.Average(p => p.Polls);
        var meanLifetime = durations.Skip(40).Average(d => d.TotalSeconds);
        Assert.InRange(6 * pollsPerPrediction / meanLifetime, 1, PollSchedule.StatusShare * 50 / 1.1);
    }

    [Fact]
    public void TheLowerBoundsKeepTheEstimateFromDriftingUpward()
    {
        var estimator = new DurationEstimator();
        var durations = LogNormalDurations(seed: 7, count: 200, jitter: 0.15);
        foreach (var duration in durations) Follow(estimator, Kind, duration, SixAtScaleOneTenth);

        var learned = estimator.Learned(Kind)!;
        var recent = durations.Skip(200 - LearnedDurations.Remembered).Select(d => d.TotalSeconds).OrderBy(s => s).ToArray();
        var trueMedian = (recent[19] + recent[20]) / 2;
        var upperBounds = learned.Samples.Select(s => s.UpperBound.TotalSeconds).OrderBy(s => s).ToArray();
        Assert.InRange(learned.Median.TotalSeconds, trueMedian * 0.98, trueMedian * 1.02);
        // The upper bounds alone (what the point estimate kept) lie later.
        Assert.True((upperBounds[19] + upperBounds[20]) / 2 > learned.Median.TotalSeconds);
    }

    [Fact]
    public void WithFixedTimesTheFinishIsSeenWithinOneMinimumGapInAFewPolls()
    {
        var estimator = new DurationEstimator();
        var polled = Enumerable.Range(0, 60).Select(_ => Follow(estimator, Kind, TimeSpan.FromSeconds(1.2), SixAtScaleOneTenth)).ToArray();

        // The first ones explore: one seen finished by its first poll says only "by then", and spreads the first
        // polls of the next ones early. After 20, the finish is seen within two minimum gaps (44 ms) in two or three
        // polls; once the explorers are forgotten (40 remembered), within one.
        var minimumGap = TimeSpan.FromSeconds(1 / SixAtScaleOneTenth.StatusRequestsPerSecond);
        Assert.All(polled.Skip(20), p => Assert.InRange(p.Late, TimeSpan.Zero, 2 * minimumGap));
        Assert.All(polled.Skip(20), p => Assert.InRange(p.Polls, 1, 3));
        Assert.All(polled.Skip(LearnedDurations.Remembered), p => Assert.InRange(p.Late, TimeSpan.Zero, minimumGap));
    }

    [Fact]
    public void TheFirstUnlearnedWaveLooksSoonAndThenAtTheRateItsShareOfTheBudgetAllows()
    {
        var schedule = PollMoments(null, SixAtScaleOneTenth, until: TimeSpan.FromSeconds(1.2));

        Assert.Equal(PollSchedule.UnlearnedFirstPoll, schedule[0]);
        var gap = TimeSpan.FromSeconds(6 / (PollSchedule.StatusShare * SixAtScaleOneTenth.StatusRequestsPerSecond));
        // A cold 1.2 s prediction is seen finished within one gap (about 0.19 s; it was 0.25 to 0.37 s before).
        Assert.InRange(schedule[^1] - TimeSpan.FromSeconds(1.2), TimeSpan.Zero, gap);
        // Six of them polled together stay inside the share of the status window (50 per second) polls may fill.
        Assert.InRange(6 * schedule.Count(t => t >= TimeSpan.FromSeconds(0.2) && t < TimeSpan.FromSeconds(1.2)), 1, 50 * PollSchedule.PollingCeiling);
    }

    [Fact]
    public void AFirstWaveSubmittedTogetherIsSeenFinishedSoonAfterTheFirstOfItIs()
    {
        // Six cold 1.2 s predictions submitted at one moment, followed as the poller does: each at its own phase of the
        // gap; when one is seen finished, the others' waits end and they plan again with what it taught.
        var estimator = new DurationEstimator();
        var duration = TimeSpan.FromSeconds(1.2);
        var phases = Enumerable.Range(0, 6).Select(_ => estimator.NextUnlearnedPhase()).ToArray();
        var nextPoll = phases.Select(phase => estimator.NextPollDelay(Kind, TimeSpan.Zero, SixAtScaleOneTenth, phase)).ToArray();
        var lastRunning = new TimeSpan[6];
        var seenAt = new TimeSpan?[6];
        var polls = 0;
        while (seenAt.Any(t => t == null))
        {
            var i = Enumerable.Range(0, 6).Where(j => seenAt[j] == null).MinBy(j => nextPoll[j]);
            var now = nextPoll[i];
            var firstLearned = estimator.WhenFirstLearned(Kind);
            polls++;
            if (now < duration)
            {
                lastRunning[i] = now;
                nextPoll[i] = now + estimator.NextPollDelay(Kind, now, SixAtScaleOneTenth, phases[i]);
                continue;
            }
            seenAt[i] = now;
            estimator.RecordFinished(Kind, lastRunning[i], now);
            if (firstLearned is { IsCompleted: true })
            {
                for (var j = 0; j < 6; j++)
                {
                    if (seenAt[j] == null) nextPoll[j] = now + estimator.NextPollDelay(Kind, now, SixAtScaleOneTenth);
                }
            }
        }

        // Their phases spread over the gap (about 0.19 s), so the first is seen finished within a sixth of it or so;
        // in step, each would have waited for its own next poll, up to a whole gap.
        var gap = TimeSpan.FromSeconds(6 / (PollSchedule.StatusShare * SixAtScaleOneTenth.StatusRequestsPerSecond));
        Assert.Equal(6, phases.Distinct().Count());
        Assert.All(phases, phase => Assert.InRange(phase, 0, 1));
        Assert.InRange(seenAt.Min()!.Value - duration, TimeSpan.Zero, gap / 4);
        Assert.All(seenAt, t => Assert.InRange(t!.Value - duration, TimeSpan.Zero, TimeSpan.FromMilliseconds(50)));
        Assert.Null(estimator.WhenFirstLearned(Kind));
        Assert.InRange(polls, 6, 6 * 7);
    }

    [Fact]
    public void AnUnlearnedLongPredictionCostsFewPollsAtTheRealLimits()
    {
        var real = new PollBudget(50, TimeSpan.FromSeconds(10), pollingNow: 6);
        var schedule = PollMoments(null, real, until: TimeSpan.FromMinutes(5));

        // Six such predictions poll the key about 36 times per 10 s at first (of 50), then less as they grow old.
        Assert.InRange(schedule.Count(t => t < TimeSpan.FromSeconds(10)), 5, 7);
        Assert.InRange(schedule.Length, 20, 45);
    }

    [Fact]
    public void EachModelAndSettingsLearnsItsOwnTimes()
    {
        var background = new PredictionSettings("studio").DurationKey;
        var edit4K = new PredictionSettings("studio", modelName: "edit", resolution: "4k", generationMode: "quality").DurationKey;
        var edit1K = new PredictionSettings("studio", modelName: "edit", resolution: "1k", generationMode: "quality").DurationKey;
        // The prompt and seed change the picture, not the time.
        Assert.Equal(background, new PredictionSettings("beach", seed: 3).DurationKey);
        Assert.Equal(edit4K, new PredictionSettings("x", seed: 3, modelName: "edit", resolution: "4k", generationMode: "quality").DurationKey);
        Assert.Equal(3, new[] { background, edit4K, edit1K }.Distinct().Count());

        var estimator = new DurationEstimator();
        foreach (var duration in LogNormalDurations(seed: 1, count: 30, jitter: 0.15, processingSeconds: 1.1))
            Follow(estimator, background, duration, SixAtScaleOneTenth);
        foreach (var duration in LogNormalDurations(seed: 2, count: 30, jitter: 0.15, processingSeconds: 6))
            Follow(estimator, edit4K, duration, SixAtScaleOneTenth);

        var firstForBackground = estimator.NextPollDelay(background, TimeSpan.Zero, SixAtScaleOneTenth);
        var firstForEdit = estimator.NextPollDelay(edit4K, TimeSpan.Zero, SixAtScaleOneTenth);
        // Each kind's first poll comes before its usual end (1.2 s and 6.1 s), edit's after background-change's are all over.
        Assert.InRange(firstForBackground.TotalSeconds, 0.3, 1.2);
        Assert.InRange(firstForEdit.TotalSeconds, 2.0, 6.1);
        Assert.Equal(PollSchedule.UnlearnedFirstPoll, estimator.NextPollDelay(edit1K, TimeSpan.Zero, SixAtScaleOneTenth));
        Assert.Null(estimator.Learned(edit1K));
    }

    [Fact]
    public void FewerPredictionsPolledAtOnceMayEachPollMore()
    {
        var estimator = new DurationEstimator();
        foreach (var duration in LogNormalDurations(seed: 3, count: 40, jitter: 0.15)) Follow(estimator, Kind, duration, SixAtScaleOneTenth);
        var learned = estimator.Learned(Kind)!;
        var own = PollSchedule.StatusShare * SixAtScaleOneTenth.StatusRequestsPerSecond;

        var alone = PollSchedule.PlannedPolls(learned, own);
        var six = PollSchedule.PlannedPolls(learned, own / 6);
        Assert.Equal(PollSchedule.MaximumPolls, alone);
        Assert.InRange(six, PollSchedule.MinimumPolls, alone - 1);
    }

    [Fact]
    public async Task AgainstTheEmulatorWithVaryingTimesNothingDrawsA429AndEachInputCompletesOnce()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            TimeScale = 0.05, ProcessingJitter = 0.15, TimingSeed = 14, Credits = 1000,
        });
        var options = new FashnClientOptions(EmulatorOptions.DefaultApiKey, emulator.BaseUri);
        var budget = new ServiceBudget(options.Limits);
        using var client = new FashnApiClient(options, budget.Windows);
        var runner = new PredictionRunner(client, budget, throttleLimit: 6);
        var settings = new PredictionSettings("studio");
        var images = Enumerable.Range(0, 24)
            .Select(i => JpegDataUri(64, 48, variant: i))
            .ToArray();

        var outcomes = await Task.WhenAll(images.Select(image =>
            runner.RunAsync(PredictionJob.FromReference(image, settings), wait: true, waitTimeout: TimeSpan.FromMinutes(2), default)));

        Assert.All(outcomes, o => Assert.Equal(PredictionStatuses.Completed, o.Status!.Status));
        Assert.All(outcomes, o => Assert.Equal(1, o.Attempts));
        Assert.Equal(24, outcomes.Select(o => o.Id).Distinct().Count());
        var stats = await EmulatorStatsReader.ReadAsync(emulator);
        var requests = stats.GetProperty("requests").EnumerateArray().ToArray();
        int Count(string method, string path, Func<int, bool> status) => requests
            .Where(r => r.GetProperty("method").GetString() == method && r.GetProperty("path").GetString() == path && status(r.GetProperty("status").GetInt32()))
            .Sum(r => r.GetProperty("count").GetInt32());
        Assert.Equal(0, requests.Where(r => r.GetProperty("status").GetInt32() == 429).Sum(r => r.GetProperty("count").GetInt32()));
        Assert.Equal(24, Count("POST", "/v1/run", s => s == 200));
        // Ten per prediction is what six places may spend at the service's limits; the plan spends about six.
        Assert.InRange(Count("GET", "/v1/status/{id}", _ => true), 24, 24 * 10);
        // It learned this kind's times, and every place was given back.
        Assert.Equal(24, budget.Durations.Learned(settings.DurationKey)!.Count);
        Assert.Equal(0, budget.Slots.InUse);
        Assert.Equal(0, budget.Durations.PollingNow);
    }

    /// <summary>One prediction as the poller follows it: polls until one sees it finished, which teaches the estimator.</summary>
    private static Polled Follow(DurationEstimator estimator, string kind, TimeSpan duration, PollBudget budget)
    {
        var elapsed = TimeSpan.Zero;
        var lastSeenRunning = TimeSpan.Zero;
        var polls = 0;
        while (true)
        {
            elapsed += estimator.NextPollDelay(kind, elapsed, budget);
            polls++;
            if (elapsed >= duration)
            {
                estimator.RecordFinished(kind, lastSeenRunning, elapsed);
                return new Polled(polls, elapsed - duration);
            }
            lastSeenRunning = elapsed;
        }
    }

    /// <summary>The moments a prediction is polled until the first at or after <paramref name="until"/>.</summary>
    private static TimeSpan[] PollMoments(LearnedDurations? learned, PollBudget budget, TimeSpan until)
    {
        var moments = new List<TimeSpan>();
        var elapsed = TimeSpan.Zero;
        while (elapsed < until)
        {
            elapsed = PollSchedule.NextPollAt(learned, budget, elapsed);
            moments.Add(elapsed);
        }
        return moments.ToArray();
    }

    /// <summary>As the emulator draws them: fixed starting and queue time, processing log-normal with its mean kept.</summary>
    private static TimeSpan[] LogNormalDurations(int seed, int count, double jitter, double processingSeconds = 1.1)
    {
        var random = new Random(seed);
        var sigma = Math.Sqrt(Math.Log(1 + jitter * jitter));
        return Enumerable.Range(0, count).Select(_ =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return TimeSpan.FromSeconds(0.1 + processingSeconds * Math.Exp(sigma * normal - sigma * sigma / 2));
        }).ToArray();
    }

    private sealed record Polled(int Polls, TimeSpan Late);
}
