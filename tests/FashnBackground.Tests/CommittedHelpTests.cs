using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// The help the module ships, src/FashnBackground/en-US/ (generated from docs/ by ./build.ps1 -Task Docs with PlatyPS v2
/// and committed), says what docs/ says. Compared by meaning, not bytes, so these tests need no PlatyPS: for every
/// cmdlet its synopsis, description, parameters (description, default value, pipeline input), examples (title, code,
/// remarks) and related links; for the about topic its text.
/// </summary>
public sealed class CommittedHelpTests
{
    private static readonly string DocsFolder = Path.Combine(ModuleLayout.RepositoryRoot, "docs");
    private static readonly string HelpFolder = Path.Combine(ModuleLayout.RepositoryRoot, "src", "FashnBackground", "en-US");
    private static readonly string MamlPath = Path.Combine(HelpFolder, "FashnBackground.dll-Help.xml");
    private static readonly string AboutPath = Path.Combine(HelpFolder, "about_FashnBackground.help.txt");

    private const string HowToRegenerate =
        "Regenerate the help with `./build.ps1 -Task Docs` (needs PlatyPS v2, the module Microsoft.PowerShell.PlatyPS, " +
        "on PSModulePath) and commit docs/ and src/FashnBackground/en-US/ together.";

    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static Dictionary<string, MarkdownHelp> CmdletDocs() =>
        Directory.GetFiles(DocsFolder, "*.md")
            .Where(f => File.ReadLines(f).Take(3).Any(l => l.Trim() == "document type: cmdlet"))
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), MarkdownHelp.Load);

    private static Dictionary<string, XElement> MamlCommands() =>
        XDocument.Load(MamlPath).Root!.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim());

    /// <summary>Text as a reader sees it: line breaks and runs of spaces are one space, so unwrapping prose is no change.</summary>
    private static string Words(string? text) => Regex.Replace(text ?? "", "\\s+", " ").Trim();

    private static string Paragraphs(XElement? parent) =>
        Words(string.Join(" ", parent?.Elements(Maml + "para").Select(p => p.Value) ?? []));

    private static void AssertNoDifferences(List<string> differences)
    {
        Assert.True(differences.Count == 0,
            $"docs/ and {Path.GetRelativePath(ModuleLayout.RepositoryRoot, HelpFolder)}/ disagree:\n  " +
            string.Join("\n  ", differences.Take(25)) + (differences.Count > 25 ? $"\n  ... and {differences.Count - 25} more" : "") +
            "\n" + HowToRegenerate);
    }

    private static void Compare(List<string> differences, string where, string documented, string inHelp)
    {
        if (documented != inHelp) differences.Add($"{where}: docs say \"{documented}\", the help says \"{inHelp}\"");
    }

    [Fact]
    public void TheHelpHasExactlyTheDocumentedCmdletsWithTheirSynopsisDescriptionAndLinks()
    {
        var docs = CmdletDocs();
        var commands = MamlCommands();
        var differences = new List<string>();
        foreach (var missing in docs.Keys.Except(commands.Keys)) differences.Add($"{missing}: documented in docs/ but not in the help");
        foreach (var extra in commands.Keys.Except(docs.Keys)) differences.Add($"{extra}: in the help but has no page in docs/");
        foreach (var (name, doc) in docs.Where(d => commands.ContainsKey(d.Key)))
        {
            var command = commands[name];
            Compare(differences, $"{name} synopsis", Words(doc.Section("SYNOPSIS")), Paragraphs(command.Element(Command + "details")!.Element(Maml + "description")));
            Compare(differences, $"{name} description", Words(doc.Section("DESCRIPTION")), Paragraphs(command.Element(Maml + "description")));
            Compare(differences, $"{name} notes", Words(doc.Section("NOTES")), Paragraphs(command.Element(Maml + "alertSet")?.Element(Maml + "alert")));

            // Links to other pages of docs/ are links by name in Get-Help; web links keep their address.
            var documentedLinks = Regex.Matches(doc.Section("RELATED LINKS"), "^- \\[([^\\]]+)\\]\\(([^)]*)\\)", RegexOptions.Multiline)
                .Select(m => m.Groups[1].Value + (m.Groups[2].Value.StartsWith("http") ? " " + m.Groups[2].Value : ""));
            var helpLinks = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
                .Select(l => (l.Element(Maml + "linkText")!.Value + " " + l.Element(Maml + "uri")!.Value).Trim());
            Compare(differences, $"{name} related links", string.Join(", ", documentedLinks), string.Join(", ", helpLinks));
        }
        AssertNoDifferences(differences);
    }

    [Fact]
    public void EveryParameterHasItsDocumentedDescriptionDefaultValueAndPipelineInput()
    {
        var commands = MamlCommands();
        var differences = new List<string>();
        foreach (var (name, doc) in CmdletDocs().Where(d => commands.ContainsKey(d.Key)))
        {
            var helpParameters = commands[name].Element(Command + "parameters")!.Elements(Command + "parameter")
                .ToDictionary(p => p.Element(Maml + "name")!.Value);
            Compare(differences, $"{name} parameters", string.Join(", ", doc.Parameters.Keys.Order()), string.Join(", ", helpParameters.Keys.Order()));
            foreach (var (parameterName, documented) in doc.Parameters.Where(p => helpParameters.ContainsKey(p.Key)))
            {
                var inHelp = helpParameters[parameterName];
                var where = $"{name} -{parameterName}";
                Compare(differences, $"{where} description", Words(documented.Description), Paragraphs(inHelp.Element(Maml + "description")));
                Compare(differences, $"{where} default value", documented.DefaultValue, inHelp.Element(Dev + "defaultValue")?.Value ?? "(none)");
                var byValue = documented.Sets.Values.Any(s => s.FromPipeline);
                var byPropertyName = documented.Sets.Values.Any(s => s.ByPropertyName);
                var pipelineInput = (byValue, byPropertyName) switch
                {
                    (true, true) => "true (ByValue, ByPropertyName)",
                    (true, false) => "true (ByValue)",
                    (false, true) => "true (ByPropertyName)",
                    _ => "false",
                };
                Compare(differences, $"{where} pipeline input", pipelineInput, inHelp.Attribute("pipelineInput")?.Value ?? "(none)");
            }
        }
        AssertNoDifferences(differences);
    }

    [Fact]
    public void EveryExampleHasItsDocumentedTitleCodeAndRemarksWithoutMarkdownFences()
    {
        var commands = MamlCommands();
        var differences = new List<string>();
        foreach (var (name, doc) in CmdletDocs().Where(d => commands.ContainsKey(d.Key)))
        {
            var documented = Regex.Split(doc.Section("EXAMPLES"), "^### ", RegexOptions.Multiline).Skip(1)
                .Select(e => e.Split('\n', 2)).Select(e => (Title: e[0].Trim(), Body: e.Length > 1 ? e[1] : "")).ToList();
            var inHelp = commands[name].Element(Command + "examples")!.Elements(Command + "example").ToList();
            Compare(differences, $"{name} examples", string.Join(" | ", documented.Select(e => e.Title)),
                string.Join(" | ", inHelp.Select(e => e.Element(Maml + "title")!.Value.Trim('-', ' '))));
            foreach (var (example, index) in documented.Zip(inHelp).Select((pair, i) => (pair, i)))
            {
                var where = $"{name} {example.First.Title}";
                // The first PowerShell block is the example's code; everything else, fences dropped, its introduction and remarks.
                var firstCode = Regex.Match(example.First.Body, "^```powershell\\n(.*?)^```[ \\t]*$", RegexOptions.Singleline | RegexOptions.Multiline);
                var code = firstCode.Success ? firstCode.Groups[1].Value.TrimEnd() : "";
                var prose = firstCode.Success ? example.First.Body.Remove(firstCode.Index, firstCode.Length) : example.First.Body;
                prose = Regex.Replace(prose, "^```.*$", "", RegexOptions.Multiline);
                Compare(differences, $"{where} code", code, example.Second.Element(Dev + "code")!.Value.Replace("\r\n", "\n"));
                Compare(differences, $"{where} remarks", Words(prose),
                    Words(Paragraphs(example.Second.Element(Maml + "introduction")) + " " + Paragraphs(example.Second.Element(Dev + "remarks"))));
            }
        }
        Assert.DoesNotContain("```", File.ReadAllText(MamlPath));
        AssertNoDifferences(differences);
    }

    [Fact]
    public void TheAboutTopicHasTheTextOfItsMarkdown()
    {
        // The markdown without front matter and fences, headings in capitals; line by line, blank lines and indentation aside.
        var markdown = File.ReadAllText(Path.Combine(DocsFolder, "about_FashnBackground.md")).Replace("\r\n", "\n");
        markdown = Regex.Replace(markdown, "\\A---\\n.*?\\n---\\n", "", RegexOptions.Singleline);
        var expected = new List<string>();
        var inCode = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```")) { inCode = !inCode; continue; }
            var heading = inCode ? null : Regex.Match(line, "^#+\\s+(.+)$");
            var text = heading is { Success: true } ? heading.Groups[1].Value.Trim().ToUpperInvariant() : line.Trim();
            if (text.Length > 0) expected.Add(text);
        }
        var actual = File.ReadAllText(AboutPath).Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

        var differences = new List<string>();
        for (var i = 0; i < Math.Max(expected.Count, actual.Count) && differences.Count == 0; i++)
        {
            var documented = i < expected.Count ? expected[i] : "(end of docs/about_FashnBackground.md)";
            var inHelp = i < actual.Count ? actual[i] : "(end of about_FashnBackground.help.txt)";
            Compare(differences, $"about_FashnBackground, text line {i + 1}", documented, inHelp);
        }
        AssertNoDifferences(differences);
    }

    [Fact]
    public void TheBuildStagesTheCommittedHelpWithTheModule()
    {
        foreach (var file in new[] { MamlPath, AboutPath })
        {
            var staged = Path.Combine(ModuleLayout.StagedFolder, "en-US", Path.GetFileName(file));
            Assert.True(File.Exists(staged), $"{staged} is missing: the build must copy src/FashnBackground/en-US/ into the staged module.");
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(staged)), $"{staged} differs from {file}: build again.");
        }
    }
}
