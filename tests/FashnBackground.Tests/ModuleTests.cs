using System.Management.Automation;
using System.Runtime.Loader;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>The module as users run it: real pipelines in the real engine, against the emulator.</summary>
public sealed class ModuleTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private PowerShellHost NewHost() => new(_emulator.BaseUri, Emulators.ApiKey);

    [Fact]
    public async Task PipedBatchWithWaitSavesOneDecodableImagePerFile()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 8).Select(i => TestImages.WriteJpeg(folder.Combine($"photo {i}.jpg"), 320 + i, 240, i)).ToArray();
        var output = folder.Combine("out");
        using var host = NewHost();

        var result = host.Invoke(
            "$args[0] | ForEach-Object { [System.IO.FileInfo]$_ } | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]",
            files, output);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var saved = result.Output.Select(o => Assert.IsType<FileInfo>(o.BaseObject)).ToList();
        Assert.Equal(files.Select(f => Path.GetFileNameWithoutExtension(f) + ".png").Order(), saved.Select(f => f.Name).Order());
        foreach (var file in saved)
        {
            Assert.True(TestImages.Decodes(file.FullName, out var width, out _), file.FullName + " does not decode");
            Assert.True(width > 0);
        }
        Assert.Empty(Directory.GetFiles(output, "*.partial", SearchOption.AllDirectories));
        var stats = await Emulators.StatsAsync(_emulator);
        Assert.Equal(8, stats.GetProperty("predictions").GetProperty("created").GetInt32());
        Assert.All(stats.GetProperty("inputs").EnumerateArray(), input => Assert.Equal(1, input.GetProperty("predictions").GetInt32()));
    }

    [Fact]
    public void PredictionObjectsCarryWhatWasAskedAndWhatCameBack()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("shoe.jpg"));
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'beach sunset' -Seed 7 -OutputFormat jpeg -Wait", file);

        Assert.Empty(result.Errors);
        var prediction = Assert.Single(result.Output);
        Assert.Equal("FashnBackground.FashnPrediction", prediction.TypeNames[0]);
        Assert.Equal("completed", prediction.Properties["Status"].Value);
        Assert.Equal(file, prediction.Properties["Source"].Value);
        Assert.Equal("beach sunset", prediction.Properties["Prompt"].Value);
        Assert.Equal(7L, prediction.Properties["Seed"].Value);
        Assert.Equal(1, prediction.Properties["CreditsUsed"].Value);
        var outputs = (string[])prediction.Properties["Output"].Value;
        Assert.Single(outputs);
        Assert.EndsWith(".jpg", outputs[0]);
        Assert.False(string.IsNullOrEmpty((string)prediction.Properties["Id"].Value));
        Assert.True((double)prediction.Properties["Seconds"].Value > 0);
    }

    [Fact]
    public void BadFilesAndFailedPredictionsAreErrorsWhileTheRestSucceed()
    {
        using var folder = new TempFolder();
        var good = Enumerable.Range(0, 3).Select(i => TestImages.WriteJpeg(folder.Combine($"good{i}.jpg"), variant: i)).ToArray();
        var notAnImage = folder.Combine("notes.jpg");
        File.WriteAllText(notAnImage, "this is text, not a JPEG");
        var empty = folder.Combine("empty.jpg");
        File.WriteAllBytes(empty, []);
        var missing = folder.Combine("missing.jpg");
        var all = good.Append(notAnImage).Append(empty).Append(missing).ToArray();
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]",
            all, folder.Combine("out"));

        Assert.Null(result.Terminating);
        Assert.Equal(3, result.Output.Count);
        Assert.Equal(3, result.Errors.Count);
        var byTarget = result.Errors.ToDictionary(e => e.TargetObject?.ToString() ?? "");
        Assert.Equal("Fashn.InvalidInputImage", byTarget[notAnImage].FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidData, byTarget[notAnImage].CategoryInfo.Category);
        Assert.Contains("notes.jpg", byTarget[notAnImage].Exception.Message);
        Assert.Equal("Fashn.InvalidInputImage", byTarget[empty].FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ObjectNotFound, byTarget[missing].CategoryInfo.Category);
    }

    [Fact]
    public async Task FailedPredictionIsAnErrorNamedAfterTheFashnError()
    {
        using var folder = new TempFolder();
        var good = TestImages.WriteJpeg(folder.Combine("good.jpg"));
        var goodUri = "data:image/jpeg;base64," + Convert.ToBase64String(File.ReadAllBytes(good));
        // A URL that the emulator cannot load: the prediction is created and fails with ImageLoadError.
        var unreachable = "http://127.0.0.1:9/nothing-listens-here.jpg";
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -Uri $args[0] -Prompt 'studio' -Wait", (object)new[] { goodUri, unreachable });

        Assert.True(result.Output.Count == 1, result.AllText());
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.ImageLoadError", error.FullyQualifiedErrorId);
        Assert.Equal(unreachable, error.TargetObject);
        Assert.Contains("not billed", error.Exception.Message);
        var stats = await Emulators.StatsAsync(_emulator);
        Assert.Equal(2, stats.GetProperty("predictions").GetProperty("created").GetInt32());
    }

    [Fact]
    public void WaitingBatchWritesProgressAndCompletesIt()
    {
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 10).Select(i => TestImages.WriteJpeg(folder.Combine($"p{i}.jpg"), variant: i)).ToArray();
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'office' -Wait -ThrottleLimit 2", (object)files);

        Assert.True(10 == result.Output.Count, result.AllText());
        Assert.NotEmpty(result.Progress);
        Assert.All(result.Progress, p => Assert.Equal("Changing backgrounds with FASHN", p.Activity));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [Fact]
    public void WhatIfWritesNothing()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        var output = folder.Combine("out");
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1] -WhatIf", file, output);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
    }

    [Fact]
    public void ExistingFileIsKeptUnlessForce()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        var output = Directory.CreateDirectory(folder.Combine("out")).FullName;
        var existing = Path.Combine(output, "a.png");
        File.WriteAllText(existing, "keep me");
        using var host = NewHost();

        var kept = host.Invoke("Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]", file, output);
        Assert.Empty(kept.Output);
        Assert.Contains(kept.Warnings, w => w.Message.Contains("-Force"));
        Assert.Equal("keep me", File.ReadAllText(existing));

        var forced = host.Invoke("Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1] -Force", file, output);
        Assert.Single(forced.Output);
        Assert.True(TestImages.Decodes(existing, out _, out _));
    }

    [Fact]
    public void WildcardPathsExpandAndLiteralPathTakesBracketsLiterally()
    {
        using var folder = new TempFolder();
        TestImages.WriteJpeg(folder.Combine("one.jpg"));
        TestImages.WriteJpeg(folder.Combine("two.jpg"), variant: 1);
        var bracketed = TestImages.WriteJpeg(folder.Combine("[1].jpg"), variant: 2);
        using var host = NewHost();

        var wildcard = host.Invoke("Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio'", Path.Combine(folder.Path, "*o*.jpg"));
        Assert.Empty(wildcard.Errors);
        Assert.Equal(2, wildcard.Output.Count);
        Assert.All(wildcard.Output, o => Assert.Equal("starting", o.Properties["Status"].Value));

        var literal = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait", bracketed);
        Assert.Empty(literal.Errors);
        Assert.Equal(bracketed, Assert.Single(literal.Output).Properties["Source"].Value);
    }

    [Fact]
    public void CreditsAreReadAndSpentOnlyOnCompletedPredictions()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        using var host = NewHost();

        var before = host.Invoke("Get-FashnCredits");
        host.Invoke("Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio' -Wait", file);
        var after = host.Invoke("Get-FashnCredits");

        var total = (long)Assert.Single(before.Output).Properties["Total"].Value;
        Assert.Equal(total - 1, (long)Assert.Single(after.Output).Properties["Total"].Value);
    }

    [Fact]
    public void VerboseShowsEachRequestAndTheKeyAppearsInNoStream()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
        using var host = NewHost();

        var result = host.Invoke(
            "Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio' -Wait -Verbose -Debug | Save-FashnOutput -Destination $args[1] -Verbose; " +
            "Get-FashnCredits -Verbose; Get-FashnPrediction -Id missing-id -Verbose; " +
            "Invoke-FashnBackgroundChange -Path $args[0] -Prompt 'studio' -ApiKey 'fa-wrong-key' -Verbose",
            file, folder.Combine("out"));

        Assert.Contains(result.Verbose, v => v.Message.StartsWith("POST /v1/run -> 200"));
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("GET /v1/status/"));
        // The wrong key stops its batch with a terminating error.
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("Fashn.UnauthorizedAccess"));
        var text = result.AllText();
        Assert.DoesNotContain(Emulators.ApiKey, text);
        // Nor in any file the module wrote: the outputs and the journal.
        foreach (var written in Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories).Append(host.JournalPath))
        {
            Assert.DoesNotContain(Emulators.ApiKey, File.ReadAllText(written, System.Text.Encoding.Latin1));
        }
        Assert.DoesNotContain("fa-wrong-key", text);
        Assert.DoesNotContain("0123456789-abcdef", text);
    }

    [Fact]
    public void ModuleBringsItsOwnSystemTextJsonIntoItsOwnLoadContext()
    {
        // The test host, like pwsh, already has the framework's System.Text.Json loaded.
        var hostVersion = typeof(System.Text.Json.JsonSerializer).Assembly.GetName().Version!;
        System.Text.Json.JsonSerializer.Serialize(new { warm = 1 });
        using var host = NewHost();
        var result = host.Invoke("Get-FashnCredits");
        Assert.Single(result.Output);

        var moduleContext = AssemblyLoadContext.All.Single(c => c.Name == "FashnBackground");
        var moduleJson = moduleContext.Assemblies.Single(a => a.GetName().Name == "System.Text.Json");
        Assert.NotEqual(hostVersion, moduleJson.GetName().Version);
        Assert.Contains(moduleContext.Assemblies, a => a.GetName().Name == "Fashn.Client");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "Fashn.Client");
    }
}

/// <summary>Tests that change process-wide environment variables run one at a time.</summary>
[CollectionDefinition("Environment", DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection("Environment")]
public sealed class ApiKeyTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public void NoKeyAnywhereIsATerminatingErrorThatSaysHowToSetIt()
    {
        var saved = Environment.GetEnvironmentVariable("FASHN_API_KEY");
        Environment.SetEnvironmentVariable("FASHN_API_KEY", null);
        try
        {
            using var folder = new TempFolder();
            var file = TestImages.WriteJpeg(folder.Combine("a.jpg"));
            using var host = new PowerShellHost();

            var result = host.InvokeCommand("Invoke-FashnBackgroundChange", new() { ["Path"] = file, ["Prompt"] = "studio", ["BaseUri"] = _emulator.BaseUri });

            Assert.NotNull(result.Terminating);
            var record = result.Terminating!.ErrorRecord;
            Assert.StartsWith("Fashn.MissingApiKey", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, record.CategoryInfo.Category);
            Assert.Contains("FASHN_API_KEY", record.Exception.Message);
            Assert.Contains("-ApiKey", record.Exception.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASHN_API_KEY", saved);
        }
    }

    [Fact]
    public void KeyAndBaseUriComeFromTheEnvironmentLikeTheOfficialSdks()
    {
        var savedKey = Environment.GetEnvironmentVariable("FASHN_API_KEY");
        var savedBase = Environment.GetEnvironmentVariable("FASHN_BASE_URL");
        Environment.SetEnvironmentVariable("FASHN_API_KEY", Emulators.ApiKey);
        Environment.SetEnvironmentVariable("FASHN_BASE_URL", _emulator.BaseUri.AbsoluteUri);
        try
        {
            using var host = new PowerShellHost();
            var result = host.Invoke("Get-FashnCredits");
            Assert.Null(result.Terminating);
            Assert.True((long)Assert.Single(result.Output).Properties["Total"].Value > 0);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASHN_API_KEY", savedKey);
            Environment.SetEnvironmentVariable("FASHN_BASE_URL", savedBase);
        }
    }

    [Fact]
    public void PlainHttpToAHostThatIsNotLoopbackIsRefusedBeforeTheKeyIsSent()
    {
        using var host = new PowerShellHost();
        var result = host.InvokeCommand("Get-FashnCredits", new() { ["ApiKey"] = "fa-x-y", ["BaseUri"] = "http://api.example.com" });
        Assert.NotNull(result.Terminating);
        Assert.StartsWith("Fashn.InvalidArgument", result.Terminating!.ErrorRecord.FullyQualifiedErrorId);
        Assert.Contains("unencrypted", result.Terminating.ErrorRecord.Exception.Message);
    }
}

public sealed class OutputNamingTests
{
    [Fact]
    public void ServerTextCannotNameAFileOutsideTheDestination()
    {
        using var folder = new TempFolder();
        var destination = Directory.CreateDirectory(folder.Combine("out")).FullName;
        var png = "data:image/png;base64," + Convert.ToBase64String(TestImages.SubjectOnBackdrop(8, 8, SkiaSharp.SKEncodedImageFormat.Png, 0));
        using var host = new PowerShellHost();

        var result = host.Invoke(
            "[FashnBackground.FashnPrediction]@{ Id = '../../escaped'; Status = 'completed'; Output = @($args[0]) }, " +
            "[FashnBackground.FashnPrediction]@{ Id = '/etc/passwd'; Status = 'completed'; Output = @($args[0]) }, " +
            "[FashnBackground.FashnPrediction]@{ Id = 'C:\\Windows\\x'; Status = 'completed'; Output = @($args[0]) } | Save-FashnOutput -Destination $args[1]",
            png, destination);

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(destination, ((FileInfo)o.BaseObject).DirectoryName));
        Assert.Equal(new[] { "C__Windows_x.png", "escaped.png", "etc_passwd.png" }, Directory.GetFiles(destination).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}

public sealed class OutOfCreditsTests
{
    [Fact]
    public async Task RunningOutOfCreditsStopsTheBatchButKeepsWhatWasPaidFor()
    {
        await using var emulator = await Emulators.StartFastAsync(o => { o.Credits = 3; o.SubscriptionCredits = 0; });
        using var folder = new TempFolder();
        var files = Enumerable.Range(0, 10).Select(i => TestImages.WriteJpeg(folder.Combine($"o{i}.jpg"), variant: i)).ToArray();
        var output = folder.Combine("out");
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait | Save-FashnOutput -Destination $args[1]", files, output);

        // The batch ends with one error that says why, and the three predictions that were paid for are saved.
        var stop = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.OutOfCredits", stop.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.QuotaExceeded, stop.CategoryInfo.Category);
        Assert.Contains("credits", stop.Exception.Message);
        Assert.Equal(3, Directory.GetFiles(output).Length);
        var stats = await Emulators.StatsAsync(emulator);
        Assert.Equal(3, stats.GetProperty("predictions").GetProperty("completed").GetInt32());
        Assert.Equal(0, stats.GetProperty("credits").GetInt32());
    }
}
