using System.Management.Automation;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// A journal that cannot be written: found out before anything is paid for; and when it fails after the run was
/// sent, the error names the prediction and says how to collect it, since a re-run would not know it.
/// </summary>
public sealed class JournalWriteTests
{
    private static string Id(ErrorRecord record) => record.FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public async Task AJournalPathThatIsAFolderStopsTheCommandBeforeAnythingIsSent()
    {
        await using var emulator = await Emulators.StartFastAsync();
        using var folder = new TempFolder();
        var photo = TestImages.WriteJpeg(folder.Combine("shoe.jpg"));
        var journalFolder = Directory.CreateDirectory(folder.Combine("journal")).FullName;
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -JournalPath $args[1]", photo, journalFolder);

        Assert.Empty(result.Output);
        var error = result.Terminating?.ErrorRecord ?? Assert.Single(result.Errors);
        Assert.Equal("Fashn.JournalNotOpened", Id(error));
        Assert.Contains($"The journal '{journalFolder}' cannot be opened: It is a folder", error.Exception.Message);
        Assert.Contains("-JournalPath", error.Exception.Message);
        var stats = await Emulators.StatsAsync(emulator);
        Assert.Equal(0, Emulators.RequestCount(stats, "POST", "/v1/run"));
        Assert.Equal(0, stats.GetProperty("predictions").GetProperty("created").GetInt32());
    }

    [Fact]
    public void AJournalThatCannotRecordARunAlreadySentNamesThePredictionAndHowToCollectIt()
    {
        using var folder = new TempFolder();
        var photo = TestImages.WriteJpeg(folder.Combine("shoe.jpg"));
        var journal = folder.Combine("journal.jsonl");
        const string id = "b7d3c1f0-0000-4000-8000-00000000a001";
        // A fake FASHN that, while it starts the prediction, sees the journal turned into a folder (as a full disk or
        // another program would make the write fail), then answers with the new id.
        using var api = new LoopbackHttpStub((method, path) =>
        {
            if (method != "POST" || !path.StartsWith("/v1/run", StringComparison.Ordinal)) return null;
            File.Delete(journal);
            Directory.CreateDirectory(journal);
            return new LoopbackHttpStub.Answer(200, "application/json", $"{{\"id\":\"{id}\",\"error\":null}}");
        });
        using var host = new PowerShellHost(api.Url(""), Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -JournalPath $args[1]", photo, journal);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("Fashn.JournalNotWritten", Id(error));
        Assert.Equal(ErrorCategory.WriteError, error.CategoryInfo.Category);
        Assert.Equal(photo, error.TargetObject?.ToString());
        Assert.Contains($"Prediction {id} was started for '{photo}', but the journal '{journal}' could not record it: It is a folder", error.Exception.Message);
        Assert.Contains($"collect it with Get-FashnPrediction -Id {id} -Wait | Save-FashnOutput", error.Exception.Message);
        Assert.Single(api.Requests, r => r.StartsWith("POST /v1/run", StringComparison.Ordinal));
    }
}
