using System.Net;
using Xunit;

namespace Fashn.Client.Tests;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("iVBORw0KGgoAAAANSUhEUg==", "without the data URI prefix")]
    [InlineData("data:text/plain;base64,aGVsbG8=", "must start with")]
    [InlineData("data:image/png;base64,not*base64!", "broken")]
    [InlineData("data:image/gif;base64,R0lGODlh", "not supported")]
    [InlineData("ftp://example.com/a.jpg", "neither an http(s) URL nor a data URI")]
    [InlineData("   ", "empty")]
    public void BadReferencesGetASpecificError(string reference, string expected)
    {
        var error = Assert.Throws<FashnException>(() => ImageReference.Validate(reference));
        Assert.Equal(FashnErrorCodes.InvalidArgument, error.ErrorCode);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("https://example.com/photos/a.jpg")]
    [InlineData("data:image/jpeg;base64,/9j/4AAQ")]
    public void GoodReferencesPassThrough(string reference) => Assert.Equal(reference, ImageReference.Validate(reference));
}

public sealed class PollingTests
{
    [Fact]
    public async Task SlotsHoldBackBeyondTheLimitAndDropAfterTheServiceRefuses()
    {
        var slots = new PredictionSlots(2);
        await slots.AcquireAsync(default);
        await slots.AcquireAsync(default);
        var third = slots.AcquireAsync(default);
        Assert.False(third.IsCompleted);

        slots.ServiceRefusedConcurrency(); // ceiling drops to 1 while 2 are in use
        slots.Release(finished: false);
        Assert.False(third.IsCompleted);
        slots.Release(finished: true); // a finish raises the ceiling again
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, slots.InUse);
        Assert.Equal(2, slots.Peak);
    }

    [Fact]
    public async Task RefusedRunsWaitingForAFinishDoNotCountAsRunningWhenTheCeilingDrops()
    {
        // Six places taken; three of their runs refused one after the other: three run at the service, not five.
        var slots = new PredictionSlots(6);
        for (var i = 0; i < 6; i++) await slots.AcquireAsync(default);
        using var stop = new CancellationTokenSource();
        var waiting = new List<Task>();
        for (var i = 0; i < 3; i++)
        {
            slots.ServiceRefusedConcurrency();
            waiting.Add(slots.WaitForAFinishAsync(TimeSpan.FromMinutes(10), stop.Token));
        }

        Assert.Equal(3, slots.Ceiling);
        slots.Release(finished: true); // one finish wakes one refused run, not all three
        await waiting[0].WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False(waiting[1].IsCompleted || waiting[2].IsCompleted);
        stop.Cancel();
        foreach (var task in waiting.Skip(1)) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task RetryableFailuresAreSubmittedAgainAndCountedAsAttempts()
    {
        var runs = 0;
        var handler = new FakeHandler((request, _) =>
        {
            if (request.Method == HttpMethod.Post)
            {
                var id = "p" + Interlocked.Increment(ref runs);
                return Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, $"{{\"id\":\"{id}\",\"error\":null}}"));
            }
            var polled = request.RequestUri!.AbsolutePath.Split('/').Last();
            return Task.FromResult(polled == "p1"
                ? FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\",\"status\":\"failed\",\"error\":{\"name\":\"UnavailableError\",\"message\":\"busy\"}}")
                : FakeHandler.Json(HttpStatusCode.OK, $"{{\"id\":\"{polled}\",\"status\":\"completed\",\"output\":[\"https://cdn.fashn.ai/{polled}/output_0.png\"]}}"));
        });
        using var client = TestClients.Create(handler);
        var budget = new ServiceBudget(client.Options.Limits);
        var runner = new PredictionRunner(client, budget, throttleLimit: 1);

        var outcome = await runner.RunAsync(PredictionJob.FromReference("https://example.com/a.jpg", new PredictionSettings("studio")),
            wait: true, waitTimeout: TimeSpan.FromSeconds(30), default);

        Assert.Null(outcome.Failure);
        Assert.Equal("p2", outcome.Id);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(new[] { "p1" }, outcome.RetriedIds);
        Assert.Equal("completed", outcome.Status!.Status);
        Assert.Equal(0, budget.Slots.InUse);
    }

    [Fact]
    public async Task ANonRetryableFailureBecomesTheOutcomesFailureWithAdvice()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(request.Method == HttpMethod.Post
            ? FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\"}")
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\",\"status\":\"failed\",\"error\":{\"name\":\"ContentModerationError\",\"message\":\"blocked\"}}")));
        using var client = TestClients.Create(handler);
        var runner = new PredictionRunner(client, new ServiceBudget(client.Options.Limits), 1);

        var outcome = await runner.RunAsync(PredictionJob.FromReference("https://example.com/a.jpg", new PredictionSettings("x")), true, null, default);

        Assert.Equal("ContentModerationError", outcome.Failure!.ErrorCode);
        Assert.Equal("p1", outcome.Failure.PredictionId);
        Assert.Contains("not billed", outcome.Failure.Message);
        Assert.Equal(1, outcome.Attempts);
    }
}

/// <summary>Waiting for a free place at the service (429 ConcurrencyLimitExceeded) is the runner's, not the HTTP client's.</summary>
public sealed class ConcurrencyWaitTests
{
    [Fact]
    public async Task ConcurrencyRefusalsAreWaitedOutWithoutUsingUpRetries()
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n <= 5
            ? FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded")
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p7\"}")));
        using var client = TestClients.Create(handler, o => o.MaxRetries = 1);
        var submitter = new RunSubmitter(client, new PredictionSlots(6));

        var id = await submitter.SubmitAsync(new RunRequest("https://example.com/a.jpg", "studio"), default);

        Assert.Equal("p7", id);
        Assert.Equal(6, handler.Requests.Count);
    }

    [Fact]
    public async Task ARefusedRunIsSentAgainWhenAPredictionOfThisProcessFinishesNotAfterTheWholeDelay()
    {
        // A service with one place: p1 runs (finished at its second poll), the second input is refused while it does.
        var running = 0;
        var polls = 0;
        var handler = new FakeHandler((request, _) =>
        {
            if (request.Method == HttpMethod.Post)
            {
                if (Interlocked.Increment(ref running) > 1)
                {
                    Interlocked.Decrement(ref running);
                    return Task.FromResult(FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded"));
                }
                return Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p" + Guid.NewGuid().ToString("N")[..6] + "\"}"));
            }
            var id = request.RequestUri!.Segments[^1];
            if (Interlocked.Increment(ref polls) % 2 == 1) return Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, $"{{\"id\":\"{id}\",\"status\":\"processing\"}}"));
            Interlocked.Decrement(ref running);
            return Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, $"{{\"id\":\"{id}\",\"status\":\"completed\",\"output\":[\"https://cdn.fashn.ai/{id}/output_0.png\"]}}"));
        });
        // No Retry-After and a 10-minute delay before a blind retry: only the finish can send the refused run sooner.
        using var client = TestClients.Create(handler, o => { o.RetryBaseDelay = TimeSpan.FromMinutes(10); o.MaxRetryDelay = TimeSpan.FromMinutes(10); });
        var runner = new PredictionRunner(client, new ServiceBudget(client.Options.Limits), throttleLimit: 2);

        var outcomes = await Task.WhenAll(new[] { "a", "b" }.Select(name =>
            runner.RunAsync(PredictionJob.FromReference($"https://example.com/{name}.jpg", new PredictionSettings("studio")), true, TimeSpan.FromMinutes(5), default)))
            .WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(outcomes, outcome => Assert.Equal("completed", outcome.Status!.Status));
        // Two predictions and one refusal in between: the refused run waited for the finish, not for a probe.
        Assert.Equal(3, handler.Requests.Count(r => r.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task WaitingForConcurrencyIsBounded()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.ApiError(HttpStatusCode.TooManyRequests, "ConcurrencyLimitExceeded")));
        using var client = TestClients.Create(handler, o => { o.MaxRetries = 1; o.MaxConcurrencyWait = TimeSpan.FromMilliseconds(200); });
        var submitter = new RunSubmitter(client, new PredictionSlots(6));

        var error = await Assert.ThrowsAsync<FashnException>(() => submitter.SubmitAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal("ConcurrencyLimitExceeded", error.ErrorCode);
        Assert.True(handler.Requests.Count >= 3);
    }
}

/// <summary>One settings record decides both what is sent and which journal entry an input finds.</summary>
public sealed class PredictionSettingsTests
{
    private static readonly Uri Api = new("https://api.fashn.ai/");

    [Fact]
    public void TheJournalKeyFollowsWhatDecidesTheResultAndNotTheWebhook()
    {
        const string image = "https://example.com/a.jpg";
        var studio = PredictionJournal.CreateKey(image, new PredictionSettings("studio", seed: 7), Api);

        Assert.Equal(studio, PredictionJournal.CreateKey(image, new PredictionSettings("studio", seed: 7, webhookUrl: new Uri("https://hooks.example.com/")), Api));
        Assert.NotEqual(studio, PredictionJournal.CreateKey(image, new PredictionSettings("beach", seed: 7), Api));
        Assert.NotEqual(studio, PredictionJournal.CreateKey(image, new PredictionSettings("studio", seed: 8), Api));
        Assert.NotEqual(studio, PredictionJournal.CreateKey(image, new PredictionSettings("studio", seed: 7, returnBase64: true), Api));
        Assert.NotEqual(studio, PredictionJournal.CreateKey(image, new PredictionSettings("studio", seed: 7), new Uri("http://127.0.0.1:5000/")));
    }

    [Fact]
    public void AFolderOrAMissingFileIsRefusedBeforeAJobIsMade()
    {
        var folder = Directory.CreateTempSubdirectory("fashn-job-").FullName;
        try
        {
            var settings = new PredictionSettings("studio");
            var notAFile = Assert.Throws<FashnException>(() => PredictionJob.FromFile(folder, settings, new Imaging.ImagePreparationOptions()));
            Assert.Equal(FashnErrorCodes.InputNotReadable, notAFile.ErrorCode);
            Assert.Contains("is a folder", notAFile.Message);

            var missing = Assert.Throws<FashnException>(() => PredictionJob.FromFile(Path.Combine(folder, "gone.jpg"), settings, new Imaging.ImagePreparationOptions()));
            Assert.Equal(FashnErrorCategory.ObjectNotFound, missing.Category);
            Assert.Contains("does not exist", missing.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
