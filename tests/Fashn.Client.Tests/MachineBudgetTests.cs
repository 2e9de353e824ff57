using System.Diagnostics;
using System.Text.Json;
using Fashn.Emulator;
using Xunit;
using static Fashn.Testing.TestImages;

namespace Fashn.Client.Tests;

/// <summary>
/// The key's places and windows shared through the key's folder, as the user's processes on one machine share them.
/// Two budgets on one folder stand for two processes: they take the same lock files as two processes would.
/// </summary>
public sealed class MachineBudgetTests : IDisposable
{
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "fashn-keys-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_keyFolder)) Directory.Delete(_keyFolder, recursive: true);
    }

    private static string Photo(int variant) => JpegDataUri(64, 48, variant);


    [Fact]
    public async Task Four_budgets_on_one_key_folder_run_twelve_inputs_each_with_no_429_and_each_input_once()
    {
        // Tight windows too: 50 status requests per 0.2 s and 50 runs per 1.2 s at this time scale.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { TimeScale = 0.02, TimingSeed = 5 });
        var options = new FashnClientOptions(EmulatorOptions.DefaultApiKey, emulator.BaseUri);
        var processes = Enumerable.Range(0, 4).Select(_ =>
        {
            var budget = new ServiceBudget(options.Limits, _keyFolder);
            return (budget, client: new FashnApiClient(options, budget.Windows));
        }).ToList();

        var outcomes = await Task.WhenAll(processes.SelectMany((process, p) =>
        {
            var runner = new PredictionRunner(process.client, process.budget, throttleLimit: 6);
            return Enumerable.Range(0, 12).Select(i =>
                runner.RunAsync(PredictionJob.FromReference(Photo(100 * p + i), new PredictionSettings("studio")), wait: true, TimeSpan.FromMinutes(2), default));
        }));

        Assert.All(outcomes, outcome => Assert.Null(outcome.Failure));
        Assert.Equal(48, outcomes.Select(outcome => outcome.Id).Distinct().Count());
        var stats = await EmulatorStatsReader.ReadAsync(emulator);
        Assert.Equal("", string.Join(", ", stats.GetProperty("requests").EnumerateArray().Where(r => r.GetProperty("status").GetInt32() == 429)
            .Select(r => $"{r.GetProperty("method")} {r.GetProperty("path")}: {r.GetProperty("count")}")));
        Assert.Equal(48, stats.GetProperty("predictions").GetProperty("created").GetInt64());
        Assert.All(stats.GetProperty("inputs").EnumerateArray(), input => Assert.Equal(1, input.GetProperty("predictions").GetInt64()));
        Assert.True(stats.GetProperty("predictions").GetProperty("peakProcessing").GetInt32() > 3, "they ran side by side");
        Assert.NotNull(processes[0].budget.SharedFolder);
        foreach (var (_, client) in processes) client.Dispose();
    }

    [Fact]
    public async Task Places_held_by_other_processes_fail_the_input_after_the_wait_and_are_free_once_those_processes_end()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { TimeScale = 0.02 });
        var options = new FashnClientOptions(EmulatorOptions.DefaultApiKey, emulator.BaseUri) { MaxConcurrencyWait = TimeSpan.FromSeconds(1) };
        var budget = new ServiceBudget(options.Limits, _keyFolder);
        using var client = new FashnApiClient(options, budget.Windows);
        // Six other processes each holding one place, with the same OS lock (flock) .NET takes for a file opened unshared.
        var holders = Enumerable.Range(0, 6).Select(i => HoldPlace(Path.Combine(_keyFolder, $"place-{i}.lock"))).ToList();
        try
        {
            var refused = await new PredictionRunner(client, budget, 1).RunAsync(
                PredictionJob.FromReference(Photo(1), new PredictionSettings("studio")), wait: true, TimeSpan.FromMinutes(1), default);

            Assert.Equal(FashnErrorCodes.KeyPlacesHeld, refused.Failure!.ErrorCode);
            Assert.Contains("All 6 places of this API key were held by other PowerShell processes of yours on this machine for 1 s, so neither this input nor the ones after it were sent.", refused.Failure.Message);
            Assert.Equal(0, (await EmulatorStatsReader.ReadAsync(emulator)).GetProperty("predictions").GetProperty("created").GetInt64());
        }
        finally
        {
            foreach (var holder in holders)
            {
                holder.Kill(entireProcessTree: true);
                holder.WaitForExit();
                holder.Dispose();
            }
        }

        // A lease dies with its process: the same input now runs.
        var ran = await new PredictionRunner(client, budget, 1).RunAsync(
            PredictionJob.FromReference(Photo(1), new PredictionSettings("studio")), wait: true, TimeSpan.FromMinutes(1), default);
        Assert.Null(ran.Failure);
        Assert.Equal(0, budget.Slots.InUse);
    }

    [Fact]
    public void What_one_process_learns_of_a_kind_of_prediction_the_others_on_the_key_folder_poll_with()
    {
        var limits = new ServiceLimits();
        var first = new ServiceBudget(limits, _keyFolder);
        var second = new ServiceBudget(limits, _keyFolder);
        const string kind = "background-change|||";
        Assert.Null(second.Durations.Learned(kind));
        Assert.NotNull(second.Durations.WhenFirstLearned(kind));

        first.Durations.RecordFinished(kind, TimeSpan.FromSeconds(11.5), TimeSpan.FromSeconds(12.5));
        first.Durations.RecordFinished("edit|4k|quality|", TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(110));

        var learned = second.Durations.Learned(kind);
        Assert.NotNull(learned);
        Assert.Equal(1, learned!.Count);
        Assert.InRange(learned.Median.TotalSeconds, 11.5, 12.5);
        Assert.Null(second.Durations.WhenFirstLearned(kind));
        Assert.InRange(second.Durations.Learned("edit|4k|quality|")!.Median.TotalSeconds, 100, 110);
    }

    [Fact]
    public void Shared_durations_skip_torn_lines_and_forget_samples_older_than_an_hour()
    {
        Directory.CreateDirectory(_keyFolder);
        var hourAndMinuteAgo = (DateTime.UtcNow - TimeSpan.FromMinutes(61)).Ticks;
        File.WriteAllText(Path.Combine(_keyFolder, "durations.log"),
            $"{hourAndMinuteAgo} {TimeSpan.FromSeconds(50).Ticks} {TimeSpan.FromSeconds(60).Ticks} background-change|||\n" +
            "12345 not-a-number\n" +
            $"{DateTime.UtcNow.Ticks} {TimeSpan.FromSeconds(2).Ticks} {TimeSpan.FromSeconds(3).Ticks} background-change|||\n" +
            $"{DateTime.UtcNow.Ticks} 4");
        var budget = new ServiceBudget(new ServiceLimits(), _keyFolder);

        var learned = budget.Durations.Learned("background-change|||");

        Assert.Equal(1, learned!.Count);
        Assert.InRange(learned.Median.TotalSeconds, 2, 3);
    }

    /// <summary>flock(1) holding <paramref name="path"/> in a process of its own (and its child, which shares the lock), once it says it holds it.</summary>
    private static Process HoldPlace(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var start = new ProcessStartInfo("flock") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--nonblock", path, "sh", "-c", "echo held; exec sleep 300" }) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        Assert.Equal("held", process.StandardOutput.ReadLine());
        return process;
    }
}
