using System.Management.Automation;
using System.Text.Json;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>Running a batch again never pays twice for an image: what was started is collected, not resubmitted.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync(o => o.TimeScale = 0.05);

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static void AssertOnePredictionPerImage(JsonElement stats, int images)
    {
        Assert.True(images == stats.GetProperty("predictions").GetProperty("created").GetInt32(), "created: " + stats);
        var inputs = stats.GetProperty("inputs").EnumerateArray().ToList();
        Assert.True(images == inputs.Count, "inputs: " + stats);
        Assert.All(inputs, input => Assert.Equal(1, input.GetProperty("predictions").GetInt32()));
    }

    [Fact]
    public async Task ABatchStoppedInTheMiddleAndRunAgainMakesExactlyOnePredictionPerImage()
    {
        // Slow enough (2.4 s per image) that the stop comes while later images are not yet started.
        await using var emulator = await Emulators.StartFastAsync(o => o.TimeScale = 0.2);
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 18).Select(i => TestImages.WriteJpeg(folder.Combine($"r{i}.jpg"), variant: i)).ToArray();
        var output = folder.Combine("out");
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);
        const string batch = "Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]";

        using (var first = host.Start(batch, files, output))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (first.Output.Count < 4 && DateTime.UtcNow < deadline) Thread.Sleep(10);
            first.Stop();
        }
        var afterStop = await Emulators.StatsAsync(emulator);
        var startedBeforeStop = afterStop.GetProperty("predictions").GetProperty("created").GetInt32();
        Assert.InRange(startedBeforeStop, 4, 17);

        var second = host.Invoke(batch, files, output);

        Assert.Empty(second.Errors);
        AssertOnePredictionPerImage(await Emulators.StatsAsync(emulator), files.Length);
        Assert.Equal(files.Length, Directory.GetFiles(output, "*.png").Length);
        foreach (var file in Directory.GetFiles(output)) Assert.True(TestImages.Decodes(file, out _, out _), file);
    }

    [Fact]
    public async Task WhenTheServiceGoesAwayMidBatchEachUnfinishedInputIsReportedAndARerunCompletesWithoutPayingTwice()
    {
        using var folder = new TempFolder();
        var data = Directory.CreateDirectory(folder.Combine("emulator-data")).FullName;
        var files = Enumerable.Range(0, 12).Select(i => TestImages.WriteJpeg(folder.Combine($"g{i}.jpg"), variant: i)).ToArray();
        var output = folder.Combine("out");
        const string batch = "Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -MaximumRetryCount 1 -RetryIntervalSec 0.1 | " +
                             "Save-FashnOutput -Destination $args[1]";
        var first = await Emulators.StartFastAsync(o => { o.TimeScale = 0.1; o.DataDirectory = data; });
        var baseUri = first.BaseUri;
        using var host = new PowerShellHost(baseUri, Emulators.ApiKey);

        PipelineResult interrupted;
        using (var running = host.Start(batch, files, output))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await Emulators.StatsAsync(first)).GetProperty("predictions").GetProperty("created").GetInt32() < 6 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            await first.StopAsync(); // the service goes away with predictions running
            interrupted = running.End();
        }

        // Every input is either saved or named in an error that says the service could not be reached.
        Assert.True(12 == interrupted.Output.Count + interrupted.Errors.Count, interrupted.AllText());
        Assert.NotEmpty(interrupted.Errors);
        Assert.All(interrupted.Errors, e =>
        {
            Assert.Equal("Fashn.ServiceUnavailable", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("run the command again", e.Exception.Message);
        });

        // The service comes back (same address, same state), and the same command finishes the batch.
        await using var second = await Emulators.StartFastAsync(o => { o.TimeScale = 0.1; o.DataDirectory = data; o.Urls = baseUri.GetLeftPart(UriPartial.Authority); });
        var rerun = host.Invoke(batch, files, output);

        Assert.Empty(rerun.Errors);
        Assert.Equal(12, Directory.GetFiles(output, "*.png").Length);
        AssertOnePredictionPerImage(await Emulators.StatsAsync(second), files.Length);
    }

    [Fact]
    public async Task ACompletedBatchRunAgainCollectsEveryResultWithoutANewPrediction()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 5).Select(i => TestImages.WriteJpeg(folder.Combine($"c{i}.jpg"), variant: i)).ToArray();
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        var first = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", (object)files);
        var second = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", (object)files);

        Assert.Equal(5, first.Output.Count);
        Assert.All(first.Output, p => Assert.False((bool)p.Properties["Collected"].Value));
        Assert.Equal(5, second.Output.Count);
        Assert.All(second.Output, p => Assert.True((bool)p.Properties["Collected"].Value));
        Assert.Equal(first.Output.Select(p => p.Properties["Id"].Value).Order(), second.Output.Select(p => p.Properties["Id"].Value).Order());
        var stats = await Emulators.StatsAsync(_emulator);
        AssertOnePredictionPerImage(stats, 5);
        Assert.Equal(5, Emulators.RequestCount(stats, "POST", "/v1/run"));
    }

    [Fact]
    public async Task ADifferentPromptOrSeedIsANewPredictionAndNoJournalResubmits()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", file);
        host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Seed 5 -Wait", file);
        host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'beach' -Wait", file);
        host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -NoJournal", file);

        var stats = await Emulators.StatsAsync(_emulator);
        Assert.Equal(4, stats.GetProperty("predictions").GetProperty("created").GetInt32());
    }

    [Fact]
    public void TheJournalHoldsIdsAndNeverTheKey()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        using var host = new PowerShellHost(_emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", file);

        var journal = File.ReadAllText(host.JournalPath);
        Assert.Contains((string)Assert.Single(result.Output).Properties["Id"].Value, journal);
        Assert.DoesNotContain(Emulators.ApiKey, journal);
    }
}
