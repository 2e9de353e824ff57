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

    /// <summary>Runs the pipeline over the files; returns the makespan and the results' statuses.</summary>
    public (TimeSpan makespan, int completed, int notCompleted, string failures) Run(
        IReadOnlyList<string> files, Uri baseUri, string apiKey, int throttleLimit, bool noResize)
    {
        // What a user types; progress is silenced because a hosted engine without a UI would keep every record in memory.
        const string script = """
            param($Paths, $BaseUri, $ApiKey, $ThrottleLimit, $NoResize)
            $ProgressPreference = 'SilentlyContinue'
            $files = foreach ($p in $Paths) { [System.IO.FileInfo]::new($p) }
            $files | Invoke-FashnBackgroundChange -Prompt 'studio backdrop' -Wait -NoJournal -ApiKey $ApiKey -BaseUri $BaseUri -ThrottleLimit $ThrottleLimit -NoResize:$NoResize |
                ForEach-Object { if ($_.Status -eq 'completed') { 'completed' } else { "$($_.Status) $($_.ErrorName)" } }
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
        var statuses = output.Select(o => o.BaseObject as string ?? "").ToList();
        var completed = statuses.Count(s => s == "completed");
        var failures = statuses.Where(s => s != "completed")
            .Concat(ps.Streams.Error.Select(e => "error " + e.FullyQualifiedErrorId))
            .GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}");
        return (watch.Elapsed, completed, files.Count - completed, string.Join(", ", failures));
    }

    public void Dispose() => _runspace.Dispose();
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
