using System.Management.Automation;
using SkiaSharp;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>Invoke-FashnBackgroundChange -ModelName edit as users run it, against the emulator: what arrives, what is refused.</summary>
public sealed class EditTests
{
    [Theory]
    [InlineData("2k", 4_000_000)]
    [InlineData("4k", 16_000_000)]
    public async Task ALargePhotoArrivesAtTheResolutionsSizeNotAtOneMegapixel(string resolution, int pixels)
    {
        await using var emulator = await Emulators.StartFastAsync();
        using var folder = new TempFolder();
        var path = folder.Combine("camera.jpg");
        // 24 megapixels: more than every tier takes.
        File.WriteAllBytes(path, TestImages.SubjectOnBackdrop(6000, 4000, SKEncodedImageFormat.Jpeg));
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -ModelName edit -Prompt 'studio' -Resolution $args[1] -OutputFormat jpeg",
            path, resolution);

        Assert.Empty(result.Errors);
        var prediction = Assert.Single(result.Output);
        var sent = (int)prediction.Properties["SentWidth"].Value * (long)(int)prediction.Properties["SentHeight"].Value;
        Assert.InRange(sent, pixels * 0.99, pixels);
        var received = Assert.Single((await Emulators.StatsAsync(emulator)).GetProperty("inputs").EnumerateArray());
        Assert.Equal(sent, received.GetProperty("width").GetInt32() * (long)received.GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task ModelResolutionAndModeInAnyCaseAreSentAsFashnSpellsThem()
    {
        await using var emulator = await Emulators.StartFastAsync();
        using var folder = new TempFolder();
        var path = TestImages.WriteJpeg(folder.Combine("shoe.jpg"));
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -ModelName Edit -Resolution 2K -GenerationMode Fast -Prompt 'studio' -Wait", path);

        Assert.True(result.Errors.Count == 0, result.AllText());
        var prediction = Assert.Single(result.Output);
        Assert.Equal("edit", prediction.Properties["ModelName"].Value);
        Assert.Equal("completed", prediction.Properties["Status"].Value);
        // The prediction says what was asked, as it was sent.
        Assert.Equal("2k", prediction.Properties["Resolution"].Value);
        Assert.Equal("fast", prediction.Properties["GenerationMode"].Value);
        Assert.Null(prediction.Properties["NumImages"].Value);
    }

    [Fact]
    public async Task EditsParametersWithBackgroundChangeAreOneTerminatingErrorAndNothingIsSent()
    {
        await using var emulator = await Emulators.StartFastAsync();
        using var folder = new TempFolder();
        var photo = TestImages.WriteJpeg(folder.Combine("photo.jpg"));
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.InvokeCommand("Invoke-FashnBackgroundChange",
            new() { ["LiteralPath"] = photo, ["Prompt"] = "studio", ["GenerationMode"] = "quality", ["ImageContext"] = photo });

        Assert.NotNull(result.Terminating);
        var error = result.Terminating!.ErrorRecord;
        Assert.StartsWith("Fashn.InvalidArgument", error.FullyQualifiedErrorId);
        Assert.Equal("-ImageContext and -GenerationMode are inputs of the edit model; the model 'background-change' does not take them. " +
                     "Add -ModelName edit (FASHN's successor of background-change, with the same image and prompt).", error.Exception.Message);
        Assert.Equal(0, Emulators.RequestCount(await Emulators.StatsAsync(emulator), "POST", "/v1/run"));
    }

    [Fact]
    public async Task WhenFashnHasRetiredBackgroundChangeTheBatchStopsWithOneErrorThatSaysToUseEdit()
    {
        await using var emulator = await Emulators.StartFastAsync(o => o.RetiredModels = ["background-change"]);
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 10).Select(i => TestImages.WriteJpeg(folder.Combine($"p{i}.jpg"), variant: i)).ToArray();
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", files);

        Assert.Empty(result.Output);
        var stop = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.ModelDiscontinued", stop.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, stop.CategoryInfo.Category);
        Assert.Contains("Unknown model_name 'background-change'", stop.Exception.Message);
        Assert.Contains("run the command again with -ModelName edit", stop.Exception.Message);
        // At most the first wave (6 at once) was sent before the refusal came back; the rest never were.
        Assert.InRange(Emulators.RequestCount(await Emulators.StatsAsync(emulator), "POST", "/v1/run"), 1, 6);
    }
}
