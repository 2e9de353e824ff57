using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// What a server's headers can make a session do, against a fake API that sends them: nothing waits longer than the
/// command's own limits, and what one command was told does not hold back the next.
/// </summary>
public sealed class HostileHeaderSessionTests
{
    // Long enough that only a hang reaches it (the requests take milliseconds), shorter than the hangs it catches.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(25);

    private static PipelineResult WithinBound(Func<PipelineResult> work)
    {
        var running = Task.Run(work);
        Assert.True(running.Wait(HangBound), "the command was still waiting after " + HangBound.TotalSeconds + " s");
        return running.Result;
    }

    private const string Credits = "{\"credits\":{\"total\":5,\"subscription\":0,\"on_demand\":5}}";

    [Fact]
    public void AWindowOneCommandWasToldOfDoesNotHoldBackTheNextCommandOfTheSession()
    {
        // Followed for the session, "1;w=55" would hold the second command back 55 s.
        using var server = new ScriptedApiServer((_, _, _) => new(200, Credits, ("RateLimit-Policy", "1;w=55")));
        using var host = new PowerShellHost(server.BaseUri, "fa-session-key");

        var first = WithinBound(() => host.Invoke("Get-FashnCredits"));
        var second = WithinBound(() => host.Invoke("Get-FashnCredits"));

        Assert.Null(first.Terminating);
        Assert.Null(second.Terminating);
        Assert.Equal(5L, second.Output.Single().Properties["Total"].Value);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("RateLimit-Policy", "1;w=100000")]
    [InlineData("RateLimit-Policy", "1;w=1e300")]
    public void AnAbsurdWindowIsIgnoredWithAVerboseNote(string header, string value)
    {
        using var server = new ScriptedApiServer((_, _, _) => new(200, Credits, (header, value)));
        using var host = new PowerShellHost(server.BaseUri, "fa-session-key");

        var first = WithinBound(() => host.Invoke("Get-FashnCredits -Verbose"));
        var second = WithinBound(() => host.Invoke("Get-FashnCredits"));

        Assert.Null(first.Terminating);
        Assert.Null(second.Terminating);
        Assert.Contains(first.Verbose, v => v.Message.Contains("ignored " + header));
    }

    [Theory]
    [InlineData("Retry-After", "999999")]
    [InlineData("Retry-After", "1e300")]
    [InlineData("Retry-After", "-5")]
    [InlineData("retry-after-ms", "Infinity")]
    public void AConcurrencyRefusalWithAnAbsurdRetryAfterIsWaitedOutWithTheClientsOwnBackoff(string header, string value)
    {
        using var server = new ScriptedApiServer((method, path, n) => method == "POST"
            ? n <= 2
                ? new(429, "{\"error\":\"ConcurrencyLimitExceeded\",\"message\":\"busy\"}", (header, value))
                : new(200, "{\"id\":\"p1-u1\",\"error\":null}")
            : new(200, "{\"id\":\"p1-u1\",\"status\":\"processing\",\"error\":null}"));
        using var host = new PowerShellHost(server.BaseUri, "fa-session-key");

        var result = WithinBound(() => host.Invoke(
            "Invoke-FashnBackgroundChange -Uri 'https://example.com/a.jpg' -Prompt studio -NoJournal -RetryIntervalSec 0.05 -Verbose"));

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Equal("p1-u1", result.Output.Single().Properties["Id"].Value);
        Assert.Equal(3, server.Requests.Count(r => r.StartsWith("POST")));
        Assert.Equal(2, result.Verbose.Count(v => v.Message.Contains("ignored " + header)));
    }

    [Fact]
    public void WaitingForAPredictionEndsAtTimeoutSecWhileTheServerAsksForPatience()
    {
        using var server = new ScriptedApiServer((method, _, _) => method == "POST"
            ? new(200, "{\"id\":\"p2-u1\",\"error\":null}")
            : new(429, "{\"error\":\"RateLimitExceeded\",\"message\":\"slow down\"}", ("Retry-After", "50")));
        using var host = new PowerShellHost(server.BaseUri, "fa-session-key");

        var result = WithinBound(() => host.Invoke(
            "Invoke-FashnBackgroundChange -Uri 'https://example.com/a.jpg' -Prompt studio -NoJournal -Wait -TimeoutSec 2"));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.PollingTimeout", error.FullyQualifiedErrorId);
        Assert.Contains("p2-u1", error.Exception.Message);
    }
}
