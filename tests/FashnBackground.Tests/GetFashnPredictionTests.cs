using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>Get-FashnPrediction: collecting predictions by id, at most -ThrottleLimit at once.</summary>
public sealed class GetFashnPredictionTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private PowerShellHost NewHost() => new(_emulator.BaseUri, Emulators.ApiKey);

    [Fact]
    public void GetFashnPredictionCollectsSubmittedPredictionsAndSavesThemNamedAfterTheirSource()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 3).Select(i => TestImages.WriteJpeg(folder.Combine($"item{i}.jpg"), variant: i)).ToArray();
        using var host = NewHost();

        var result = host.Invoke(
            "$submitted = Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio'; " +
            "$submitted | Get-FashnPrediction -Wait | Save-FashnOutput -Destination $args[1]", files, folder.Combine("out"));

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "item0.png", "item1.png", "item2.png" }, result.Output.Select(o => ((FileInfo)o.BaseObject).Name).Order());
    }

    [Fact]
    public void GetFashnPredictionOfAnUnknownIdIsObjectNotFound()
    {
        using var host = NewHost();

        var result = host.Invoke("Get-FashnPrediction -Id 'no-such-prediction-123'");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.NotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("no-such-prediction-123", error.TargetObject);
    }

    [Fact]
    public void ThrottleLimitBoundsHowManyPredictionsAreFetchedAtOnce()
    {
        // The stub holds each status request until more than two are open at once, or for a while: without the
        // throttle all six would be open together.
        using var service = new HeldStatusService(holdUntilOpen: 3);
        using var host = new PowerShellHost(service.BaseUri, Emulators.ApiKey);
        var ids = Enumerable.Range(1, 6).Select(i => "p" + i).ToArray();

        var result = host.Invoke("Get-FashnPrediction -Id $args[0] -ThrottleLimit 2 -Wait", (object)ids);

        Assert.Empty(result.Errors);
        Assert.Equal(ids, result.Output.Select(o => (string)o.Properties["Id"].Value).Order());
        Assert.Equal(6, service.Requests);
        Assert.True(service.MostOpenAtOnce <= 2, $"{service.MostOpenAtOnce} status requests were open at once");
    }

    /// <summary>
    /// GET /v1/status/{id} on a free loopback port, answering "completed"; each request is held until
    /// <c>holdUntilOpen</c> requests are open at once or 300 ms have passed, and the most open at once is counted.
    /// </summary>
    private sealed class HeldStatusService : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly int _holdUntilOpen;
        private readonly object _gate = new();
        private TaskCompletionSource _crowded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _open;

        public HeldStatusService(int holdUntilOpen)
        {
            _holdUntilOpen = holdUntilOpen;
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }

        public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public int Requests { get; private set; }

        public int MostOpenAtOnce { get; private set; }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = Task.Run(() => AnswerAsync(client));
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var request = new StringBuilder();
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                var id = request.ToString().Split(' ')[1].Split('/').Last();
                Task crowded;
                lock (_gate)
                {
                    Requests++;
                    _open++;
                    MostOpenAtOnce = Math.Max(MostOpenAtOnce, _open);
                    if (_open >= _holdUntilOpen) _crowded.TrySetResult();
                    crowded = _crowded.Task;
                }
                await Task.WhenAny(crowded, Task.Delay(300, _stop.Token));
                var body = $"{{\"id\":\"{id}\",\"status\":\"completed\",\"output\":[\"https://cdn.fashn.ai/{id}/output_0.png\"]}}";
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                lock (_gate) _open--;
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head + body));
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
