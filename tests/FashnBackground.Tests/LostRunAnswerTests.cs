using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// A run whose answer is late or lost after FASHN created the prediction: the module does not send it again (that
/// would bill a second prediction), and says how to find out whether it started.
/// </summary>
public sealed class LostRunAnswerTests
{
    [Fact]
    public async Task ARunAnsweredAfterTheRequestTimeoutIsNotSentAgainAndSaysToCheckTheCredits()
    {
        await using var emulator = await Emulators.StartFastAsync(o =>
        {
            o.FaultSlowAfterCreateRate = 1;
            o.FaultSlowSeconds = 10;
            o.FaultSeed = 3;
        });
        using var folder = new TempFolder();
        var photo = TestImages.WriteJpeg(folder.Combine("late.jpg"), 64, 48, 7);
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey);

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -RequestTimeoutSec 1", photo);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.SubmissionOutcomeUnknown", error.FullyQualifiedErrorId);
        Assert.Contains("no answer within 1 s", error.Exception.Message);
        Assert.Contains("Get-FashnCredits", error.Exception.Message);
        var stats = await Emulators.StatsAsync(emulator);
        Assert.Equal(1, stats.GetProperty("predictions").GetProperty("created").GetInt64());
        Assert.Equal(1, stats.GetProperty("faults").GetProperty("slow-after-create").GetInt64());
    }
}
