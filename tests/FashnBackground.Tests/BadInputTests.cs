using System.Diagnostics;
using System.Management.Automation;
using SkiaSharp;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// The bad-input corpus (made here, by the tests): each case gets its own clear error and the rest of the batch
/// goes on. The README lists what each case gets.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private PowerShellHost NewHost() => new(_emulator.BaseUri, Emulators.ApiKey);

    private static string Id(ErrorRecord record) => record.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>A photo-like (noisy) JPEG of at least 60 MB.</summary>
    private static string WriteHugeJpeg(string path)
    {
        int width = 5000, height = 4000;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var jpeg = TestImages.Noise(width, height, SKEncodedImageFormat.Jpeg, quality: 100, seed: 7);
            if (jpeg.Length >= 60_000_000)
            {
                File.WriteAllBytes(path, jpeg);
                return path;
            }
            var grow = Math.Sqrt(62_000_000.0 / jpeg.Length);
            width = (int)(width * grow);
            height = (int)(height * grow);
        }
        throw new InvalidOperationException("could not make a 60 MB JPEG");
    }

    [Fact]
    public async Task BadFilesEachGetASpecificErrorAndTheRestOfTheBatchIsSaved()
    {
        using var folder = new TempFolder();
        var good = TestImages.WriteJpeg(folder.Combine("good.jpg"), variant: 1);
        var zero = folder.Combine("zero.jpg");
        File.WriteAllBytes(zero, []);
        var whole = TestImages.SubjectOnBackdrop(320, 240, SKEncodedImageFormat.Jpeg, 2);
        var truncated = folder.Combine("truncated.jpg");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        var text = folder.Combine("readme.jpg");
        File.WriteAllText(text, "Just text that someone named .jpg");
        var huge = WriteHugeJpeg(folder.Combine("huge 60MB.jpg"));
        var directory = Directory.CreateDirectory(folder.Combine("a folder.jpg")).FullName;
        var missing = folder.Combine("missing.jpg");
        var unicode = TestImages.WriteJpeg(folder.Combine("photo ü ñ 写真 [1].jpg"), variant: 3);
        var items = new[] { good, zero, truncated, text, huge, directory, missing, unicode };
        var output = folder.Combine("out");
        using var host = NewHost();

        var result = host.Invoke(
            "$args[0] | ForEach-Object { if ([System.IO.Directory]::Exists($_)) { [System.IO.DirectoryInfo]$_ } else { [System.IO.FileInfo]$_ } } | " +
            "Invoke-FashnBackgroundChange -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]", items, output);

        Assert.Null(result.Terminating);
        var errors = result.Errors.ToDictionary(e => e.TargetObject?.ToString() ?? "");
        Assert.Equal(5, errors.Count);
        Assert.Equal("Fashn.InvalidInputImage", Id(errors[zero]));
        Assert.Contains("empty", errors[zero].Exception.Message);
        Assert.Equal("Fashn.InvalidInputImage", Id(errors[truncated]));
        Assert.Equal("Fashn.InvalidInputImage", Id(errors[text]));
        Assert.Contains("text", errors[text].Exception.Message);
        Assert.Equal("Fashn.InputNotReadable", Id(errors[directory]));
        Assert.Contains("folder", errors[directory].Exception.Message);
        Assert.Equal(ErrorCategory.ObjectNotFound, errors[missing].CategoryInfo.Category);
        // The good file, the 60 MB photo (sent scaled down) and the unicode name with brackets are saved.
        Assert.Equal(new[] { "good.png", "huge 60MB.png", "photo ü ñ 写真 [1].png" }, Directory.GetFiles(output).Select(Path.GetFileName).Order());
        var stats = await Emulators.StatsAsync(_emulator);
        var largest = stats.GetProperty("inputs").EnumerateArray().Max(i => i.GetProperty("width").GetInt32() * i.GetProperty("height").GetInt32());
        Assert.True(largest <= 1_050_000, $"an input of {largest} pixels was sent");
    }

    [Fact]
    public void AHugeImageWithNoResizeIsRefusedBeforeUpload()
    {
        using var folder = new TempFolder();
        var huge = WriteHugeJpeg(folder.Combine("huge.jpg"));
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -NoResize", huge);

        var error = Assert.Single(result.Errors);
        Assert.Equal("Fashn.InvalidInputImage", Id(error));
        Assert.Contains("-NoResize", error.Exception.Message);
    }

    [Fact]
    public void WildcardCharactersInANameNeedLiteralPathAndTheErrorSaysSo()
    {
        using var folder = new TempFolder();
        var bracketed = TestImages.WriteJpeg(folder.Combine("[1].jpg"));
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio'", bracketed);

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("-LiteralPath", error.Exception.Message);
    }

    [Fact]
    public async Task UrlsThatAnswerHtmlOr404OrNeverAnswerFailAsImageLoadErrorsAndDataUrisAreChecked()
    {
        using var stub = new LoopbackHttpStub();
        var good = TestImages.JpegDataUri(200, 150, 4);
        var html = stub.Url("page.html").AbsoluteUri;
        var notFound = stub.Url("missing.jpg").AbsoluteUri;
        var hanging = stub.Url("hang.jpg").AbsoluteUri;
        var noPrefix = Convert.ToBase64String(TestImages.SubjectOnBackdrop(64, 48, SKEncodedImageFormat.Jpeg, 5));
        var brokenBase64 = "data:image/jpeg;base64,/9j/4AAQ%%%not-base64";
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -Uri $args[0] -Prompt 'studio' -Wait",
            (object)new[] { good, html, notFound, hanging, noPrefix, brokenBase64 });

        Assert.Single(result.Output);
        var errors = result.Errors.ToDictionary(e => e.TargetObject?.ToString() ?? "");
        Assert.Equal(5, errors.Count);
        Assert.Equal("Fashn.ImageLoadError", Id(errors[html]));
        Assert.Equal("Fashn.ImageLoadError", Id(errors[notFound]));
        Assert.Equal("Fashn.ImageLoadError", Id(errors[hanging]));
        Assert.Equal("Fashn.InvalidArgument", Id(errors.Single(e => e.Key.StartsWith(noPrefix[..50])).Value));
        Assert.Contains("prefix", errors.Single(e => e.Key.StartsWith(noPrefix[..50])).Value.Exception.Message);
        Assert.Equal("Fashn.InvalidArgument", Id(errors[brokenBase64]));
        Assert.Contains("broken", errors[brokenBase64].Exception.Message);
        // The data URIs were refused before upload: only three URL predictions and the good one reached the service.
        var stats = await Emulators.StatsAsync(_emulator);
        Assert.Equal(4, stats.GetProperty("predictions").GetProperty("created").GetInt32());
    }

    [Theory]
    [InlineData("-Prompt ''", "Fashn.InvalidArgument")]
    [InlineData("-Prompt '   '", "Fashn.InvalidArgument")]
    [InlineData("-Prompt ('x' * 10000)", "Fashn.InvalidArgument")]
    [InlineData("", "Fashn.InvalidArgument")]
    [InlineData("-Prompt 'studio' -Seed 4294967296", "ParameterArgumentTransformationError")]
    [InlineData("-Prompt 'studio' -Seed -1", "ParameterArgumentTransformationError")]
    [InlineData("-Prompt 'studio' -Seed 'seven'", "ParameterArgumentTransformationError")]
    [InlineData("-Prompt 'studio' -OutputFormat gif", "ParameterArgumentValidationError")]
    public async Task BadPromptsSeedsAndFormatsAreRefusedBeforeAnythingIsSent(string arguments, string errorId)
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] " + arguments, file);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(errorId, Id(error));
        Assert.Empty(result.Output);
        var stats = await Emulators.StatsAsync(_emulator);
        Assert.Equal(0, Emulators.RequestCount(stats, "POST", "/v1/run"));
    }

    [Fact]
    public void ADestinationThatIsAFileOrCannotBeCreatedIsATerminatingErrorThatSaysWhy()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        var notAFolder = folder.Combine("notes.txt");
        File.WriteAllText(notAFolder, "a file");
        using var host = NewHost();
        host.Invoke("$global:done = Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", file);

        var intoFile = host.Invoke("$global:done | Save-FashnOutput -Destination $args[0]", notAFolder);
        var readOnly = host.Invoke("$global:done | Save-FashnOutput -Destination '/proc/fashn-cannot-create-this'");

        Assert.Equal("Fashn.OutputNotSaved", Id(Assert.Single(intoFile.Errors)));
        Assert.Contains("is a file", intoFile.Errors[0].Exception.Message);
        Assert.Equal("Fashn.OutputNotSaved", Id(Assert.Single(readOnly.Errors)));
        Assert.Contains("/proc/fashn-cannot-create-this", readOnly.Errors[0].Exception.Message);
        Assert.Equal("a file", File.ReadAllText(notAFolder));
    }

    [Fact]
    public void AFullDiskIsAnErrorForThatFileAndLeavesNoPartialFile()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 3).Select(i => TestImages.WriteJpeg(folder.Combine($"f{i}.jpg"), 640, 480, i)).ToArray();
        var full = Directory.CreateDirectory(folder.Combine("full")).FullName;
        // A 64 KiB file system: room for about one output (CI and this machine run the tests as root).
        RunMount($"-t tmpfs -o size=64k tmpfs \"{full}\"");
        try
        {
            using var host = NewHost();
            var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]",
                files, full);

            Assert.NotEmpty(result.Errors);
            Assert.All(result.Errors, e => Assert.Equal("Fashn.OutputNotSaved", Id(e)));
            Assert.Contains(result.Errors, e => e.Exception.Message.Contains("space", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(3, result.Output.Count + result.Errors.Count);
            Assert.Empty(Directory.GetFiles(full, ".*"));
            foreach (var saved in Directory.GetFiles(full)) Assert.True(TestImages.Decodes(saved, out _, out _), saved);
        }
        finally
        {
            RunMount($"-l \"{full}\"", command: "umount");
        }
    }

    private static void RunMount(string arguments, string command = "mount")
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {arguments} failed: {error}");
    }

    [Fact]
    public async Task AnExpiredBase64OutputGetsAnErrorThatSaysToRunItAgain()
    {
        // Base64 outputs live 60 minutes at FASHN: 1.8 s at this time scale.
        await using var emulator = await Emulators.StartFastAsync(o => o.TimeScale = 0.0005);
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);
        var done = host.Invoke("$global:p = Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -ReturnBase64 -Wait; $global:p", file);
        Assert.True(done.Output.Count == 1, done.AllText());
        Assert.StartsWith("data:image/png;base64,", ((string[])done.Output[0].Properties["Output"].Value)[0]);

        PipelineResult result;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(500);
            result = host.Invoke("$global:p | Get-FashnPrediction | Save-FashnOutput -Destination $args[0] -Force", folder.Combine("out"));
        } while (result.Output.Count > 0 && DateTime.UtcNow < deadline);

        var error = Assert.Single(result.Errors);
        Assert.Equal("Fashn.OutputExpired", Id(error));
        Assert.Contains("60 minutes", error.Exception.Message);
    }

    [Fact]
    public async Task AServerErrorToAnOversizedRunSaysTheSizeIsTheLikelyCauseAndHowToSendLess()
    {
        // FASHN's most common cause of HTTP 500: the emulator answers it to a run body over 4 MiB here.
        await using var emulator = await Emulators.StartFastAsync(o => o.MaxRunBodyBytes = 4L * 1024 * 1024);
        using var folder = new TempFolder();
        var large = folder.Combine("camera.jpg");
        File.WriteAllBytes(large, TestImages.PhotoLike(6000, 4000, SkiaSharp.SKEncodedImageFormat.Jpeg, quality: 95));
        var small = TestImages.WriteJpeg(folder.Combine("small.jpg"));
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0], $args[1] -Prompt 'studio' -NoResize -Wait", large, small);

        var error = Assert.Single(result.Errors);
        Assert.Equal("Fashn.InternalServerError", Id(error));
        Assert.Contains("MB of images", error.Exception.Message);
        Assert.Contains("most common cause of HTTP 500", error.Exception.Message);
        Assert.Contains("leave out -NoResize", error.Exception.Message);
        Assert.DoesNotContain("run the command again later", error.Exception.Message);
        // The small photo in the same batch completes.
        Assert.Equal("completed", Assert.Single(result.Output).Properties["Status"].Value);
    }
}
