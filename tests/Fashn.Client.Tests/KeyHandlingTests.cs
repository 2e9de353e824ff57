using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Fashn.Client.Tests;

/// <summary>The key goes only in the Authorization header of requests to the configured API host.</summary>
public sealed class KeyHandlingTests
{
    /// <summary>A loopback server that answers every request with a fixed response and records the request heads.</summary>
    private sealed class RecordingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<string> _response;
        private readonly CancellationTokenSource _stop = new();

        public RecordingServer(Func<string> response)
        {
            _response = response;
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try { client = await _listener.AcceptTcpClientAsync(_stop.Token); } catch (Exception) { return; }
                    using (client)
                    {
                        var stream = client.GetStream();
                        var head = new StringBuilder();
                        var buffer = new byte[4096];
                        while (!head.ToString().Contains("\r\n\r\n"))
                        {
                            var read = await stream.ReadAsync(buffer);
                            if (read == 0) break;
                            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }
                        lock (Requests) Requests.Add(head.ToString());
                        await stream.WriteAsync(Encoding.Latin1.GetBytes(_response()));
                    }
                }
            });
        }

        public List<string> Requests { get; } = new();

        public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    [Fact]
    public async Task ARedirectToAnotherHostIsNotFollowedSoTheKeyStaysWithTheApi()
    {
        using var elsewhere = new RecordingServer(() => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        using var api = new RecordingServer(() =>
            $"HTTP/1.1 302 Found\r\nLocation: {elsewhere.BaseUri}v1/credits\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        // The default (shared) connection pool, as the cmdlets use it.
        var options = new FashnClientOptions(TestClients.Key, api.BaseUri) { MaxRetries = 0 };
        using var client = new FashnApiClient(options, new RequestWindows(options.Limits));

        var error = await Assert.ThrowsAsync<FashnException>(() => client.GetCreditsAsync(default));

        Assert.Single(api.Requests);
        Assert.Contains("Authorization: Bearer " + TestClients.Key, api.Requests[0]);
        Assert.Empty(elsewhere.Requests);
        Assert.DoesNotContain(TestClients.Key, error.ToString());
    }

    [Fact]
    public async Task DownloadsNeverCarryTheKey()
    {
        using var api = new RecordingServer(() => "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 8\r\nConnection: close\r\n\r\n\u0089PNG\r\n\u001a\n");
        var saver = new OutputSaver(api.BaseUri, 1024, TimeSpan.FromSeconds(5));
        var folder = Directory.CreateTempSubdirectory("fashn-key-").FullName;
        try
        {
            await saver.SaveAsync(api.BaseUri + "cdn/p1/output_0.png", Path.Combine(folder, "a.png"), false, default);

            var request = Assert.Single(api.Requests);
            Assert.DoesNotContain("Authorization", request, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
