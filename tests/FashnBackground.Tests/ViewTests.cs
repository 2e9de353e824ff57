using System.Text.RegularExpressions;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// What the console shows for predictions and saved files at the widths users have: 80 columns (a log, a
/// transcript, a redirected or small console) and 120, through the console host and through Out-String -Width.
/// </summary>
public sealed class ViewTests : IAsyncLifetime
{
    private static readonly string[] TableLabels = { "Status", "Source", "Output or error", "Seconds", "Id" };
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    /// <summary>Two completed predictions (one with a long file name), one failed, one just submitted, kept in $global:predictions.</summary>
    private static void MakePredictions(RenderingRunspace console, TempFolder folder)
    {
        var longName = TestImages.WriteJpeg(folder.Combine("red-leather-handbag-front-view.jpg"), variant: 95);
        var mug = TestImages.WriteJpeg(folder.Combine("mug.jpg"), variant: 96);
        console.Run(
            "$global:predictions = @(Invoke-FashnBackgroundChange -LiteralPath $args[0], $args[1] -Prompt 'studio' -Wait -NoJournal) + " +
            "@(Get-FashnPrediction -Id (Invoke-FashnBackgroundChange -Uri 'http://127.0.0.1:9/shots/unreachable.jpg' -Prompt 'studio' -NoJournal).Id -Wait) + " +
            "@(Invoke-FashnBackgroundChange -LiteralPath $args[1] -Prompt 'beach' -NoJournal)", longName, mug);
    }

    private static List<(string Id, string Status, string ErrorName)> Predictions(RenderingRunspace console) =>
        console.Run("$global:predictions").Select(p => (
            (string)p.Properties["Id"].Value, (string)p.Properties["Status"].Value, (string)p.Properties["ErrorName"].Value)).ToList();

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void ThePredictionTableFitsTheConsoleWithEveryColumnReadable(int width)
    {
        using var folder = new TempFolder();
        using var console = new RenderingRunspace(_emulator.BaseUri, width);
        MakePredictions(console, folder);
        var predictions = Predictions(console);
        Assert.Equal(new[] { "completed", "completed", "failed", "starting" }, predictions.Select(p => p.Status));

        console.Run("$global:predictions | Out-Default");
        var outString = string.Concat(console.Run("$global:predictions | Out-String -Width $args[0]", width).Select(o => o.ToString()));

        foreach (var text in new[] { console.PlainText, outString.Replace("\r\n", "\n") })
        {
            var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
            Assert.All(lines, l => Assert.True(l.Length <= width, $"wider than {width} columns: '{l}'"));
            // The header on one line, every label whole, each column at least as wide as its label (no column of one letter).
            var headerIndex = lines.FindIndex(l => TableLabels.All(l.Contains));
            Assert.True(headerIndex >= 0, $"no header line with every label at {width} columns:\n{text}");
            var header = lines[headerIndex];
            var underline = lines[headerIndex + 1];
            foreach (var label in TableLabels)
            {
                var at = header.IndexOf(label, StringComparison.Ordinal);
                Assert.True(underline.Length >= at + label.Length && underline.Substring(at, label.Length).All(c => c == '-'),
                    $"column '{label}' is narrower than its label at {width} columns:\n{header}\n{underline}");
            }
            var rows = lines.Skip(headerIndex + 2).TakeWhile(l => l.Length > 0).ToList();
            Assert.Equal(predictions.Count, rows.Count);
            foreach (var (row, prediction) in rows.Zip(predictions))
            {
                Assert.StartsWith(prediction.Status + " ", row);
                // The id in full where there is room; at 80 columns at least its first part, shortened with an ellipsis.
                var shownId = row[(row.LastIndexOf(' ') + 1)..];
                if (width >= 120) Assert.Equal(prediction.Id, shownId);
                else Assert.Matches("^" + Regex.Escape(prediction.Id[..8]) + "[^ ]*…$", shownId);
                Assert.StartsWith(shownId.TrimEnd('…'), prediction.Id);
            }
            var completed = rows.Where(r => r.StartsWith("completed ")).ToList();
            Assert.Single(completed, r => r.Contains(" red-leather-handba…"));
            Assert.Single(completed, r => r.Contains(" mug.jpg "));
            Assert.All(completed, r => Assert.Matches(@"127\.0\.0\.1:\d+/…/output_0\.(png|jpeg) +\d+(\.\d+)? ", r));
            var failed = Assert.Single(rows, r => r.StartsWith("failed "));
            // A URL source shows as the file name in its path.
            Assert.Contains(" …/unreachable.jpg ", failed);
            Assert.Contains(" ImageLoadError: ", failed);
            Assert.Matches(@"^starting +mug\.jpg +\S", rows[3]);
        }
    }

    [Fact]
    public void TheListViewShowsEveryPropertyInFullAt80Columns()
    {
        using var folder = new TempFolder();
        using var console = new RenderingRunspace(_emulator.BaseUri, 80);
        MakePredictions(console, folder);
        var failed = console.Run("$global:predictions | Where-Object Status -eq 'failed'").Single();

        var text = string.Concat(console.Run("$global:predictions | Format-List | Out-String -Width 80").Select(o => o.ToString())).Replace("\r\n", "\n");

        // Long values wrap onto indented lines; joined again they are whole.
        var unwrapped = Regex.Replace(text, "\n {2,}", "");
        foreach (var label in new[] { "Id", "Status", "Source", "Prompt", "Seed", "OutputFormat", "ModelName", "Output", "ErrorName", "ErrorMessage",
                     "CreditsUsed", "Attempts", "Collected", "SubmittedAt", "CompletedAt", "Seconds", "Sent", "ApiBaseUri" })
        {
            Assert.Equal(4, Regex.Matches(unwrapped, $"^{label} +:", RegexOptions.Multiline).Count);
        }
        Assert.Contains(": " + folder.Combine("red-leather-handbag-front-view.jpg") + "\n", unwrapped);
        Assert.Contains(": " + (string)failed.Properties["ErrorMessage"].Value + "\n", unwrapped);
        foreach (var id in Predictions(console).Select(p => p.Id)) Assert.Matches($"(?m)^Id +: {Regex.Escape(id)}$", unwrapped);
        Assert.Matches(@"Output +: \{http://127\.0\.0\.1:\d+/cdn/[^/]+/output_0\.png\}", unwrapped);
    }

    [Fact]
    public void SavedFilesPrintLikeGetChildItemPrintsThem()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("saved-mug.jpg"), variant: 97);
        var output = folder.Combine("out");
        using var console = new RenderingRunspace(_emulator.BaseUri, 80);

        var saved = console.Run("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -NoJournal | Save-FashnOutput -Destination $args[1] | Out-Default", file, output);
        Assert.Empty(saved);
        var fromSave = console.PlainText;
        console.Run("Get-ChildItem -LiteralPath $args[0] | Out-Default", output);
        var fromGetChildItem = console.PlainText[fromSave.Length..];

        var savedPath = Path.Combine(output, "saved-mug.png");
        var length = new FileInfo(savedPath).Length;
        var row = Assert.Single(fromSave.Split('\n'), l => l.TrimEnd().EndsWith(" saved-mug.png"));
        Assert.Equal(Assert.Single(fromGetChildItem.Split('\n'), l => l.TrimEnd().EndsWith(" saved-mug.png")), row);
        // Mode and size are filled in, and the file is listed under its folder, as Get-ChildItem does.
        Assert.Matches(OperatingSystem.IsWindows() ? @"^-a---" : @"^-rw", row);
        Assert.Contains(" " + length + " saved-mug.png", row);
        Assert.Contains("Directory: " + output, fromSave);
    }
}
