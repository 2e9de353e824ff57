using System.Net;
using System.Text;

namespace Fashn.Client.Tests;

/// <summary>An HTTP handler that answers from a script and records what it was sent.</summary>
public sealed class FakeHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, int, Task<HttpResponseMessage>> _answer;
    private int _count;

    public FakeHandler(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> answer) => _answer = answer;

    public List<(HttpMethod Method, string Path, string? Authorization, string? Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content != null ? await request.Content.ReadAsStringAsync(cancellationToken) : null;
        int n;
        lock (Requests)
        {
            Requests.Add((request.Method, request.RequestUri!.AbsolutePath, request.Headers.Authorization?.ToString(), body));
            n = ++_count;
        }
        return await _answer(request, n);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public static HttpResponseMessage ApiError(HttpStatusCode status, string code, string message = "", params (string Name, string Value)[] headers) =>
        Json(status, $"{{\"error\":\"{code}\",\"message\":\"{message}\"}}", headers);
}

public static class TestClients
{
    public const string Key = "fa-unit-test-key-9f8e7d";

    public static FashnApiClient Create(FakeHandler handler, Action<FashnClientOptions>? configure = null)
    {
        var options = new FashnClientOptions(Key, new Uri("https://api.fashn.test"))
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(40),
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        // Rate windows of its own per test: the process-wide ones would be shared between tests.
        return new FashnApiClient(options, new RequestWindows(options.Limits), handler);
    }
}
