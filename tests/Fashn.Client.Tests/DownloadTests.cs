using System.IO.Compression;
using System.Net;
using System.Text;
using Xunit;

namespace Fashn.Client.Tests;

/// <summary>
/// Downloads are retried (a GET is safe to repeat), restart from nothing, and the content must be the image type its
/// name claims before it gets that name: what the server sends is checked, never trusted.
/// </summary>
public sealed class DownloadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fashn-download-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly byte[] Png = OutputSaverTests.Png;

    private OutputSaver Saver(FakeHandler handler, int retries = 3) =>
        new(new Uri("https://api.fashn.ai/"), 1024 * 1024, TimeSpan.FromSeconds(5), handler)
        {
            MaxRetries = retries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };

    private static HttpResponseMessage Bytes(byte[] body, string type = "image/png") =>
        new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) { Headers = { { "Content-Type", type } } } };

    private string[] FilesLeft() => Directory.GetFiles(_folder, "*", SearchOption.AllDirectories);

    [Fact]
    public async Task ADownloadCutHalfWayIsStartedAgainAndSavedWhole()
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new OutputSaverTests.BreakingStream(Png[..(Png.Length / 2)])) }
            : Bytes(Png)));
        var path = Path.Combine(_folder, "a.png");

        await Saver(handler).SaveAsync("https://cdn.fashn.ai/p1/output_0.png", path, false, default);

        Assert.Equal(Png, File.ReadAllBytes(path));
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(new[] { path }, FilesLeft());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task ADownloadAnsweredWithATransientErrorIsRetried(HttpStatusCode status)
    {
        var handler = new FakeHandler((_, n) => Task.FromResult(n <= 2 ? new HttpResponseMessage(status) : Bytes(Png)));
        var path = Path.Combine(_folder, "a.png");

        await Saver(handler).SaveAsync("https://cdn.fashn.ai/p1/output_0.png", path, false, default);

        Assert.Equal(Png, File.ReadAllBytes(path));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task ADownloadThatKeepsBreakingFailsAfterItsRetriesLeavingNoFile()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new OutputSaverTests.BreakingStream(Png[..(Png.Length / 2)])) }));

        var error = await Assert.ThrowsAsync<FashnException>(() =>
            Saver(handler, retries: 2).SaveAsync("https://cdn.fashn.ai/p1/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Equal(FashnErrorCodes.OutputNotSaved, error.ErrorCode);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Contains("broke off", error.Message);
        Assert.Contains("3 attempts", error.Message);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task AGoneOutputIsNotRetried()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)));

        var error = await Assert.ThrowsAsync<FashnException>(() =>
            Saver(handler).SaveAsync("https://cdn.fashn.ai/p1/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Single(handler.Requests);
        Assert.Contains("72 hours", error.Message);
    }

    [Fact]
    public async Task AGzipEncodedBodySavedAsPngIsRefused()
    {
        var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Png);
        var handler = new FakeHandler((_, _) =>
        {
            var response = Bytes(zipped.ToArray());
            response.Content.Headers.ContentEncoding.Add("gzip");
            return Task.FromResult(response);
        });

        var error = await Assert.ThrowsAsync<FashnException>(() =>
            Saver(handler).SaveAsync("https://cdn.fashn.ai/p1/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Equal(FashnErrorCodes.OutputNotSaved, error.ErrorCode);
        Assert.Contains("not a PNG image", error.Message);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task AnHtmlPageServedAsTheOutputIsRefused()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(Bytes(Encoding.UTF8.GetBytes("<html><body>Sign in to the hotel Wi-Fi</body></html>"), "text/html")));

        var error = await Assert.ThrowsAsync<FashnException>(() =>
            Saver(handler).SaveAsync("https://cdn.fashn.ai/p1/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Contains("not a PNG image", error.Message);
        Assert.DoesNotContain("<html", error.Message);
        Assert.Empty(FilesLeft());
    }

    [Theory]
    [InlineData("data:text/html;base64,PGh0bWw+PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0PjwvaHRtbD4=")]
    [InlineData("data:image/png;base64,PGh0bWw+PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0PjwvaHRtbD4=")]
    public async Task ADataUriThatIsNotAnImageIsRefused(string output)
    {
        var saver = new OutputSaver(null, 1024 * 1024, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<FashnException>(() => saver.SaveAsync(output, Path.Combine(_folder, "a.png"), false, default));

        Assert.Equal(FashnErrorCodes.OutputNotSaved, error.ErrorCode);
        Assert.Contains("not a PNG image", error.Message);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task AJpegNamedJpgIsSaved()
    {
        var jpeg = Fashn.Testing.TestImages.SubjectOnBackdrop(16, 16, SkiaSharp.SKEncodedImageFormat.Jpeg);
        var handler = new FakeHandler((_, _) => Task.FromResult(Bytes(jpeg, "image/jpeg")));
        var path = Path.Combine(_folder, "a.jpg");

        await Saver(handler).SaveAsync("https://cdn.fashn.ai/p1/output_0.jpg", path, false, default);

        Assert.Equal(jpeg, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task AnOutputOnTheApiHostButAnotherPortIsRefusedSayingSo()
    {
        var saver = new OutputSaver(new Uri("http://127.0.0.1:5000/"), 1024 * 1024, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<FashnException>(() =>
            saver.SaveAsync("http://127.0.0.1:6000/cdn/p1/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Contains("port 6000", error.Message);
        Assert.Contains("port 5000", error.Message);
        Assert.DoesNotContain("neither", error.Message);
    }
}
