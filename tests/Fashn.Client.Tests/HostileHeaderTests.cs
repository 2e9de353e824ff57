using System.Net;
using Xunit;

namespace Fashn.Client.Tests;

/// <summary>
/// What a server's headers can make the client do: every wait stays within the client's own limits, whatever a
/// header says; absurd, negative or overflowing values are ignored with a note in the request log (-Verbose).
/// </summary>
public sealed class HostileHeaderTests
{
    // Long enough that only a hang reaches it; the requests themselves take milliseconds.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    private static async Task<T> WithinBound<T>(Task<T> work)
    {
        var finished = await Task.WhenAny(work, Task.Delay(HangBound));
        Assert.True(ReferenceEquals(work, finished), "the request was still waiting after " + HangBound.TotalSeconds + " s");
        return await work;
    }

    private static FashnApiClient Client(FakeHandler handler, List<RequestLogEntry> log, Action<FashnClientOptions>? configure = null) =>
        TestClients.Create(handler, o =>
        {
            o.RequestLog = entry => { lock (log) log.Add(entry); };
            configure?.Invoke(o);
        });

    [Theory]
    [InlineData("Retry-After", "1e300")]
    [InlineData("Retry-After", "-5")]
    [InlineData("Retry-After", "999999999")]
    [InlineData("retry-after-ms", "Infinity")]
    [InlineData("retry-after-ms", "NaN")]
    [InlineData("retry-after-ms", "-1")]
    [InlineData("retry-after-ms", "1e300")]
    public async Task AnUnusableRetryAfterIsIgnoredWithANoteAndTheClientsOwnBackoffIsUsed(string header, string value)
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n <= 2
            ? FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "RateLimitExceeded", "slow down", (header, value))
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"processing\"}")));
        var log = new List<RequestLogEntry>();
        using var client = Client(handler, log);

        var status = await WithinBound(client.GetStatusAsync("a", default));

        Assert.Equal("processing", status.Status);
        Assert.Equal(3, handler.Requests.Count);
        var refused = log.Where(e => e.StatusCode == 429).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, e => Assert.Contains($"ignored {header}", e.Note));
        Assert.All(refused, e => Assert.Contains("own backoff", e.Note));
    }

    [Fact]
    public async Task ARetryAfterDateInThePastIsIgnoredRatherThanRetriedAtOnce()
    {
        var past = DateTimeOffset.UtcNow.AddHours(-3).ToString("r");
        var handler = new FakeHandler((_, n) => Task.FromResult(n == 1
            ? FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "RateLimitExceeded", "", ("Retry-After", past))
            : FakeHandler.Json(HttpStatusCode.OK, "{\"credits\":{\"total\":1,\"subscription\":0,\"on_demand\":1}}")));
        var log = new List<RequestLogEntry>();
        using var client = Client(handler, log);

        await WithinBound(client.GetCreditsAsync(default));

        Assert.Contains("ignored Retry-After", log[0].Note);
    }

    [Fact]
    public async Task AConcurrencyRefusalAskingForDaysIsNotSleptOn()
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n <= 2
            ? FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded", "busy", ("Retry-After", "999999"))
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\"}")));
        var log = new List<RequestLogEntry>();
        using var client = Client(handler, log);
        var submitter = new RunSubmitter(client, new PredictionSlots(6));

        var id = await WithinBound(submitter.SubmitAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal("p1", id);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(log.Where(e => e.StatusCode == 429), e => Assert.Contains("ignored Retry-After", e.Note));
    }

    [Fact]
    public async Task AConcurrencyRefusalAskingForLongerThanTheClientWaitsFailsAtOnceSayingSo()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(
            FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded", "busy", ("Retry-After", "3600"))));
        using var client = TestClients.Create(handler, o => o.MaxConcurrencyWait = TimeSpan.FromMinutes(10));
        var submitter = new RunSubmitter(client, new PredictionSlots(6));

        var error = await Assert.ThrowsAsync<FashnException>(() => WithinBound(submitter.SubmitAsync(new RunRequest("https://example.com/a.jpg", "studio"), default)));

        Assert.Equal(FashnErrorCodes.ConcurrencyLimitExceeded, error.ErrorCode);
        Assert.Contains("asked to wait 3600 s, longer than the 600 s this command waits for a free place", error.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task WaitingForConcurrencyNeverSleepsPastItsLimit()
    {
        // Each refusal asks for 50 s, which is within what is honoured; the whole wait may still take 300 ms only.
        var handler = new FakeHandler((_, _) => Task.FromResult(
            FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded", "busy", ("Retry-After", "50"))));
        using var client = TestClients.Create(handler, o => { o.MaxRetries = 0; o.MaxConcurrencyWait = TimeSpan.FromMilliseconds(300); });
        var submitter = new RunSubmitter(client, new PredictionSlots(6));

        var error = await Assert.ThrowsAsync<FashnException>(() => WithinBound(submitter.SubmitAsync(new RunRequest("https://example.com/a.jpg", "studio"), default)));

        Assert.Equal(FashnErrorCodes.ConcurrencyLimitExceeded, error.ErrorCode);
    }

    [Theory]
    [InlineData("1;w=100000")]
    [InlineData("1;w=1e300")]
    [InlineData("1;w=1e-300")]
    [InlineData("1;w=Infinity")]
    [InlineData("1;w=-4")]
    [InlineData("0;w=1")]
    [InlineData("99999999999999;w=1")]
    public async Task AnAdvertisedWindowOutsideSaneBoundsIsIgnoredWithANote(string policy)
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"processing\"}",
            ("RateLimit-Policy", policy))));
        var log = new List<RequestLogEntry>();
        using var client = Client(handler, log, o => o.Limits = new ServiceLimits { StatusRequests = 100, StatusWindow = TimeSpan.FromSeconds(10) });

        await client.GetStatusAsync("a", default);
        // Followed, "1;w=100000" would hold this second request back for 28 hours.
        await WithinBound(client.GetStatusAsync("a", default));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains("ignored RateLimit-Policy", log[0].Note);
    }

    [Fact]
    public async Task AnAdvertisedWindowDoesNotOutliveTheCommandThatSawIt()
    {
        var windows = new RequestWindows(new ServiceLimits { StatusRequests = 100, StatusWindow = TimeSpan.FromSeconds(10) });
        var handler = new FakeHandler((_, n) => Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"processing\"}",
            n == 1 ? new[] { ("RateLimit-Policy", "1;w=50") } : Array.Empty<(string, string)>())));
        var options = new FashnClientOptions(TestClients.Key, new Uri("https://api.fashn.test"));

        // One command sees a strict (but plausible) window: within it, that command keeps to it.
        using (var first = new FashnApiClient(options, windows, handler))
        {
            await first.GetStatusAsync("a", default);
        }
        // The next command on the same key starts from the documented limits again.
        using var second = new FashnApiClient(options, windows, handler);
        await WithinBound(second.GetStatusAsync("a", default));
        await WithinBound(second.GetStatusAsync("a", default));

        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task WaitingForAPredictionEndsAtItsTimeoutEvenWhileTheServerAsksForPatience()
    {
        // Every poll is refused with a plausible 50 s Retry-After; the 1 s timeout of the wait still ends it.
        var handler = new FakeHandler((request, _) => Task.FromResult(request.Method == HttpMethod.Post
            ? FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\"}")
            : FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "RateLimitExceeded", "slow down", ("Retry-After", "50"))));
        using var client = TestClients.Create(handler);
        var runner = new PredictionRunner(client, new ServiceBudget(client.Options.Limits), 1);

        var outcome = await WithinBound(runner.RunAsync(PredictionJob.FromReference("https://example.com/a.jpg", new PredictionSettings("studio")),
            wait: true, TimeSpan.FromSeconds(1), default));

        Assert.Equal(FashnErrorCodes.PollingTimeout, outcome.Failure!.ErrorCode);
        Assert.Equal("p1", outcome.Id);
    }
}
