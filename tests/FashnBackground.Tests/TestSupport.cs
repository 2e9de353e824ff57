using System.Net.Http.Json;
using System.Text.Json;
using Fashn.Emulator;

namespace FashnBackground.Tests;

/// <summary>A folder that is removed after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fashn-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Starts the emulator on a free loopback port with everything ten to a hundred times faster.</summary>
public static class Emulators
{
    public const string ApiKey = "fa-test-0123456789-abcdefabcdef";

    public static Task<EmulatorServer> StartFastAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            ApiKey = ApiKey,
            ProcessingSeconds = 12,
            TimeScale = 0.02,
            Credits = 100_000,
        };
        configure?.Invoke(options);
        return EmulatorServer.StartAsync(options);
    }

    public static async Task<JsonElement> StatsAsync(EmulatorServer emulator)
    {
        using var http = new HttpClient();
        var json = await http.GetFromJsonAsync<JsonElement>(new Uri(emulator.BaseUri, "_emulator/stats"));
        return json;
    }

    /// <summary>Requests answered for one method and path template, by status code.</summary>
    public static int RequestCount(JsonElement stats, string method, string path, int? status = null) =>
        stats.GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() == method && r.GetProperty("path").GetString() == path &&
                        (status == null || r.GetProperty("status").GetInt32() == status))
            .Sum(r => r.GetProperty("count").GetInt32());
}
