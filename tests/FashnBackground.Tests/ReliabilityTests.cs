using System.Diagnostics;
using System.Management.Automation;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// Under a service that answers 429s, 500s, drops connections, answers late and fails predictions, every input
/// still ends as exactly one saved file or exactly one error record, and the emulator's counters agree.
/// </summary>
public sealed class ReliabilityTests
{
    private static readonly HashSet<string> ExpectedErrorIds = new()
    {
        "Fashn.SubmissionOutcomeUnknown", // a run whose answer was lost (dropped or too slow) is not sent again
        "Fashn.ServiceUnavailable",       // a status poll that kept failing after every retry
        "Fashn.RateLimitExceeded",        // still limited after every retry
        "Fashn.InternalServerError",      // still failing after every retry
        "Fashn.PipelineError", "Fashn.UnavailableError", // failed again after the retries FASHN advises
        "Fashn.ThirdPartyError",          // not retried: FASHN does not advise it
        "Fashn.OutputNotSaved",           // a download that kept failing
    };

    [Fact]
    public async Task ASoakOf300ImagesUnderFaultsAccountsForEveryInputExactlyOnce()
    {
        await using var emulator = await Emulators.StartFastAsync(o =>
        {
            o.TimeScale = 0.01;
            o.Fault429Rate = 0.10;
            o.Fault500Rate = 0.05;
            o.FaultDropRate = 0.02;
            o.FaultFailRate = 0.03;
            o.FaultSlowRate = 0.01;
            o.FaultSlowSeconds = 3;
            o.FaultSeed = 20261124;
        });
        using var folder = new TempFolder();
        var inputs = Directory.CreateDirectory(folder.Combine("in")).FullName;
        var files = Enumerable.Range(0, 300).Select(i => TestImages.WriteJpeg(Path.Combine(inputs, $"soak{i:000}.jpg"), 64, 48, i)).ToArray();
        var output = folder.Combine("out");
        var before = await Emulators.StatsAsync(emulator);
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke(
            "Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -RequestTimeoutSec 1 -RetryIntervalSec 0.05 | " +
            "Save-FashnOutput -Destination $args[1]", files, output);

        Assert.Null(result.Terminating);
        var saved = Directory.GetFiles(output).Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var failed = result.Errors.Select(e => Path.GetFileNameWithoutExtension(e.TargetObject?.ToString() ?? "")).ToList();
        // Exactly one of the two for every input, and nothing for anything else.
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var outcomes = (saved.Contains(name) ? 1 : 0) + failed.Count(f => f == name);
            Assert.True(outcomes == 1, $"{name}: {outcomes} outcomes");
        }
        Assert.Equal(300, saved.Count + failed.Count);
        Assert.Equal(saved.Count, result.Output.Count);
        Assert.All(result.Errors, e => Assert.Contains(e.FullyQualifiedErrorId.Split(',')[0], ExpectedErrorIds));
        Assert.True(saved.Count >= 240, $"only {saved.Count} of 300 saved");
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial", SearchOption.AllDirectories));
        foreach (var file in Directory.GetFiles(output)) Assert.True(TestImages.Decodes(file, out _, out _), file);

        // The emulator agrees: every saved file is one paid prediction; the only predictions paid without a file are
        // those whose run answer was lost, which the user was told about.
        var after = await Emulators.StatsAsync(emulator);
        var spent = before.GetProperty("credits").GetInt64() - after.GetProperty("credits").GetInt64();
        var completed = after.GetProperty("predictions").GetProperty("completed").GetInt32();
        var lostAnswers = result.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("Fashn.SubmissionOutcomeUnknown"));
        Assert.True(completed == spent, after.ToString());
        Assert.InRange(spent, saved.Count, saved.Count + lostAnswers);
        // No image was paid for twice.
        Assert.All(after.GetProperty("inputs").EnumerateArray(), input => Assert.True(input.GetProperty("predictions").GetInt32() <= 3));
    }

    [Fact]
    public async Task AFullBatchAtTheServicesLimitsMeetsNo429AndPollsFewTimesPerPrediction()
    {
        // The real limits (6 at once, 50 runs a minute, 50 status requests per 10 s), twenty times faster.
        await using var emulator = await Emulators.StartFastAsync(o => o.TimeScale = 0.05);
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 36).Select(i => TestImages.WriteJpeg(folder.Combine($"l{i}.jpg"), 64, 48, i)).ToArray();
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", (object)files);

        Assert.Empty(result.Errors);
        Assert.Equal(36, result.Output.Count);
        var stats = await Emulators.StatsAsync(emulator);
        Assert.Equal(0, stats.GetProperty("rejected").GetProperty("RateLimitExceeded").GetInt32());
        Assert.Equal(0, stats.GetProperty("rejected").GetProperty("ConcurrencyLimitExceeded").GetInt32());
        Assert.True(stats.GetProperty("predictions").GetProperty("peakProcessing").GetInt32() <= 6);
        // Polls sit where finishes are likely and spend status requests where they buy time, within what six places
        // may spend at the limits (50 per 10 s over a 12 s lifetime: 10 a prediction), with room to spare.
        var polls = Emulators.RequestCount(stats, "GET", "/v1/status/{id}");
        Assert.True(polls <= 36 * 8, $"{polls} status requests for 36 predictions");
    }

    [Fact]
    public async Task CtrlCStopsABatchPromptly()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 24).Select(i => TestImages.WriteJpeg(folder.Combine($"c{i}.jpg"), 64, 48, i)).ToArray();
        // Slow predictions (12 s each): the stop comes while all six places are taken and the rest wait.
        await using var emulator = await Emulators.StartFastAsync(o => o.TimeScale = 1);
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);
        using var running = host.Start("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", (object)files);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // Six created at the emulator, and six known to the command (its progress says so): a prediction whose run
        // answer is still on its way when the stop comes cannot be named yet.
        while ((await Emulators.StatsAsync(emulator)).GetProperty("predictions").GetProperty("created").GetInt32() < 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        while (!running.PowerShell.Streams.Progress.ToArray().Any(p => p.StatusDescription.Contains(", 6 running", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var watch = Stopwatch.StartNew();
        running.Stop();
        watch.Stop();

        Assert.Equal(PSInvocationState.Stopped, running.PowerShell.InvocationStateInfo.State);
        // A bound against hanging, not a speed measurement: the stop must not wait for the 12 s predictions.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "stopping took " + watch.Elapsed);
        var warning = Assert.Single(host.Console.WarningLines);
        Assert.Equal(6, warning.Split('\n').Count(line => line.Contains("c") && line.Contains(".jpg")));
    }

    [Fact]
    public async Task StoppingMidBatchLeavesNoPartialFileAndReportsWhatIsStillRunning()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 30).Select(i => TestImages.WriteJpeg(folder.Combine($"s{i}.jpg"), variant: i)).ToArray();
        var output = folder.Combine("out");
        // 1.2 s per prediction: long enough for progress records (every 250 ms) while a wave runs.
        await using var emulator = await Emulators.StartFastAsync(o => o.TimeScale = 0.1);
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        using var running = host.Start(
            "Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]", files, output);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (running.Output.Count < 3 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        // Predictions all take the same time, so a wave finishes together and the next wave's run answers are on
        // their way for a moment; a prediction whose answer has not come cannot be named. Stop once a progress
        // record written after the third output says some are running.
        var seen = running.PowerShell.Streams.Progress.Count;
        while (!running.PowerShell.Streams.Progress.ToArray().Skip(seen).Any(p => RunningCount(p.StatusDescription) > 0) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        var result = running.Stop();

        Assert.Equal(PSInvocationState.Stopped, running.PowerShell.InvocationStateInfo.State);
        Assert.InRange(result.Output.Count, 3, 29);
        Assert.Empty(Directory.GetFiles(output, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(output, ".*", SearchOption.AllDirectories));
        // Every file under its final name is whole (one may have been renamed into place just as the stop came).
        foreach (var file in Directory.GetFiles(output)) Assert.True(TestImages.Decodes(file, out _, out _), file);
        Assert.InRange(Directory.GetFiles(output).Length, result.Output.Count, result.Output.Count + 1);
        // What was still running at FASHN is named, so it can be collected instead of paid for again.
        // The pipeline takes no more records once stopped, so this goes straight to the console.
        var warning = Assert.Single(host.Console.WarningLines, w => w.Contains("still running at FASHN"));
        Assert.Contains("Get-FashnPrediction", warning);
    }

    private static int RunningCount(string? status)
    {
        var match = System.Text.RegularExpressions.Regex.Match(status ?? "", @", (\d+) running");
        return match.Success ? int.Parse(match.Groups[1].Value) : 0;
    }
}
