using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Fashn.Emulator;
using Fashn.Testing;

/// <summary>
/// How many status requests a second the emulator answers on this machine (issue 2 asks for a thousand), with the
/// limits raised, against a baseline measured in the same run: an unknown route, which ASP.NET answers 404 without
/// any emulator code. Also how much memory the process holds after thousands of predictions came and went.
/// </summary>
internal static class StatusLoad
{
    public static async Task RunAsync()
    {
        var options = new EmulatorOptions
        {
            TimeScale = 0.001, // predictions finish in 12 ms, outputs expire in minutes
            StatusLimit = int.MaxValue,
            RunLimit = int.MaxValue,
            ConcurrencyLimit = 1000,
            Credits = 1_000_000,
        };
        await using var server = await EmulatorServer.StartAsync(options);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.ApiKey);

        var ids = new List<string>();
        var image = Convert.ToBase64String(TestImages.PhotoLike(64, 48, SkiaSharp.SKEncodedImageFormat.Jpeg));
        for (var i = 0; i < 20; i++)
        {
            var body = $"{{\"model_name\":\"background-change\",\"inputs\":{{\"image\":\"data:image/jpeg;base64,{image}\",\"prompt\":\"studio\",\"seed\":{i}}}}}";
            using var run = await http.PostAsync("v1/run", new StringContent(body, Encoding.UTF8, "application/json"));
            ids.Add(JsonDocument.Parse(await run.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        }

        Console.WriteLine($"Emulator status load, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical cores, client and server in one process");
        Console.WriteLine($"{"requests",-36} {"clients",8} {"seconds",8} {"answered",9} {"per second",11} {"errors",7} {"p99 ms",8} {"x baseline",11}");
        var baseline = await LoadAsync(http, _ => "no/such/route", expected: HttpStatusCode.NotFound, clients: 16, seconds: 5);
        Print("baseline: unknown route (404)", baseline, baseline.PerSecond);
        var status = await LoadAsync(http, n => "v1/status/" + ids[(int)(n % ids.Count)], expected: HttpStatusCode.OK, clients: 16, seconds: 5);
        Print("GET /v1/status/{id}", status, baseline.PerSecond);

        // Memory after many predictions have come and gone: they are evicted after their (scaled) lifetime.
        var before = Process.GetCurrentProcess().WorkingSet64;
        var started = Stopwatch.StartNew();
        await Parallel.ForAsync(0, 3000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var body = $"{{\"model_name\":\"background-change\",\"inputs\":{{\"image\":\"data:image/jpeg;base64,{image}\",\"prompt\":\"studio\",\"seed\":{1000 + i}}}}}";
            using var run = await http.PostAsync("v1/run", new StringContent(body, Encoding.UTF8, "application/json"));
        });
        await Task.Delay(TimeSpan.FromSeconds(2));
        GC.Collect();
        var stats = JsonDocument.Parse(await http.GetStringAsync("_emulator/stats")).RootElement.GetProperty("predictions");
        Console.WriteLine();
        Console.WriteLine($"3000 predictions in {started.Elapsed.TotalSeconds:0.0} s: tracked afterwards {stats.GetProperty("tracked").GetInt64()}, " +
                          $"working set {before / 1048576} MB before, {Process.GetCurrentProcess().WorkingSet64 / 1048576} MB after, " +
                          $"data folder {Directory.GetFiles(server.DataDirectory, "*", SearchOption.AllDirectories).Length} files");
    }

    private sealed record LoadResult(int Clients, double Seconds, long Answered, long Errors, double P99)
    {
        public double PerSecond => Answered / Seconds;
    }

    private static void Print(string label, LoadResult result, double baselinePerSecond) =>
        Console.WriteLine($"{label,-36} {result.Clients,8} {result.Seconds,8:0.0} {result.Answered,9} {result.PerSecond,11:0} {result.Errors,7} {result.P99,8:0.0} {result.PerSecond / baselinePerSecond,11:0.00}");

    private static async Task<LoadResult> LoadAsync(HttpClient http, Func<long, string> path, HttpStatusCode expected, int clients, int seconds)
    {
        long answered = 0, errors = 0, counter = 0;
        var latencies = new List<double>();
        var until = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (until.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(path(Interlocked.Increment(ref counter)));
                    if (response.StatusCode == expected) Interlocked.Increment(ref answered); else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            lock (latencies) latencies.AddRange(mine);
        })));
        latencies.Sort();
        return new LoadResult(clients, until.Elapsed.TotalSeconds, answered, errors, latencies.Count == 0 ? 0 : latencies[(int)(latencies.Count * 0.99)]);
    }
}
