using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>Tab completion as the console offers it, and how predictions and errors print, in the real engine.</summary>
public sealed class CompletionAndFormatTests : IAsyncLifetime
{
    private Fashn.Emulator.EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Emulators.StartFastAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private PowerShellHost NewHost() => new(_emulator.BaseUri, Emulators.ApiKey);

    /// <summary>What TabExpansion2 offers with the cursor at the end of the line, as a user pressing Tab sees it.</summary>
    private static List<CompletionResult> Complete(PowerShellHost host, string line)
    {
        var result = host.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches", line);
        Assert.Empty(result.Errors);
        return result.Output.Select(o => (CompletionResult)o.BaseObject).ToList();
    }

    [Fact]
    public void OutputFormatCompletesToPngAndJpeg()
    {
        using var host = NewHost();

        var all = Complete(host, "Invoke-FashnBackgroundChange -Path a.jpg -Prompt studio -OutputFormat ");
        Assert.Equal(new[] { "jpeg", "png" }, all.Select(c => c.CompletionText).Order());

        var narrowed = Complete(host, "Invoke-FashnBackgroundChange -Path a.jpg -Prompt studio -OutputFormat j");
        Assert.Equal("jpeg", Assert.Single(narrowed).CompletionText);
    }

    [Fact]
    public void ModelNameCompletesToTheModelsThatTakeAnImageAndAPrompt()
    {
        using var host = NewHost();

        var all = Complete(host, "Invoke-FashnBackgroundChange -Path a.jpg -Prompt studio -ModelName ");
        Assert.Equal(new[] { "background-change", "edit" }, all.Select(c => c.CompletionText).Order());

        Assert.Equal("edit", Assert.Single(Complete(host, "Invoke-FashnBackgroundChange -Prompt studio -ModelName e")).CompletionText);
    }

    [Fact]
    public void IdCompletesToThePredictionsThisSessionHasSeen()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("completion-shoe.jpg"), variant: 91);
        using var host = NewHost();
        const string unseenPrefix = "zz-never-seen-";
        Assert.Empty(Complete(host, "Get-FashnPrediction -Id " + unseenPrefix));

        var submitted = host.Invoke("Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -NoJournal", file);
        var id = (string)Assert.Single(submitted.Output).Properties["Id"].Value;

        var offered = Complete(host, "Get-FashnPrediction -Id ");
        var match = Assert.Single(offered, c => c.CompletionText == id);
        Assert.Contains("completion-shoe.jpg", match.ToolTip);
        var byPrefix = Complete(host, "Get-FashnPrediction -Id " + id[..6]);
        Assert.Contains(byPrefix, c => c.CompletionText == id);
        Assert.All(byPrefix, c => Assert.StartsWith(id[..6], c.CompletionText));
    }

    [Fact]
    public void FormatViewsReferenceOnlyPropertiesThatExist()
    {
        var formatFile = Path.Combine(ModuleLayout.StagedFolder, "FashnBackground.format.ps1xml");
        var xml = XDocument.Load(formatFile);
        using var host = NewHost();
        var views = xml.Descendants("View").ToList();
        Assert.Contains(views, v => v.Element("TableControl") != null && v.Descendants("TypeName").Single().Value == "FashnBackground.FashnPrediction");
        Assert.Contains(views, v => v.Element("ListControl") != null && v.Descendants("TypeName").Single().Value == "FashnBackground.FashnPrediction");

        foreach (var view in views)
        {
            var typeName = view.Descendants("TypeName").Single().Value;
            var properties = host.Invoke("([type]$args[0]).GetProperties().Name", typeName);
            Assert.Empty(properties.Errors);
            var names = properties.Output.Select(o => o.ToString()).ToHashSet();
            Assert.NotEmpty(names);
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
            {
                Assert.True(names.Contains(property), $"{typeName} has no property {property} (view {view.Element("Name")!.Value})");
            }
            foreach (var script in view.Descendants("ScriptBlock").Select(s => s.Value))
            {
                var ast = Parser.ParseInput(script, out _, out var errors);
                Assert.Empty(errors);
                var used = ast.FindAll(a => a is MemberExpressionAst { Expression: VariableExpressionAst { VariablePath.UserPath: "_" } }, true)
                    .Cast<MemberExpressionAst>().Select(m => ((StringConstantExpressionAst)m.Member).Value);
                foreach (var property in used) Assert.True(names.Contains(property), $"{typeName} has no property {property} used in: {script}");
            }
        }

        var table = views.First(v => v.Element("TableControl") != null && v.Descendants("TypeName").Single().Value == "FashnBackground.FashnPrediction");
        Assert.Equal(new[] { "Status", "Source", "Output or error", "Seconds", "Id" }, table.Descendants("Label").Select(l => l.Value));
    }

    [Fact]
    public void PredictionsPrintAsATableWithFileNamesAndErrorsInline()
    {
        using var folder = new TempFolder();
        var file = TestImages.WriteJpeg(folder.Combine("table-mug.jpg"), variant: 92);
        using var console = new RenderingRunspace(_emulator.BaseUri);

        console.Run(
            "Invoke-FashnBackgroundChange -LiteralPath $args[0] -Prompt 'studio' -Wait -NoJournal | Out-Default; " +
            "$failing = Invoke-FashnBackgroundChange -Uri 'http://127.0.0.1:9/unreachable.jpg' -Prompt 'studio' -NoJournal; " +
            "Get-FashnPrediction -Id $failing.Id -Wait | Out-Default", file);

        var lines = console.PlainText.Split('\n').Select(l => l.TrimEnd()).ToList();
        var header = lines.First(l => l.StartsWith("Status ") && l.Contains("Source") && l.Contains("Output or error") && l.Contains("Seconds") && l.EndsWith(" Id"));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^------ +------ +--------------- +------- +--$"));
        // The completed one: its file name (not the full path), its output on the CDN, its seconds and its id.
        var completed = Assert.Single(lines, l => l.StartsWith("completed "));
        Assert.Contains(" table-mug.jpg ", completed);
        Assert.DoesNotContain(folder.Path, completed);
        Assert.Matches("/…/output_0\\.png +\\d+(\\.\\d+)? [0-9a-z-]+$", completed);
        // The failed one: the FASHN error name and message in place of an output.
        var failed = Assert.Single(lines, l => l.StartsWith("failed "));
        Assert.Contains("ImageLoadError: ", failed);
        Assert.True(lines.IndexOf(header) < lines.IndexOf(completed));
    }

    [Fact]
    public void AnErrorPrintsAsOneMessageThatSaysWhatToDoWithoutAStackTrace()
    {
        using var console = new RenderingRunspace(_emulator.BaseUri);

        console.Run("Get-FashnPrediction -Id 'no-such-prediction-42' 2>&1 | Out-Default");

        var text = console.PlainText;
        Assert.Contains("Get-FashnPrediction", text);
        Assert.Contains("404 NotFound", text);
        Assert.Contains("unknown or no longer tracked", text);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain(Emulators.ApiKey, text);
    }

    [Fact]
    public void CreditsPrintAsATable()
    {
        using var console = new RenderingRunspace(_emulator.BaseUri);

        console.Run("Get-FashnCredits | Out-Default");

        var lines = console.PlainText.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.Equal("Total Subscription OnDemand", Regex.Replace(lines[0], " +", " "));
        Assert.Matches("^\\d+ +\\d+ +\\d+$", lines[2]);
    }
}

/// <summary>
/// A runspace whose host records what PowerShell's formatter writes to the console, so a test can read what a user
/// sees (Out-Default renders to the host with the module's format views), on a console 120 or 80 columns wide.
/// </summary>
public sealed class RenderingRunspace : IDisposable
{
    private readonly TestConsoleHost _host;
    private readonly Runspace _runspace;

    public RenderingRunspace(Uri baseUri, int width = 120)
    {
        _host = new TestConsoleHost(width);
        _runspace = RunspaceFactory.CreateRunspace(_host, HostedSessionState.Create());
        _runspace.Open();
        Run("Import-Module $args[0]; $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $args[1]; $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $args[2]",
            ModuleLayout.StagedManifest, baseUri.AbsoluteUri, Emulators.ApiKey);
    }

    /// <summary>The console text without colour escapes.</summary>
    public string PlainText => Regex.Replace(_host.Text, "\u001b\\[[0-9;]*m", "").Replace("\r\n", "\n");

    /// <summary>Runs a script that must not fail, and returns what it wrote to the pipeline.</summary>
    public System.Collections.ObjectModel.Collection<PSObject> Run(string script, params object[] arguments)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var argument in arguments) ps.AddArgument(argument);
        var output = ps.Invoke();
        if (ps.Streams.Error.Count > 0) throw new InvalidOperationException(string.Join("\n", ps.Streams.Error));
        return output;
    }

    public void Dispose() => _runspace.Dispose();
}
