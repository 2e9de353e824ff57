using System.Management.Automation;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// Rows from a spreadsheet: Import-Csv objects with Path, Prompt, Seed and OutputFormat columns, each row its own
/// input with its own settings; a row that cannot be sent is one error for that row, and the others go on.
/// </summary>
public sealed class SpreadsheetRowsTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private PowerShellHost NewHost() => new(_emulator.BaseUri, Emulators.ApiKey);

    private static string WriteCsv(TempFolder folder, params string[] lines)
    {
        var path = folder.Combine("products.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<int> RunsReceived() => Emulators.RequestCount(await Emulators.StatsAsync(_emulator), "POST", "/v1/run");

    [Fact]
    public async Task EachRowGetsItsOwnPromptAndSeedAndARowWithoutAPromptIsOneErrorNamingIt()
    {
        using var folder = new TempFolder();
        TestImages.WriteJpeg(folder.Combine("shoe.jpg"), variant: 101);
        TestImages.WriteJpeg(folder.Combine("mug.jpg"), variant: 102);
        TestImages.WriteJpeg(folder.Combine("lamp.jpg"), variant: 103);
        var csv = WriteCsv(folder, "Path,Prompt,Seed", "shoe.jpg,beach sunset,7", "mug.jpg,marble kitchen,12", "lamp.jpg,,3");
        using var host = NewHost();

        var result = host.Invoke(
            "Set-Location -LiteralPath $args[1]; Import-Csv $args[0] | Invoke-FashnBackgroundChange -Wait | Save-FashnOutput -Destination rows",
            csv, folder.Path);

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.InvalidArgument,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("lamp.jpg", error.TargetObject);
        Assert.Contains("'lamp.jpg'", error.Exception.Message);
        Assert.Contains("Prompt column", error.Exception.Message);
        Assert.Contains("-Prompt", error.Exception.Message);
        Assert.Equal(new[] { "mug.png", "shoe.png" }, result.Output.Select(o => (string)o.Properties["Name"].Value).Order());
        // Only the two rows with a prompt reached the service.
        Assert.Equal(2, await RunsReceived());

        // What FASHN made for each row is what it makes for that file with that row's prompt and seed given by hand...
        host.Invoke("Invoke-FashnBackgroundChange -LiteralPath shoe.jpg -Prompt 'beach sunset' -Seed 7 -Wait -NoJournal | Save-FashnOutput -Destination byhand; " +
                    "Invoke-FashnBackgroundChange -LiteralPath mug.jpg -Prompt 'marble kitchen' -Seed 12 -Wait -NoJournal | Save-FashnOutput -Destination byhand; " +
                    "Invoke-FashnBackgroundChange -LiteralPath shoe.jpg -Prompt 'beach sunset' -Wait -NoJournal | Save-FashnOutput -Destination otherseed; " +
                    "Invoke-FashnBackgroundChange -LiteralPath shoe.jpg -Prompt 'marble kitchen' -Seed 7 -Wait -NoJournal | Save-FashnOutput -Destination otherprompt");
        byte[] Saved(string subfolder, string name) => File.ReadAllBytes(folder.Combine(subfolder, name));
        Assert.Equal(Saved("byhand", "shoe.png"), Saved("rows", "shoe.png"));
        Assert.Equal(Saved("byhand", "mug.png"), Saved("rows", "mug.png"));
        // ...and not what another seed or another prompt makes.
        Assert.NotEqual(Saved("otherseed", "shoe.png"), Saved("rows", "shoe.png"));
        Assert.NotEqual(Saved("otherprompt", "shoe.png"), Saved("rows", "shoe.png"));
    }

    [Fact]
    public void ThePredictionsCarryTheirRowsPromptSeedAndOutputFormat()
    {
        using var folder = new TempFolder();
        var shoe = TestImages.WriteJpeg(folder.Combine("shoe.jpg"), variant: 104);
        var mug = TestImages.WriteJpeg(folder.Combine("mug.jpg"), variant: 105);
        // The same file twice, with different prompts: two predictions.
        var csv = WriteCsv(folder, "Path,Prompt,Seed,OutputFormat", $"{shoe},beach sunset,7,JPEG", $"{mug},marble kitchen,,", $"{shoe},studio,4294967295,png");
        using var host = NewHost();

        var result = host.Invoke("Import-Csv $args[0] | Invoke-FashnBackgroundChange -Wait", csv);

        Assert.Empty(result.Errors);
        var rows = result.Output.Select(p => (
            Source: (string)p.Properties["Source"].Value, Prompt: (string)p.Properties["Prompt"].Value,
            Seed: (long?)p.Properties["Seed"].Value, Format: (string)p.Properties["OutputFormat"].Value,
            Output: ((string[])p.Properties["Output"].Value).Single())).OrderBy(r => r.Prompt).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal((shoe, "beach sunset", 7L, "jpeg"), (rows[0].Source, rows[0].Prompt, rows[0].Seed, rows[0].Format));
        Assert.EndsWith(".jpg", rows[0].Output);
        // An empty cell is no value: the service's default seed, and png.
        Assert.Equal((mug, "marble kitchen", (long?)null, "png"), (rows[1].Source, rows[1].Prompt, rows[1].Seed, rows[1].Format));
        Assert.EndsWith(".png", rows[1].Output);
        Assert.Equal((shoe, "studio", 4294967295L, "png"), (rows[2].Source, rows[2].Prompt, rows[2].Seed, rows[2].Format));
    }

    [Fact]
    public async Task APromptOnTheCommandLineServesEveryRowAndEachRowKeepsItsSeed()
    {
        using var folder = new TempFolder();
        var shoe = TestImages.WriteJpeg(folder.Combine("shoe.jpg"), variant: 106);
        var mug = TestImages.WriteJpeg(folder.Combine("mug.jpg"), variant: 107);
        var lamp = TestImages.WriteJpeg(folder.Combine("lamp.jpg"), variant: 108);
        var csv = WriteCsv(folder, "Path,Prompt,Seed", $"{shoe},beach sunset,7", $"{mug},,12", $"{lamp}");
        using var host = NewHost();

        var result = host.Invoke("Import-Csv $args[0] | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait", csv);

        Assert.Empty(result.Errors);
        var bySource = result.Output.ToDictionary(p => (string)p.Properties["Source"].Value);
        Assert.Equal(new[] { lamp, mug, shoe }.Order(), bySource.Keys.Order());
        Assert.All(bySource.Values, p => Assert.Equal("studio", p.Properties["Prompt"].Value));
        Assert.Equal(7L, bySource[shoe].Properties["Seed"].Value);
        Assert.Equal(12L, bySource[mug].Properties["Seed"].Value);
        Assert.Null(bySource[lamp].Properties["Seed"].Value);
        Assert.Equal(3, await RunsReceived());
    }

    [Fact]
    public async Task ABadSeedInOneRowIsAnErrorForThatRowAndTheOthersGoOn()
    {
        using var folder = new TempFolder();
        var shoe = TestImages.WriteJpeg(folder.Combine("shoe.jpg"), variant: 109);
        var mug = TestImages.WriteJpeg(folder.Combine("mug.jpg"), variant: 110);
        var csv = WriteCsv(folder, "Path,Prompt,Seed", $"{shoe},studio,seven", $"{mug},studio,5", $"{shoe},beach,4294967296");
        using var host = NewHost();

        var result = host.Invoke("Import-Csv $args[0] | Invoke-FashnBackgroundChange -Wait", csv);

        Assert.Null(result.Terminating);
        var done = Assert.Single(result.Output);
        Assert.Equal(mug, done.Properties["Source"].Value);
        Assert.Equal(5L, done.Properties["Seed"].Value);
        Assert.Equal(2, result.Errors.Count);
        foreach (var (error, seed) in result.Errors.Zip(new[] { "seven", "4294967296" }))
        {
            Assert.StartsWith("ParameterArgumentTransformationError,", error.FullyQualifiedErrorId);
            Assert.Contains($"The seed '{seed}' is not a whole number from 0 to 4294967295", error.Exception.Message);
            Assert.Contains("leave the seed out", error.Exception.Message);
            // The row itself is the target: its Path says which one it was.
            Assert.Equal(shoe, ((PSObject)error.TargetObject).Properties["Path"].Value);
        }
        Assert.Equal(1, await RunsReceived());
    }

    [Fact]
    public async Task WithNoPromptAtAllTheCommandSaysHowToGiveOneBeforeSendingAnything()
    {
        using var folder = new TempFolder();
        var shoe = TestImages.WriteJpeg(folder.Combine("shoe.jpg"), variant: 111);
        using var host = NewHost();

        var result = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Wait", shoe);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Fashn.InvalidArgument,", error.FullyQualifiedErrorId);
        Assert.Contains("No prompt was given", error.Exception.Message);
        Assert.Contains("-Prompt 'studio'", error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.Equal(0, await RunsReceived());
    }
}
