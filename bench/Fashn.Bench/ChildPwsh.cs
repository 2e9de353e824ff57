using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Fashn.Bench;

/// <summary>
/// A fresh real pwsh (7.6.9 from the local tool manifest: <c>dotnet pwsh.dll</c> from the NuGet cache, as
/// <c>dotnet tool run pwsh</c> starts it) running ChildBatch.ps1 on its own files, with its own HOME and TMPDIR
/// (a "user"): processes given the same home are one user on one machine, processes given different homes can see
/// nothing of each other but the service. The script reports its moments, CPU time and memory itself.
/// </summary>
internal sealed class ChildPwsh : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, string> _report = [];
    private readonly System.Text.StringBuilder _errors = new();

    private ChildPwsh(Process process, DateTime startedAt, int images)
    {
        _process = process;
        StartedAt = startedAt;
        Images = images;
    }

    /// <summary>UTC, taken just before the process was started.</summary>
    public DateTime StartedAt { get; }

    public int Images { get; }

    public static ChildPwsh Start(string root, string manifest, IReadOnlyList<string> files, Uri baseUri, string home, bool waitForGo)
    {
        var temp = Path.Combine(home, "tmp");
        Directory.CreateDirectory(temp);
        var fileList = Path.Combine(temp, $"files-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(fileList, files);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     PwshAssembly(root), "-NoProfile", "-NonInteractive", "-File", Path.Combine(AppContext.BaseDirectory, "ChildBatch.ps1"),
                     "-Manifest", manifest, "-FileList", fileList, "-BaseUri", baseUri.AbsoluteUri, "-ApiKey", EmulatorProcess.ApiKey,
                 }) start.ArgumentList.Add(argument);
        if (waitForGo) start.ArgumentList.Add("-WaitForGo");
        // Everything per user in the bench's folder: the journal, PowerShell's caches, the key's machine-wide places.
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home, ["DOTNET_CLI_HOME"] = home, ["TMPDIR"] = temp,
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"), ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"), ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["POWERSHELL_TELEMETRY_OPTOUT"] = "1", ["POWERSHELL_UPDATECHECK"] = "Off",
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        // The bench's own keys folder is not theirs: the key's places are found through HOME, as for a user.
        start.Environment.Remove("FASHN_KEYS_FOLDER");
        var startedAt = DateTime.UtcNow;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet pwsh.dll did not start");
        var child = new ChildPwsh(process, startedAt, files.Count);
        process.OutputDataReceived += (_, e) => child.Read(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (child._errors) child._errors.AppendLine(e.Data); };
        process.Exited += (_, _) => child._ready.TrySetException(new InvalidOperationException($"pwsh exited before it was ready: {child.Errors()}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!waitForGo) process.StandardInput.Close();
        return child;
    }

    /// <summary>Done when the module is imported and the script waits for <see cref="Go"/>.</summary>
    public Task Ready => _ready.Task;

    public void Go()
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Close();
    }

    public async Task<ChildReport> FinishAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pwsh ran longer than {timeout.TotalSeconds:0} s: {Errors()}");
        }
        _process.WaitForExit(); // the redirected output is read to its end
        lock (_report)
        {
            if (_process.ExitCode != 0 || !_report.ContainsKey("pipelineEnd")) throw new InvalidOperationException($"pwsh exited with {_process.ExitCode}: {Errors()}");
            DateTime Moment(string name) => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(_report[name], CultureInfo.InvariantCulture)).UtcDateTime;
            double Number(string name) => double.Parse(_report[name], CultureInfo.InvariantCulture);
            return new ChildReport(StartedAt, Moment("importStart"), Moment("pipelineStart"), Moment("pipelineEnd"), Images, (int)Number("completed"), _report["failures"],
                TimeSpan.FromMilliseconds(Number("cpuAfterMs") - Number("cpuBeforeMs")), TimeSpan.FromMilliseconds(Number("cpuAfterMs")),
                (long)Number("peakWorkingSet"), (long)Number("workingSetBefore"));
        }
    }

    private void Read(string? line)
    {
        var equals = line?.IndexOf('=') ?? -1;
        if (line == null || equals < 1) return;
        lock (_report) _report[line[..equals]] = line[(equals + 1)..];
        if (line.StartsWith("ready=", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private string Errors()
    {
        lock (_errors) return _errors.ToString();
    }

    /// <summary>pwsh.dll of the version the tool manifest names, where <c>dotnet tool restore</c> put it.</summary>
    private static string PwshAssembly(string root)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, ".config", "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", OperatingSystem.IsWindows() ? "win" : "unix", "pwsh.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"pwsh {version} is not restored: run 'dotnet tool restore' in {root}.", path);
    }

    public ValueTask DisposeAsync() => EmulatorProcess.StopAsync(_process);
}

/// <summary>What one pwsh reported: its moments (UTC), results, the pipeline's CPU and the whole process's, its memory.</summary>
internal sealed record ChildReport(
    DateTime ProcessStart, DateTime ImportStart, DateTime PipelineStart, DateTime PipelineEnd, int Images, int Completed, string Failures,
    TimeSpan PipelineCpu, TimeSpan ProcessCpu, long PeakWorkingSet, long WorkingSetBeforePipeline);
