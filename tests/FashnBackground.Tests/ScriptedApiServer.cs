using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FashnBackground.Tests;

/// <summary>
/// A fake FASHN API on a free loopback port that answers each request from a script (method, path, how many requests
/// came before): for what the emulator does not do on purpose, such as absurd headers. Stopped when disposed.
/// </summary>
public sealed class ScriptedApiServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, string, int, Answer> _script;
    private int _count;

    public sealed record Answer(int Status, string Body, params (string Name, string Value)[] Headers);

    public ScriptedApiServer(Func<string, string, int, Answer> script)
    {
        _script = script;
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public List<string> Requests { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[65536];
            var received = new StringBuilder();
            try
            {
                while (true)
                {
                    var headEnd = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (headEnd >= 0)
                    {
                        var head = received.ToString(0, headEnd);
                        var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                            .Select(l => int.Parse(l.Substring(15).Trim())).FirstOrDefault();
                        if (received.Length >= headEnd + 4 + length)
                        {
                            received.Remove(0, headEnd + 4 + length);
                            var parts = head.Split(' ');
                            int n;
                            lock (Requests)
                            {
                                Requests.Add(parts[0] + " " + parts[1]);
                                n = ++_count;
                            }
                            var answer = _script(parts[0], parts[1], n);
                            var body = Encoding.UTF8.GetBytes(answer.Body);
                            var text = new StringBuilder($"HTTP/1.1 {answer.Status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n");
                            foreach (var (name, value) in answer.Headers) text.Append(name).Append(": ").Append(value).Append("\r\n");
                            text.Append("\r\n");
                            await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), _stop.Token);
                            await stream.WriteAsync(body, _stop.Token);
                            continue;
                        }
                    }
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    received.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }
            }
            catch (Exception)
            {
                // The client went away, or the server stops.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
