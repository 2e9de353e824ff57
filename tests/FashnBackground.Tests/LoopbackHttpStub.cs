using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FashnBackground.Tests;

/// <summary>
/// A tiny web server on a free loopback port for image URLs that misbehave: /page.html answers HTML,
/// /missing.jpg answers 404, /hang.jpg accepts the connection and never answers; and for a fake API whose answers
/// a test gives (<see cref="Answer"/>).
/// </summary>
public sealed class LoopbackHttpStub : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = new();
    private readonly Func<string, string, Answer?>? _answer;
    private readonly List<string> _requests = new();

    /// <param name="answer">Given the method and path, the answer; null leaves the request to the routes above.</param>
    public LoopbackHttpStub(Func<string, string, Answer?>? answer = null)
    {
        _answer = answer;
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    /// <summary>An answer of the fake API.</summary>
    public sealed record Answer(int Status, string ContentType, string Body);

    /// <summary>Every request so far, as "METHOD /path".</summary>
    public IReadOnlyList<string> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
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
        var head = request.ToString();
        var (method, path) = (head.Split(' ')[0], head.Split(' ')[1]);
        lock (_requests) _requests.Add(method + " " + path);
        var given = _answer?.Invoke(method, path);
        if (given != null)
        {
            await ReadBodyAsync(stream, head, buffer);
            await WriteAsync(stream, $"{given.Status} Fake", given.ContentType, given.Body);
            client.Dispose();
            return;
        }
        if (path.StartsWith("/hang"))
        {
            lock (_held) _held.Add(client); // never answered; closed when the stub is disposed
            return;
        }
        var (status, type, body) = path.StartsWith("/page")
            ? ("200 OK", "text/html; charset=utf-8", "<html><body>not an image</body></html>")
            : ("404 Not Found", "text/plain", "not found");
        await WriteAsync(stream, status, type, body);
        client.Dispose();
    }

    private static async Task WriteAsync(NetworkStream stream, string status, string type, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }

    /// <summary>Reads the rest of the request's body (its Content-Length), so that closing the connection does not reset it.</summary>
    private async Task ReadBodyAsync(NetworkStream stream, string received, byte[] buffer)
    {
        var headerEnd = received.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var lengthLine = received[..headerEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var remaining = (lengthLine == null ? 0 : long.Parse(lengthLine["Content-Length:".Length..].Trim())) - Encoding.ASCII.GetByteCount(received[headerEnd..]);
        while (remaining > 0)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0) return;
            remaining -= read;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) foreach (var client in _held) client.Dispose();
    }
}
