using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit;

namespace Fashn.Client.Tests;

/// <summary>
/// Two processes on one journal at once, as two pwsh windows running batches are: each is a real process
/// (tests/Fashn.JournalWriter) writing through the client core, started together. Whatever the timing, no entry
/// is lost and every line stays whole.
/// </summary>
public sealed class JournalAcrossProcessesTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "fashn-journal-" + Guid.NewGuid().ToString("N")[..10])).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string JournalPath => Path.Combine(_folder, "journal.jsonl");

    [Fact]
    public async Task TwoProcessesAppendingAtOnceKeepEveryLineWhole()
    {
        await RunTogetherAsync(["append", JournalPath, "3000", "left"], ["append", JournalPath, "3000", "right"]);

        var lines = File.ReadAllLines(JournalPath);
        var keys = lines.Select(KeyOf).ToList();
        Assert.DoesNotContain(null, keys);
        Assert.Equal(6000, lines.Length);
        var expected = Enumerable.Range(0, 3000).SelectMany(i => new[] { $"left-{i}", $"right-{i}" }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwoProcessesOpeningALargeJournalAtOnceLoseNoEntry()
    {
        // Over 1 MiB, so that opening it tidies it: what about 2,000 predictions of the default journal come to.
        const int entries = 12_000;
        WriteRecentEntries(JournalPath, entries);
        Assert.True(new FileInfo(JournalPath).Length > 1024 * 1024);

        await RunTogetherAsync(["open", JournalPath, "first"], ["open", JournalPath, "second"]);

        var journal = new PredictionJournal(JournalPath);
        Assert.All(Enumerable.Range(0, entries), i => Assert.Equal($"id-{i}", journal.Find($"key-{i}")?.Id));
        Assert.Equal("first-id", journal.Find("first")?.Id);
        Assert.Equal("second-id", journal.Find("second")?.Id);
        Assert.DoesNotContain(Directory.GetFiles(_folder), file => file.EndsWith(".compact", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWriterKilledWhileAppendingLeavesNoLockBehindAndLosesNoEarlierLine()
    {
        using var writer = StartWriter(["append", JournalPath, "1000000", "killed"]);
        Assert.Equal("ready", await writer.StandardOutput.ReadLineAsync());
        await writer.StandardInput.WriteLineAsync("go");
        await writer.StandardInput.FlushAsync();
        // It says when it has recorded 100, then goes on.
        Assert.Equal("recorded 100", await writer.StandardOutput.ReadLineAsync());

        writer.Kill();
        await writer.WaitForExitAsync();

        // The killed process may have held the journal's lock: the OS dropped it, so this opens and writes at once.
        var journal = new PredictionJournal(JournalPath);
        journal.RecordSubmitted("after", "after-id", "/photos/after.png");
        var lines = File.ReadAllLines(JournalPath);
        var keys = lines.Select(KeyOf).ToList();
        // Every line whole, but for at most the one the kill cut short; the one written after it is on a line of its own.
        Assert.True(keys.Count(key => key == null) <= 1, string.Join("\n", lines.Where(line => KeyOf(line) == null)));
        Assert.Equal("after", keys[^1]);
        var written = keys.Where(key => key != null && key.StartsWith("killed-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, written.Count).Select(i => $"killed-{i}"), written);
        Assert.Equal("killed-id-0", journal.Find("killed-0")?.Id);
        Assert.Equal("after-id", new PredictionJournal(JournalPath).Find("after")?.Id);
    }

    private static void WriteRecentEntries(string path, int count)
    {
        var submittedAt = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("o");
        using var writer = new StreamWriter(path);
        for (var i = 0; i < count; i++)
        {
            writer.Write(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["key"] = $"key-{i}", ["id"] = $"id-{i}", ["source"] = $"/photos/batch/IMG_{i:00000}.jpg", ["status"] = "completed", ["submittedAt"] = submittedAt,
            }) + "\n");
        }
    }

    private static string? KeyOf(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(line)?.GetValueOrDefault("key");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Starts two journal writers, lets both start up, then tells both to go at once; both must succeed.</summary>
    private async Task RunTogetherAsync(string[] first, string[] second)
    {
        using var one = StartWriter(first);
        using var two = StartWriter(second);
        Assert.Equal("ready", await one.StandardOutput.ReadLineAsync());
        Assert.Equal("ready", await two.StandardOutput.ReadLineAsync());
        await one.StandardInput.WriteLineAsync("go");
        await two.StandardInput.WriteLineAsync("go");
        await one.StandardInput.FlushAsync();
        await two.StandardInput.FlushAsync();
        foreach (var writer in new[] { one, two })
        {
            var output = writer.StandardOutput.ReadToEndAsync();
            var errors = writer.StandardError.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await writer.WaitForExitAsync(bound.Token);
            Assert.True(writer.ExitCode == 0, $"the journal writer exited with {writer.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    private Process StartWriter(string[] arguments)
    {
        var configuration = typeof(JournalAcrossProcessesTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var dll = Path.Combine(RepositoryRoot, "tests", "Fashn.JournalWriter", "bin", configuration, "net10.0", "Fashn.JournalWriter.dll");
        Assert.True(File.Exists(dll), dll + " is not built");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Fashn.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException("The repository root (Fashn.sln) was not found above " + AppContext.BaseDirectory);
    }
}
