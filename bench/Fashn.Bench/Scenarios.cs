using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;

namespace Fashn.Bench;

/// <summary>What one scenario measured. CPU and memory are the client's (the emulator runs in another process).</summary>
internal sealed record ScenarioResult(
    string Name, int Images, TimeSpan Makespan, TimeSpan Ideal, int Completed, int NotCompleted, string Failures,
    EmulatorStats Stats, TimeSpan ClientCpu, long PeakMemoryBytes, long PeakMemoryGrowthBytes)
{
    public double MakespanOverIdeal => Makespan / Ideal;
    public double StatusPerPrediction => Stats.Created == 0 ? 0 : (double)Stats.StatusRequests / Stats.Created;
    public double CpuMsPerImage => ClientCpu.TotalMilliseconds / Images;
    public double GrowthKiBPerImage => PeakMemoryGrowthBytes / 1024.0 / Images;

    /// <summary>How busy the key's places were, from the emulator's timeline (the scenarios of issue 14).</summary>
    public PlaceUse? Places { get; init; }

    /// <summary>The issue's goal for the scenario and whether it was met, or empty.</summary>
    public string Goal { get; init; } = "";

    /// <summary>The figures every scenario prints; <paramref name="cpuOf"/> says whose CPU and memory they are (for pwsh
    /// processes: their pipelines' CPU summed, the largest process's peak).</summary>
    public string Describe(string cpuOf = "client") =>
        $"{Makespan.TotalSeconds:0.00} s (ideal {Ideal.TotalSeconds:0.0} s, x{MakespanOverIdeal:0.000}); {Stats.RunRequests} runs, " +
        $"{Stats.StatusRequests} status ({StatusPerPrediction:0.00}/prediction), 429: {Stats.Answers429} ({Stats.Rejected}); " +
        $"completed {Completed}/{Images}{(Failures.Length > 0 ? " [" + Failures + "]" : "")}; one prediction per image: {Stats.InputsWithOnePrediction}/{Images}; " +
        $"peak running {Stats.PeakProcessing}; {cpuOf} CPU {CpuMsPerImage:0.0} ms/image; {cpuOf} peak working set {PeakMemoryBytes / 1048576.0:0} MB " +
        $"(+{PeakMemoryGrowthBytes / 1048576.0:0.0} MB, {GrowthKiBPerImage:0.0} KiB/image)";

    /// <summary>"goal {label} &lt;= {limit}: met", or by how much it was missed.</summary>
    public static string AtMost(string label, double value, double limit, string unit = "") =>
        $"goal {label} <= {limit:0.###}{unit}: " + (value <= limit ? $"met ({value:0.###}{unit})" : $"missed by {value - limit:0.###}{unit} ({(value / limit - 1) * 100:0.#} %)");

    public static string AtLeast(string label, double value, double limit) =>
        $"goal {label} >= {limit:0.###}: " + (value >= limit ? $"met ({value:0.###})" : $"missed by {limit - value:0.###} ({(1 - value / limit) * 100:0.#} %)");
}

/// <summary>The module's real cmdlet pipeline in a hosted PowerShell engine, the staged module imported through its manifest.</summary>
internal sealed class ModuleHost : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleHost(string manifest)
    {
        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript("Import-Module $args[0]").AddArgument(manifest);
        ps.Invoke();
        if (ps.HadErrors) throw new InvalidOperationException("The module did not import: " + string.Join("; ", ps.Streams.Error));
    }

    /// <summary>Runs the pipeline over the files; returns the makespan, the results' statuses and their timeline.</summary>
    public (TimeSpan makespan, int completed, int notCompleted, string failures, Timeline timeline) Run(
        IReadOnlyList<string> files, Uri baseUri, string apiKey, int throttleLimit, bool noResize)
    {
        // What a user types; progress is silenced because a hosted engine without a UI would keep every record in memory.
        const string script = """
            param($Paths, $BaseUri, $ApiKey, $ThrottleLimit, $NoResize)
            $ProgressPreference = 'SilentlyContinue'
            $files = foreach ($p in $Paths) { [System.IO.FileInfo]::new($p) }
            $files | Invoke-FashnBackgroundChange -Prompt 'studio backdrop' -Wait -NoJournal -ApiKey $ApiKey -BaseUri $BaseUri -ThrottleLimit $ThrottleLimit -NoResize:$NoResize |
                ForEach-Object {
                    $state = if ($_.Status -eq 'completed') { 'completed' } else { "$($_.Status) $($_.ErrorName)" }
                    '{0}|{1}|{2}' -f $state, $_.SubmittedAt.ToUnixTimeMilliseconds(), $_.CompletedAt.ToUnixTimeMilliseconds()
                }
            """;
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script)
            .AddParameter("Paths", files.ToArray())
            .AddParameter("BaseUri", baseUri.AbsoluteUri)
            .AddParameter("ApiKey", apiKey)
            .AddParameter("ThrottleLimit", throttleLimit)
            .AddParameter("NoResize", noResize);
        var watch = Stopwatch.StartNew();
        var output = ps.Invoke();
        watch.Stop();
        var lines = output.Select(o => (o.BaseObject as string ?? "").Split('|')).ToList();
        var statuses = lines.Select(l => l[0]).ToList();
        var timeline = Timeline.From(lines.Where(l => l.Length == 3 && l[0] == "completed")
            .Select(l => (long.Parse(l[1]), long.Parse(l[2]))).ToList(), throttleLimit);
        var completed = statuses.Count(s => s == "completed");
        var failures = statuses.Where(s => s != "completed")
            .Concat(ps.Streams.Error.Select(e => "error " + e.FullyQualifiedErrorId))
            .GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}");
        return (watch.Elapsed, completed, files.Count - completed, string.Join(", ", failures), timeline);
    }

    public void Dispose() => _runspace.Dispose();
}

/// <summary>
/// Where the time between the ideal and the makespan goes, from the results' own timestamps: how long after its
/// submission each prediction was seen finished, and how long a place stood empty between a prediction seen
/// finished and the next submission (the k-th submission after the first <c>width</c> reuses the k-th freed place).
/// </summary>
internal sealed record Timeline(double MeanSeenAfterSeconds, double MaxSeenAfterSeconds, double MeanRefillSeconds, double MaxRefillSeconds)
{
    public static Timeline From(IReadOnlyList<(long submittedMs, long finishedMs)> predictions, int width)
    {
        if (predictions.Count == 0) return new Timeline(0, 0, 0, 0);
        var seen = predictions.Select(p => (p.finishedMs - p.submittedMs) / 1000.0).ToList();
        var submissions = predictions.Select(p => p.submittedMs).Order().ToList();
        var finishes = predictions.Select(p => p.finishedMs).Order().ToList();
        var refills = new List<double>();
        for (var i = width; i < submissions.Count; i++) refills.Add((submissions[i] - finishes[i - width]) / 1000.0);
        return new Timeline(seen.Average(), seen.Max(), refills.Count > 0 ? refills.Average() : 0, refills.Count > 0 ? refills.Max() : 0);
    }
}

/// <summary>FASHN's TypeScript SDK (bench/sdk-baseline/run.mjs) in node; it reports its own CPU time and peak RSS.</summary>
internal static class SdkBaseline
{
    public sealed record Report(double MakespanSeconds, int Completed, int Failed, int Thrown, Dictionary<string, int> Errors, double CpuSeconds, long PeakRssBytes);

    public static async Task<Report> RunAsync(string sdkFolder, string mode, string imageFolder, int count, int pollMs, Uri baseUri, string apiKey)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = sdkFolder };
        foreach (var a in new[] { "run.mjs", "--mode", mode, "--images", imageFolder, "--n", count.ToString(), "--poll-ms", pollMs.ToString() }) start.ArgumentList.Add(a);
        start.Environment["FASHN_BASE_URL"] = baseUri.AbsoluteUri.TrimEnd('/');
        start.Environment["FASHN_API_KEY"] = apiKey;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || line == null)
        {
            throw new InvalidOperationException($"node run.mjs exited with {process.ExitCode}: {await stderr}");
        }
        return JsonSerializer.Deserialize<Report>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("node printed no report");
    }
}
