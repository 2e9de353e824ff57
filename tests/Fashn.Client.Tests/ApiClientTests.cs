using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Fashn.Client.Tests;

public sealed class ApiClientTests
{
    [Fact]
    public async Task RunSendsTheDocumentedBodyWithTheKeyOnlyInTheAuthorizationHeader()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"123a87r9-x-u1\",\"error\":null}")));
        using var client = TestClients.Create(handler);

        var id = await client.RunAsync(new RunRequest("data:image/png;base64,AA+/", "beach sunset") { Seed = 42, OutputFormat = "jpeg", ReturnBase64 = true }, default);

        Assert.Equal("123a87r9-x-u1", id);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("/v1/run", request.Path);
        Assert.Equal("Bearer " + TestClients.Key, request.Authorization);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("background-change", body.RootElement.GetProperty("model_name").GetString());
        var inputs = body.RootElement.GetProperty("inputs");
        Assert.Equal("data:image/png;base64,AA+/", inputs.GetProperty("image").GetString());
        Assert.Contains("AA+/", request.Body); // base64 is sent as it is, not as "\u002B" escapes
        Assert.Equal("beach sunset", inputs.GetProperty("prompt").GetString());
        Assert.Equal(42, inputs.GetProperty("seed").GetInt64());
        Assert.Equal("jpeg", inputs.GetProperty("output_format").GetString());
        Assert.True(inputs.GetProperty("return_base64").GetBoolean());
        Assert.DoesNotContain(TestClients.Key, request.Body);
    }

    [Fact]
    public async Task RateLimitedRunIsRetriedAfterTheServersRetryAfter()
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n == 1
            ? FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "RateLimitExceeded", "slow down", ("Retry-After", "0.3"))
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\",\"error\":null}")));
        using var client = TestClients.Create(handler);
        var watch = Stopwatch.StartNew();

        var id = await client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default);

        Assert.Equal("p1", id);
        Assert.Equal(2, handler.Requests.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(290), "the retry came before Retry-After: " + watch.Elapsed);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "OutOfCredits")]
    [InlineData(HttpStatusCode.Unauthorized, "UnauthorizedAccess")]
    [InlineData(HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData(HttpStatusCode.NotFound, "NotFound")]
    public async Task ErrorsThatRetryingCannotFixAreNotRetried(HttpStatusCode status, string code)
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.ApiError(status, code, "nope")));
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<FashnException>(() => client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(status, error.HttpStatus);
        Assert.Single(handler.Requests);
        Assert.DoesNotContain(TestClients.Key, error.ToString());
    }

    [Fact]
    public async Task ServerErrorsAreRetriedUpToTheRetryCount()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.ApiError(HttpStatusCode.InternalServerError, "InternalServerError")));
        using var client = TestClients.Create(handler, o => o.MaxRetries = 3);

        var error = await Assert.ThrowsAsync<FashnException>(() => client.GetStatusAsync("p1", default));

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal("InternalServerError", error.ErrorCode);
        Assert.Equal("p1", error.PredictionId);
    }

    [Fact]
    public async Task AConcurrencyRefusalIsNotRetriedByTheClientButLeftToTheRunner()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded")));
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<FashnException>(() => client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal("ConcurrencyLimitExceeded", error.ErrorCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ARunWhoseAnswerWasLostIsNotSentAgain()
    {
        var handler = new FakeHandler((_, _) => throw new HttpRequestException("The response ended prematurely.", new IOException("connection reset")));
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<FashnException>(() => client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal(FashnErrorCodes.SubmissionOutcomeUnknown, error.ErrorCode);
        Assert.Single(handler.Requests);
        Assert.Contains("bill a second prediction", error.Message);
    }

    [Fact]
    public async Task ARunThatTimedOutIsNotSentAgain()
    {
        var handler = new FakeHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            return FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"late\"}");
        });
        using var client = TestClients.Create(handler, o => o.RequestTimeout = TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<FashnException>(() => client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal(FashnErrorCodes.SubmissionOutcomeUnknown, error.ErrorCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ARunThatNeverConnectedIsRetried()
    {
        var handler = new FakeHandler((_, n) => n < 3
            ? throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused))
            : Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p9\"}")));
        using var client = TestClients.Create(handler);

        var id = await client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default);

        Assert.Equal("p9", id);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task StatusKeepsUnknownStatusesAndErrorNamesAndReadsCreditsUsed()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath.EndsWith("/a")
            ? FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"paused_for_review\",\"error\":null}")
            : request.RequestUri.AbsolutePath.EndsWith("/b")
                ? FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"b\",\"status\":\"failed\",\"error\":{\"name\":\"BrandNewError\",\"message\":\"new\"}}")
                : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"c\",\"status\":\"completed\",\"output\":[\"https://cdn.fashn.ai/c/output_0.png\"],\"error\":null}",
                    ("x-fashn-credits-used", "1"))));
        using var client = TestClients.Create(handler);

        var a = await client.GetStatusAsync("a", default);
        var b = await client.GetStatusAsync("b", default);
        var c = await client.GetStatusAsync("c", default);

        Assert.Equal("paused_for_review", a.Status);
        Assert.True(a.IsFinished); // anything but starting, in_queue and processing counts as finished
        Assert.Equal("BrandNewError", b.Error!.Name);
        Assert.False(b.Error.IsRetryable);
        Assert.Equal(new[] { "https://cdn.fashn.ai/c/output_0.png" }, c.Output);
        Assert.Equal(1, c.CreditsUsed);
    }

    [Fact]
    public async Task TheStatusWindowHoldsBackRequestsBeyondItsLimit()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"processing\"}")));
        using var client = TestClients.Create(handler, o => o.Limits = new ServiceLimits { StatusRequests = 3, StatusWindow = TimeSpan.FromMilliseconds(400) });
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetStatusAsync("a", default)));

        // Six requests with three allowed per 400 ms: the second three had to wait for the window.
        Assert.Equal(6, handler.Requests.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(400), "six requests went out within one window: " + watch.Elapsed);
    }

    [Fact]
    public async Task AnAdvertisedRateLimitPolicyReplacesTheDefaultWindow()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"processing\"}",
            ("RateLimit-Policy", "500;w=1"))));
        using var client = TestClients.Create(handler, o => o.Limits = new ServiceLimits { StatusRequests = 1, StatusWindow = TimeSpan.FromSeconds(30) });

        await client.GetStatusAsync("a", default);
        // Without the advertised policy, this second request would wait 30 s for the default window.
        var second = client.GetStatusAsync("a", default);
        var finished = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(second, finished);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void PlainHttpIsRefusedExceptForLoopback()
    {
        var error = Assert.Throws<FashnException>(() => new FashnClientOptions("fa-k", new Uri("http://api.fashn.ai")));
        Assert.Equal(FashnErrorCodes.InvalidArgument, error.ErrorCode);
        Assert.Equal(new Uri("http://127.0.0.1:5080/"), new FashnClientOptions("fa-k", new Uri("http://127.0.0.1:5080")).BaseUri);
        Assert.Equal(FashnErrorCodes.MissingApiKey, Assert.Throws<FashnException>(() => new FashnClientOptions(" ", new Uri("https://api.fashn.ai"))).ErrorCode);
    }
}
