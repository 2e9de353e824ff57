using System.Net;
using System.Text;
using Xunit;

namespace Fashn.Client.Tests;

/// <summary>
/// POST /v1/run is sent again only after an answer that proves no prediction was created: FASHN's own JSON error
/// body. A gateway's 5xx, an HTML page or an answer without FASHN's body is a lost answer.
/// </summary>
public sealed class GatewayAnswerTests
{
    private const string GatewayPage = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";

    private static HttpResponseMessage Page(HttpStatusCode status, string body, string type = "text/html") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, type) };

    public static TheoryData<HttpStatusCode, string, string> LostAnswers => new()
    {
        { HttpStatusCode.BadGateway, GatewayPage, "text/html" },
        { HttpStatusCode.ServiceUnavailable, "<html><body>Service Temporarily Unavailable</body></html>", "text/html" },
        { HttpStatusCode.InternalServerError, "", "text/plain" },
        { HttpStatusCode.InternalServerError, "Internal Server Error", "text/plain" },
        { HttpStatusCode.BadGateway, "{\"message\":\"upstream connect error\"}", "application/json" },
        { HttpStatusCode.GatewayTimeout, "{\"error\":\"InternalServerError\",\"message\":\"timeout\"}", "application/json" },
        { HttpStatusCode.OK, "<html><body>Welcome to the hotel network</body></html>", "text/html" },
        { HttpStatusCode.OK, "{\"error\":null}", "application/json" },
        { HttpStatusCode.OK, "{\"id\":\"../../v1/credits\",\"error\":null}", "application/json" },
    };

    [Theory]
    [MemberData(nameof(LostAnswers))]
    public async Task ARunAnsweredByAGatewayIsALostAnswerAndIsNotSentAgain(HttpStatusCode status, string body, string type)
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(Page(status, body, type)));
        using var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<FashnException>(() => client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default));

        Assert.Equal(FashnErrorCodes.SubmissionOutcomeUnknown, error.ErrorCode);
        Assert.Single(handler.Requests);
        Assert.Contains($"HTTP {(int)status}", error.Message);
        Assert.Contains("not sent again", error.Message);
        Assert.Contains("Get-FashnCredits", error.Message);
        Assert.DoesNotContain("<html", error.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task ARunRefusedWithFashnsOwnErrorBodyIsSentAgain(HttpStatusCode status)
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n == 1
            ? FakeHandler.ApiError(status, "InternalServerError", "try again")
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p2\",\"error\":null}")));
        using var client = TestClients.Create(handler);

        var id = await client.RunAsync(new RunRequest("https://example.com/a.jpg", "studio"), default);

        Assert.Equal("p2", id);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task AStatusRequestAnsweredByAGatewayIsRetriedBecauseAGetIsSafeToRepeat()
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n <= 2
            ? Page(HttpStatusCode.BadGateway, GatewayPage)
            : FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"a\",\"status\":\"completed\",\"output\":[]}")));
        using var client = TestClients.Create(handler);

        var status = await client.GetStatusAsync("a", default);

        Assert.Equal("completed", status.Status);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task AStatusRequestThatKeepsMeetingAGatewayPageSaysSoWithoutThePage()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(Page(HttpStatusCode.BadGateway, GatewayPage)));
        using var client = TestClients.Create(handler, o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAsync<FashnException>(() => client.GetStatusAsync("a", default));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains("HTTP 502", error.Message);
        Assert.DoesNotContain("<html", error.Message);
    }
}
