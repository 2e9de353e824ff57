using System.Diagnostics;
using System.Text.Json;

namespace Fashn.Bench;

/// <summary>
/// The emulator in a child process (dotnet Fashn.Emulator.dll), so that the CPU time and memory of this process are
/// the client's alone. Stopped on dispose (SIGTERM, then killed).
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    public const string ApiKey = "fa-emulator-devkey";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Process _process;
    private readonly HashSet<string> _warmUpIds = [];

    private EmulatorProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<EmulatorProcess> StartAsync(string emulatorDll, IEnumerable<string> options)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(emulatorDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var option in options) start.ArgumentList.Add(option);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            const string prefix = "FASHN emulator listening on ";
            if (e.Data != null && e.Data.StartsWith(prefix, StringComparison.Ordinal)) listening.TrySetResult(new Uri(e.Data[prefix.Length..].Trim() + "/"));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine(e.Data); };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The emulator exited: " + errors));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var winner = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (winner != listening.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The emulator did not say where it listens within 60 s.");
        }
        return new EmulatorProcess(process, await listening.Task);
    }

    /// <summary>
    /// A fresh emulator process pays JIT on its first renders and requests, which the real service never does. Two
    /// predictions straight over HTTP (not through the module, whose learned timings must start from nothing) warm it;
    /// then the rate windows are let empty, and the caller subtracts the stats taken afterwards.
    /// </summary>
    public async Task<EmulatorStats> WarmUpAsync(byte[] jpeg, TimeSpan longestWindow, TimeSpan pollInterval)
    {
        var body = "{\"model_name\":\"background-change\",\"inputs\":{\"image\":\"data:image/jpeg;base64," + Convert.ToBase64String(jpeg) + "\",\"prompt\":\"warm-up\"}}";
        async Task<string> Send(HttpMethod method, string path, string? content)
        {
            using var request = new HttpRequestMessage(method, new Uri(BaseUri, path));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
            if (content != null) request.Content = new StringContent(content, System.Text.Encoding.UTF8, "application/json");
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Emulator warm-up: {method} {path} answered {(int)response.StatusCode} {text}");
            return text;
        }
        // One after the other, so that the emulator's peak of running predictions stays the scenario's own.
        for (var i = 0; i < 2; i++)
        {
            var id = JsonDocument.Parse(await Send(HttpMethod.Post, "v1/run", body)).RootElement.GetProperty("id").GetString()!;
            _warmUpIds.Add(id);
            while (true)
            {
                var status = JsonDocument.Parse(await Send(HttpMethod.Get, "v1/status/" + id, null)).RootElement.GetProperty("status").GetString();
                if (status is "completed" or "failed") break;
                await Task.Delay(pollInterval);
            }
        }
        await Task.Delay(longestWindow + TimeSpan.FromMilliseconds(500));
        return await GetStatsAsync();
    }

    public async Task<EmulatorStats> GetStatsAsync()
    {
        var json = await Http.GetStringAsync(new Uri(BaseUri, "_emulator/stats"));
        return EmulatorStats.Parse(json);
    }

    /// <summary>The scenario's predictions on the emulator's timeline (the warm-up's left out).</summary>
    public async Task<List<TimelineEntry>> GetTimelineAsync() =>
        TimelineEntry.Parse(await Http.GetStringAsync(new Uri(BaseUri, "_emulator/predictions"))).Where(p => !_warmUpIds.Contains(p.Id)).ToList();

    public ValueTask DisposeAsync() => StopAsync(_process);

    /// <summary>
    /// Stops a child process of the bench as Ctrl+C would (SIGTERM on Unix, so the emulator deletes its temporary data
    /// folder), killed with its children if it has not ended within 10 s, and lets it go.
    /// </summary>
    public static async ValueTask StopAsync(Process process)
    {
        if (!process.HasExited && !OperatingSystem.IsWindows() && Terminate(process.Id, SignalTerminate) == 0)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                // Still running: killed below.
            }
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private const int SignalTerminate = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Terminate(int processId, int signal);
}

/// <summary>The figures the bench reads from GET /_emulator/stats.</summary>
internal sealed record EmulatorStats(
    int RunRequests, int StatusRequests, int Answers429, int Created, int Completed, int Failed, int PeakProcessing,
    int DistinctInputs, int InputsWithOnePrediction, long InputBytes, string Rejected)
{
    /// <summary>What happened after <paramref name="before"/> was taken (the emulator's counters only grow).</summary>
    public EmulatorStats Since(EmulatorStats? before) => before == null ? this : this with
    {
        RunRequests = RunRequests - before.RunRequests,
        StatusRequests = StatusRequests - before.StatusRequests,
        Answers429 = Answers429 - before.Answers429,
        Created = Created - before.Created,
        Completed = Completed - before.Completed,
        Failed = Failed - before.Failed,
        DistinctInputs = DistinctInputs - before.DistinctInputs,
        InputsWithOnePrediction = InputsWithOnePrediction - before.InputsWithOnePrediction,
        InputBytes = InputBytes - before.InputBytes,
    };

    public static EmulatorStats Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        int runs = 0, statuses = 0, answers429 = 0;
        foreach (var request in root.GetProperty("requests").EnumerateArray())
        {
            var path = request.GetProperty("path").GetString();
            var status = request.GetProperty("status").GetInt32();
            var count = request.GetProperty("count").GetInt32();
            if (path == "/v1/run") runs += count;
            if (path == "/v1/status/{id}") statuses += count;
            if (status == 429) answers429 += count;
        }
        var predictions = root.GetProperty("predictions");
        int distinct = 0, once = 0;
        long bytes = 0;
        foreach (var input in root.GetProperty("inputs").EnumerateArray())
        {
            distinct++;
            if (input.GetProperty("predictions").GetInt64() == 1) once++;
            if (input.TryGetProperty("bytes", out var b) && b.ValueKind == JsonValueKind.Number) bytes += b.GetInt64() * input.GetProperty("predictions").GetInt64();
        }
        var rejected = string.Join(" ", root.GetProperty("rejected").EnumerateObject().Where(p => p.Value.GetInt64() > 0).Select(p => $"{p.Name}={p.Value}"));
        return new EmulatorStats(runs, statuses, answers429,
            predictions.GetProperty("created").GetInt32(), predictions.GetProperty("completed").GetInt32(),
            predictions.GetProperty("failed").GetInt32(), predictions.GetProperty("peakProcessing").GetInt32(),
            distinct, once, bytes, rejected.Length == 0 ? "none" : rejected);
    }
}
