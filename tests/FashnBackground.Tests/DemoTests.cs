using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// The README's first command, `dotnet run --project src/Fashn.Demo`, run as the built demo with a home folder of its
/// own: it saves one new image per sample photo, keeps its journal next to its outputs and writes nothing into the
/// user's profile.
/// </summary>
public sealed class DemoTests
{
    private static string Configuration =>
        typeof(DemoTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    [Fact]
    public async Task DemoSavesAnImagePerSamplePhotoAndKeepsItsJournalOutOfTheUsersProfile()
    {
        using var folder = new TempFolder();
        var home = folder.Combine("home");
        var localAppData = Path.Combine(home, ".local", "share");
        var output = folder.Combine("demo-output");
        Directory.CreateDirectory(home);
        var demo = Path.Combine(ModuleLayout.RepositoryRoot, "src", "Fashn.Demo", "bin", Configuration, "net10.0", "Fashn.Demo.dll");
        Assert.True(File.Exists(demo), demo + " is not built (the test project builds it)");
        // Where a journal written without -JournalPath would go on Windows, which ignores HOME: it must not change.
        var windowsJournal = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "FashnBackground", "journal.jsonl")
            : null;
        var windowsJournalBefore = windowsJournal != null && File.Exists(windowsJournal) ? File.ReadAllBytes(windowsJournal) : null;

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { demo, "0.02", output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Path,
        };
        // The user's profile, as .NET finds LocalApplicationData on Linux (XDG_DATA_HOME) and macOS (HOME).
        start.Environment["HOME"] = home;
        start.Environment["XDG_DATA_HOME"] = localAppData;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The demo did not finish within 3 minutes:\n" + await stdout);
            }
        }
        var printed = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, $"The demo exited with {process.ExitCode}:\n{printed}");
        var saved = Directory.GetFiles(Path.Combine(output, "output")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(new[] { "backpack.png", "bottle.png", "handbag.png", "lamp.png", "mug.png", "sneaker.png" }, saved);
        Assert.All(saved, name => Assert.True(TestImages.Decodes(Path.Combine(output, "output", name!), out _, out _), name));
        Assert.Contains("6 new images in", printed);

        // Its journal is its own: one prediction per photo, each one the demo printed.
        var journal = Path.Combine(output, "journal.jsonl");
        Assert.True(File.Exists(journal), "The demo wrote no journal in " + output);
        var ids = File.ReadAllLines(journal).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).Distinct().ToList();
        Assert.Equal(6, ids.Count);
        Assert.All(ids, id => Assert.Contains(id, printed));
        Assert.False(Directory.Exists(Path.Combine(localAppData, "FashnBackground")), "The demo wrote into the user's LocalApplicationData/FashnBackground");
        if (windowsJournal != null)
        {
            var after = File.Exists(windowsJournal) ? File.ReadAllBytes(windowsJournal) : null;
            Assert.True(after == windowsJournalBefore || (after != null && windowsJournalBefore != null && after.AsSpan().SequenceEqual(windowsJournalBefore)),
                "The demo changed the user's journal " + windowsJournal);
        }
    }
}
