using System.Net;
using System.Text.RegularExpressions;
using Fashn.Client.ContactSheet;
using SkiaSharp;
using Xunit;

namespace Fashn.Client.Tests;

/// <summary>
/// The contact sheet as a reviewer gets it: the page on disk, its thumbnails, what it says and where its links lead.
/// Photos are drawn with SkiaSharp (tests/Shared/TestImages.cs); the page is read back as text.
/// </summary>
public sealed class ContactSheetTests : IDisposable
{
    private static readonly DateTimeOffset WrittenAt = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("fashn-sheet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Photo(string relativePath, int width = 320, int height = 240)
    {
        var path = Path.Combine(_folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Fashn.Testing.TestImages.SubjectOnBackdrop(width, height, SKEncodedImageFormat.Jpeg));
        return path;
    }

    private ContactSheetEntry Completed(string source, string output, string id) => new()
    {
        PredictionId = id, Status = "completed", Source = source, Prompt = "studio", Seed = 42,
        ModelName = "background-change", OutputFormat = "png", CreditsUsed = 1, OutputFiles = { output },
    };

    private (ContactSheetResult Result, string Html) Write(ContactSheetModel sheet, string page = "out/index.html")
    {
        var result = ContactSheetWriter.Write(sheet, Path.Combine(_folder, page), WrittenAt);
        return (result, File.ReadAllText(result.Page.FullName));
    }

    private static IEnumerable<string> Links(string html) =>
        Regex.Matches(html, "(?:src|href)=\"([^\"]*)\"").Select(m => m.Groups[1].Value);

    private static IEnumerable<string> Articles(string html) =>
        Regex.Matches(html, "<article .*?</article>", RegexOptions.Singleline).Select(m => m.Value);

    private static string Resolve(string folder, string link) =>
        Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(WebUtility.HtmlDecode(link))));

    [Fact]
    public void HostileTextFromUsersAndTheServerIsEscapedEverywhere()
    {
        const string markup = "<script>alert('x')</script><img src=x onerror=alert(1)>\"&";
        var source = Photo("photos/" + "a<b>\"&'#1.jpg");
        var output = Photo("out/a<b>\"&'#1.png");
        var sheet = new ContactSheetModel("Title " + markup);
        sheet.Add(new ContactSheetEntry
        {
            PredictionId = "id" + markup, Status = "completed" + markup, Source = source, Prompt = markup, Seed = 1,
            ModelName = "model" + markup, OutputFormat = "png" + markup, OutputFiles = { output },
        });
        sheet.Add(new ContactSheetEntry { PredictionId = "p2", Status = "failed", Source = "https://example.com/x.jpg?" + markup, ErrorName = "Name" + markup, ErrorMessage = markup });

        var (_, html) = Write(sheet);

        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("a<b>", html);
        Assert.Single(Regex.Matches(html, "<script"));
        Assert.Equal(2, Regex.Matches(html, "<img ").Count);
        var escaped = WebUtility.HtmlEncode(markup);
        Assert.Contains("<dt>Prompt</dt><dd>" + escaped + "</dd>", html);
        Assert.Contains("<title>Title " + escaped + "</title>", html);
        Assert.Contains("<code>Name" + escaped + "</code>: " + escaped, html);
        Assert.Contains("<dt>Model</dt><dd>model" + escaped + "</dd>", html);
        Assert.Contains("<dt>Prediction</dt><dd>id" + escaped + "</dd>", html);
        Assert.Contains(">completed" + escaped + "</span>", html);
        // A status the page does not know is only text: the filter groups by the page's own names (an unknown final status is a failure).
        Assert.Equal(["failed", "failed"], Regex.Matches(html, "<article [^>]*data-status=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        // The file name as a link: percent-encoded, so quotes cannot end the attribute and '#' cannot end the path.
        Assert.Contains("href=\"a%3Cb%3E%22%26%27%231.png\"", html);
        Assert.Contains("href=\"../photos/a%3Cb%3E%22%26%27%231.jpg\"", html);
        Assert.Contains("<bdi>a&lt;b&gt;&quot;&amp;&#39;#1.jpg</bdi>", html);
    }

    [Fact]
    public void OnlyThePagesOwnScriptAndStyleMayRunAndNothingIsLoadedFromTheNetwork()
    {
        var sheet = new ContactSheetModel("t");
        sheet.Add(Completed(Photo("photos/a.jpg"), Photo("out/a.png"), "p1"));

        var (_, html) = Write(sheet);

        var policy = Regex.Match(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">").Groups[1].Value;
        Assert.StartsWith("default-src 'none'; img-src 'self' file:;", policy);
        var script = Regex.Match(html, "<script>(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("script-src 'sha256-" + Sha256(script) + "'", policy);
        Assert.Contains("style-src 'sha256-" + Sha256(style) + "'", policy);
        Assert.DoesNotMatch("https?://|<link|@import|url\\(|<iframe", html);

        static string Sha256(string text) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void SummaryCountsCompletedFailedUnfinishedAndCreditsOncePerPrediction()
    {
        var sheet = new ContactSheetModel("t");
        var a = Completed(Photo("photos/a.jpg"), Photo("out/a.png"), "p1");
        sheet.Add(a);
        // The same prediction again, as a prediction object after its file: still one entry.
        sheet.Add(new ContactSheetEntry { PredictionId = "p1", Status = "completed", Source = a.Source, CreditsUsed = 1 });
        sheet.Add(Completed(Photo("photos/b.jpg"), Photo("out/b.png"), "p2"));
        // An error record of a prediction the service failed, then the failed prediction itself: one entry.
        sheet.Add(new ContactSheetEntry { PredictionId = "p3", Source = Photo("photos/c.jpg"), ErrorName = "ContentModerationError", ErrorMessage = "Prediction p3 failed with ContentModerationError." });
        sheet.Add(new ContactSheetEntry { PredictionId = "p3", Status = "failed", ErrorName = "ContentModerationError", ErrorMessage = "blocked word" });
        // A file that was never sent, and a prediction still running.
        sheet.Add(new ContactSheetEntry { Source = Path.Combine(_folder, "photos/notes.jpg"), ErrorName = "InvalidInputImage", ErrorMessage = "not an image" });
        sheet.Add(new ContactSheetEntry { PredictionId = "p5", Status = "processing" });

        var summary = sheet.Summarize();
        var (_, html) = Write(sheet);

        Assert.Equal((5, 2, 2, 1, 2), (summary.Total, summary.Completed, summary.Failed, summary.Unfinished, summary.CreditsUsed));
        Assert.Contains("5 inputs: <b data-count=\"completed\">2</b> completed, <b data-count=\"failed\">2</b> failed, " +
                        "<b data-count=\"unfinished\">1</b> unfinished; <b data-count=\"credits\">2</b> credits used", html);
        Assert.Equal(["completed", "completed", "failed", "failed", "unfinished"],
            Regex.Matches(html, "<article class=\"entry\" id=\"entry-\\d\" data-status=\"(\\w+)\"").Select(m => m.Groups[1].Value));
        Assert.Contains("<button type=\"button\" data-filter=\"failed\" aria-pressed=\"false\">Failed (2)</button>", html);
        // The merged failure keeps the file from the error record and the service's own error, with what to do.
        var merged = Articles(html).Single(a => a.Contains("<bdi>c.jpg</bdi>"));
        Assert.Contains("<code>ContentModerationError</code>: blocked word</dd>\n<dt>What to do</dt><dd class=\"advice\">Use a different image or prompt.</dd>", merged);
        Assert.Contains("<figure class=\"original\"><a href=\"../photos/c.jpg\"><img src=\"thumbnails/c-", merged);
        Assert.Contains("Get-FashnPrediction -Id p5 -Wait | Save-FashnOutput", html);
    }

    [Fact]
    public void LinksAreRelativeToThePageAndLeadToTheFilesAndTheirThumbnails()
    {
        var original = Photo("photos/spring 2026/shoe #1.jpg", 1600, 1200);
        var output = Photo("out/shoe #1.png");
        var sheet = new ContactSheetModel("t");
        sheet.Add(Completed(original, output, "p1"));

        var (result, html) = Write(sheet);
        var pageFolder = Path.Combine(_folder, "out");

        Assert.Equal(Path.Combine(pageFolder, "thumbnails"), result.ThumbnailFolder);
        Assert.Equal(2, result.Thumbnails);
        var links = Links(html).ToList();
        Assert.Equal(["../photos/spring%202026/shoe%20%231.jpg", "shoe%20%231.png"], links.Where(l => !l.StartsWith("thumbnails/")));
        Assert.All(links, link => Assert.True(File.Exists(Resolve(pageFolder, link)), link + " must lead to a file"));
        var thumbnails = links.Where(l => l.StartsWith("thumbnails/")).Select(l => Resolve(pageFolder, l)).ToList();
        Assert.Equal(2, thumbnails.Distinct().Count());
        // The large original is scaled to 480 px; the small output is copied as it is.
        using (var codec = SKCodec.Create(thumbnails[0])) Assert.Equal(new SKSizeI(480, 360), codec.Info.Size);
        using (var codec = SKCodec.Create(thumbnails[1])) Assert.Equal(new SKSizeI(320, 240), codec.Info.Size);
    }

    [Theory]
    [InlineData("/data/out", "/data/out/a.png", "a.png")]
    [InlineData("/data/out", "/data/out/thumbnails/a-1.jpg", "thumbnails/a-1.jpg")]
    [InlineData("/data/out", "/data/photos/a b.jpg", "../photos/a%20b.jpg")]
    [InlineData("/data/out/sheet", "/elsewhere/x?y#z.jpg", "../../../elsewhere/x%3Fy%23z.jpg")]
    [InlineData("/data/out", "/data/out/ä ö/%41.png", "%C3%A4%20%C3%B6/%2541.png")]
    public void RelativeLinkFromThePagesFolder(string pageFolder, string file, string expected)
    {
        Assert.Equal(expected, RelativeLink.From(pageFolder, file));
    }

    [Fact]
    public void AnImageThatCannotBeShownGetsANoteAndAWarningAndThePageIsStillWritten()
    {
        var notAnImage = Path.Combine(_folder, "photos", "notes.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(notAnImage)!);
        File.WriteAllText(notAnImage, "not a photo");
        var sheet = new ContactSheetModel("t");
        sheet.Add(new ContactSheetEntry { Source = notAnImage, ErrorName = "InvalidInputImage", ErrorMessage = "not an image" });
        sheet.Add(Completed(Photo("photos/a.jpg"), Path.Combine(_folder, "out", "gone.png"), "p2"));

        var (result, html) = Write(sheet);

        Assert.Equal(2, result.Warnings.Count);
        Assert.Contains(result.Warnings, w => w.StartsWith($"No thumbnail for '{notAnImage}': ") && w.Contains("is not an image"));
        Assert.Contains(result.Warnings, w => w.Contains("gone.png' does not exist"));
        Assert.Contains("<a href=\"../photos/notes.jpg\"><div class=\"none\">No preview of &#39;notes.jpg&#39;</div></a>", html);
        Assert.Contains("&#39;gone.png&#39; is no longer at", html);
        Assert.Equal(1, result.Thumbnails);
    }

    [Fact]
    public void AnExistingPageIsReplacedWholeAndNoTemporaryFileIsLeft()
    {
        var page = Path.Combine(_folder, "out", "index.html");
        Directory.CreateDirectory(Path.GetDirectoryName(page)!);
        File.WriteAllText(page, "old page");
        var sheet = new ContactSheetModel("New sheet");
        sheet.Add(Completed(Photo("photos/a.jpg"), Photo("out/a.png"), "p1"));

        var (_, html) = Write(sheet);

        Assert.Contains("<h1>New sheet</h1>", html);
        Assert.Equal(["a.png", "index.html"], Directory.GetFiles(Path.Combine(_folder, "out")).Select(Path.GetFileName).Order());
    }
}
