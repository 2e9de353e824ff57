using System.Net;
using Xunit;

namespace Fashn.Client.Tests;

public sealed class OutputSaverTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fashn-saver-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A whole 1x1 PNG.</summary>
    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task ADataUriIsDecodedIntoTheFile()
    {
        var saver = new OutputSaver(null, 1024 * 1024, TimeSpan.FromSeconds(5));
        var path = Path.Combine(_folder, "a.png");

        var file = await saver.SaveAsync("data:image/png;base64," + Convert.ToBase64String(Png), path, overwrite: false, default);

        Assert.Equal(Png, File.ReadAllBytes(file.FullName));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task AnExpiredBase64OutputSaysSoAndWritesNothing()
    {
        var saver = new OutputSaver(null, 1024 * 1024, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<FashnException>(() => saver.SaveAsync("<base64>_expired", Path.Combine(_folder, "a.png"), false, default));

        Assert.Equal(FashnErrorCodes.OutputExpired, error.ErrorCode);
        Assert.Contains("60 minutes", error.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task ADownloadThatBreaksOffLeavesNoFileAtAll()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BreakingStream(Png)) }));
        var saver = new OutputSaver(new Uri("https://api.fashn.ai/"), 1024 * 1024, TimeSpan.FromSeconds(5), handler);

        var error = await Assert.ThrowsAsync<FashnException>(() =>
            saver.SaveAsync("https://cdn.fashn.ai/p1/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Equal(FashnErrorCodes.OutputNotSaved, error.ErrorCode);
        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AnOutputLargerThanTheCapIsRefused()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[5000]) }));
        var saver = new OutputSaver(null, 1000, TimeSpan.FromSeconds(5), handler);

        var error = await Assert.ThrowsAsync<FashnException>(() => saver.SaveAsync("https://cdn.fashn.ai/p/output_0.png", Path.Combine(_folder, "a.png"), false, default));

        Assert.Contains("larger than", error.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("https://evil.example.com/output_0.png")]
    [InlineData("http://cdn.fashn.ai/p/output_0.png")]
    [InlineData("file:///etc/passwd")]
    public async Task OutputsAreDownloadedOnlyFromTheCdnOverHttpsOrFromTheApiHost(string url)
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Png) }));
        var saver = new OutputSaver(new Uri("https://api.fashn.ai/"), 1024 * 1024, TimeSpan.FromSeconds(5), handler);

        await Assert.ThrowsAsync<FashnException>(() => saver.SaveAsync(url, Path.Combine(_folder, "a.png"), false, default));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task AnExistingFileIsReplacedOnlyWhenAsked()
    {
        var saver = new OutputSaver(null, 1024 * 1024, TimeSpan.FromSeconds(5));
        var path = Path.Combine(_folder, "a.png");
        File.WriteAllText(path, "old");
        var uri = "data:image/png;base64," + Convert.ToBase64String(Png);

        await Assert.ThrowsAsync<FashnException>(() => saver.SaveAsync(uri, path, overwrite: false, default));
        Assert.Equal("old", File.ReadAllText(path));

        await saver.SaveAsync(uri, path, overwrite: true, default);
        Assert.Equal(Png, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("../../etc/passwd", "etc_passwd")]
    [InlineData("a/b\\c:d", "a_b_c_d")]
    [InlineData("id\u0000\u001fx", "id__x")]
    [InlineData("..", "output")]
    public void ServerTextBecomesASafeFileName(string text, string expected)
    {
        var safe = OutputSaver.ToSafeFileName(text);
        Assert.Equal(expected, safe.TrimStart('_'));
        Assert.DoesNotContain("/", safe);
        Assert.DoesNotContain("\\", safe);
        Assert.DoesNotContain("..", safe);
    }

    /// <summary>Gives some bytes, then fails the way a dropped connection does.</summary>
    internal sealed class BreakingStream(byte[] first) : Stream
    {
        private bool _sent;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_sent) throw new IOException("connection reset by peer");
            _sent = true;
            var n = Math.Min(count, first.Length);
            Array.Copy(first, 0, buffer, offset, n);
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
