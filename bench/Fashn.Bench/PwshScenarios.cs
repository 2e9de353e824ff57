namespace Fashn.Bench;

/// <summary>
/// The scenarios of issue 14 that run real pwsh processes (ChildPwsh) against one emulator with fixed times, so that
/// ceil(N/6) x the per-image time is a true lower bound: several processes on one key, and a cold start.
/// </summary>
internal sealed class PwshScenarios(BenchSettings settings)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private bool _warm;

    /// <summary>
    /// Several pwsh processes on one key and one emulator, each with its own images (disjoint), started together:
    /// each imports the module, says it is ready, and all are let go at once. <paramref name="oneUser"/>: one HOME and
    /// TMPDIR for all (one user on one machine); otherwise each its own ("machines" that see nothing of each other).
    /// </summary>
    public async Task<ScenarioResult> RunProcessesAsync(string title, int processes, int imagesEach, bool oneUser, double goal)
    {
        Console.WriteLine($"-- {title} ...");
        await WarmDiskCacheAsync();
        var (emulator, warmed) = await settings.StartEmulatorAsync(settings.EmulatorOptions());
        await using var _ = emulator;
        using var work = new BenchFolder();
        var children = new List<ChildPwsh>();
        try
        {
            for (var p = 0; p < processes; p++)
            {
                var home = Path.Combine(work.Path, oneUser ? "user" : $"machine-{p + 1}");
                children.Add(ChildPwsh.Start(settings.Root, settings.Manifest, settings.SmallImages.Skip(p * imagesEach).Take(imagesEach).ToList(), emulator.BaseUri, home, waitForGo: true));
            }
            await Task.WhenAll(children.Select(c => c.Ready)).WaitAsync(Timeout);
            var go = DateTime.UtcNow;
            foreach (var child in children) child.Go();
            var reports = await Task.WhenAll(children.Select(c => c.FinishAsync(Timeout)));
            var n = processes * imagesEach;
            var result = await ResultAsync(title, n, reports.Max(r => r.PipelineEnd) - go, reports, emulator, warmed);
            result = result with { Goal = ScenarioResult.AtMost("/ideal", result.MakespanOverIdeal, goal) + (oneUser ? $"; 429: {result.Stats.Answers429} (goal 0)" : "") };
            Console.WriteLine($"   {result.Describe("pwsh")}");
            for (var p = 0; p < reports.Length; p++)
            {
                var r = reports[p];
                Console.WriteLine($"   process {p + 1}: pipeline {(r.PipelineEnd - r.PipelineStart).TotalSeconds:0.00} s (started {(r.PipelineStart - go).TotalMilliseconds:0} ms after the go), " +
                                  $"completed {r.Completed}/{r.Images}{(r.Failures.Length > 0 ? " [" + r.Failures + "]" : "")}; pipeline CPU {r.PipelineCpu.TotalMilliseconds / r.Images:0.0} ms/image, " +
                                  $"process CPU {r.ProcessCpu.TotalSeconds:0.00} s in all; peak RSS {r.PeakWorkingSet / 1048576.0:0} MB");
            }
            Console.WriteLine($"   {result.Places!.Describe()}");
            Console.WriteLine($"   {result.Goal}");
            return result;
        }
        finally
        {
            foreach (var child in children) await child.DisposeAsync();
        }
    }

    /// <summary>
    /// A fresh pwsh: <c>Import-Module</c> of the staged manifest, then the pipeline over <paramref name="n"/> images.
    /// The first run request is the first creation on the emulator's timeline; the makespan is the pipeline's.
    /// </summary>
    public async Task<ScenarioResult> RunColdStartAsync(int n)
    {
        var title = $"cold start, fresh pwsh, N={n}";
        Console.WriteLine($"-- {title} ...");
        await WarmDiskCacheAsync();
        var (emulator, warmed) = await settings.StartEmulatorAsync(settings.EmulatorOptions());
        await using var _ = emulator;
        using var work = new BenchFolder();
        await using var child = ChildPwsh.Start(settings.Root, settings.Manifest, settings.SmallImages.Take(n).ToList(), emulator.BaseUri, work.Path, waitForGo: false);
        var report = await child.FinishAsync(Timeout);
        var result = await ResultAsync(title, n, report.PipelineEnd - report.PipelineStart, [report], emulator, warmed);
        var firstRun = result.Places!.FirstCreated;
        var afterPipeline = Math.Round((firstRun - report.PipelineStart).TotalMilliseconds);
        result = result with
        {
            Goal = ScenarioResult.AtMost("/ideal", result.MakespanOverIdeal, 1.08) + "; " + ScenarioResult.AtMost("first run after the pipeline's start", afterPipeline, 200, " ms"),
        };
        Console.WriteLine($"   {result.Describe("pwsh")}");
        Console.WriteLine($"   first run request {(firstRun - report.ProcessStart).TotalMilliseconds:0} ms after the process started, " +
                          $"{(firstRun - report.ImportStart).TotalMilliseconds:0} ms after Import-Module started, {afterPipeline:0} ms after the pipeline started " +
                          $"(Import-Module took {(report.PipelineStart - report.ImportStart).TotalMilliseconds:0} ms); from the process start to the last result " +
                          $"{(report.PipelineEnd - report.ProcessStart).TotalSeconds:0.00} s; process CPU {report.ProcessCpu.TotalSeconds:0.00} s in all");
        Console.WriteLine($"   {result.Places.Describe()}");
        Console.WriteLine($"   {result.Goal}");
        return result;
    }

    /// <summary>The figures of child processes: the emulator's counters and timeline, the pipelines' own CPU and memory.</summary>
    private async Task<ScenarioResult> ResultAsync(string title, int n, TimeSpan makespan, IReadOnlyList<ChildReport> reports, EmulatorProcess emulator, EmulatorStats warmed)
    {
        var stats = (await emulator.GetStatsAsync()).Since(warmed);
        // Each process reports "name xN, ..."; summed over the processes.
        var failures = string.Join(", ", reports.SelectMany(r => r.Failures.Split(", ", StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (name: f[..f.LastIndexOf(" x", StringComparison.Ordinal)], count: int.Parse(f[(f.LastIndexOf(" x", StringComparison.Ordinal) + 2)..])))
            .GroupBy(f => f.name).Select(g => $"{g.Key} x{g.Sum(f => f.count)}"));
        var completed = reports.Sum(r => r.Completed);
        return new ScenarioResult(title, n, makespan, settings.Ideal(n), completed, n - completed, failures, stats,
            TimeSpan.FromTicks(reports.Sum(r => r.PipelineCpu.Ticks)), reports.Max(r => r.PeakWorkingSet),
            reports.Max(r => r.PeakWorkingSet - r.WorkingSetBeforePipeline))
        {
            Places = PlaceUse.From(await emulator.GetTimelineAsync()),
        };
    }

    /// <summary>A machine that has run pwsh before: one pwsh that imports the module (no images), not reported.</summary>
    private async Task WarmDiskCacheAsync()
    {
        if (_warm) return;
        using var work = new BenchFolder();
        await using var child = ChildPwsh.Start(settings.Root, settings.Manifest, [], new Uri("http://127.0.0.1:9/"), work.Path, waitForGo: false);
        await child.FinishAsync(Timeout);
        _warm = true;
    }
}

/// <summary>A temporary folder for child processes' homes, deleted with everything in it.</summary>
internal sealed class BenchFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fashn-bench-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
