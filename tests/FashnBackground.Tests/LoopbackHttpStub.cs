using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FashnBackground.Tests;

/// <summary>
/// A tiny web server on a free loopback port for image URLs that misbehave: /page.html answers HTML,
/// /missing.jpg answers 404, /hang.jpg accepts the connection and never answers.
/// </summary>
public sealed class LoopbackHttpStub : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = new();

    public LoopbackHttpStub()
    {
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{path}");

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
        var stream = client.GetStream();
        var buffer = new byte[8192];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0) return;
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var path = request.ToString().Split(' ')[1];
        if (path.StartsWith("/hang"))
        {
            lock (_held) _held.Add(client); // never answered; closed when the stub is disposed
            return;
        }
        var (status, type, body) = path.StartsWith("/page")
            ? ("200 OK", "text/html; charset=utf-8", "<html><body>not an image</body></html>")
            : ("404 Not Found", "text/plain", "not found");
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
        client.Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) foreach (var client in _held) client.Dispose();
    }
}
