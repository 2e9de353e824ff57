using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// PlatyPS cannot run here, so these tests keep docs/*.md (the source of the MAML help) in step with the cmdlets
/// as the engine sees them: every cmdlet and parameter documented, with its type, binding and wildcard support,
/// nothing documented that the code lacks, and every example parseable.
/// </summary>
public sealed class DocsTests : IDisposable
{
    private static readonly string DocsFolder = Path.Combine(ModuleLayout.RepositoryRoot, "docs");
    private readonly PowerShellHost _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>What the engine says about one public parameter of one cmdlet.</summary>
    private sealed record CodeParameter(string Name, string TypeName, bool SupportsWildcards, string[] Aliases, string[] AcceptedValues,
        Dictionary<string, (string Position, bool Required, bool FromPipeline, bool ByPropertyName)> Sets);

    private Dictionary<string, CommandInfo> ModuleCommands()
    {
        var result = _host.Invoke("Get-Command -Module FashnBackground");
        Assert.Empty(result.Errors);
        return result.Output.Select(o => (CommandInfo)o.BaseObject).ToDictionary(c => c.Name);
    }

    private static List<CodeParameter> CodeParameters(CommandInfo command)
    {
        var common = new HashSet<string>(Cmdlet.CommonParameters, StringComparer.OrdinalIgnoreCase);
        var parameters = new List<CodeParameter>();
        foreach (var p in command.Parameters.Values.Where(p => !common.Contains(p.Name)))
        {
            var sets = p.ParameterSets.ToDictionary(
                s => s.Key == ParameterAttribute.AllParameterSets ? "(All)" : s.Key,
                s => (s.Value.Position == int.MinValue ? "Named" : s.Value.Position.ToString(),
                      s.Value.IsMandatory, s.Value.ValueFromPipeline, s.Value.ValueFromPipelineByPropertyName));
            var accepted = p.Attributes.OfType<ValidateSetAttribute>().SelectMany(a => a.ValidValues).ToArray();
            parameters.Add(new CodeParameter(p.Name, DocTypeName(p.ParameterType),
                p.Attributes.OfType<SupportsWildcardsAttribute>().Any(), p.Aliases.ToArray(), accepted, sets));
        }
        return parameters;
    }

    /// <summary>The type as PlatyPS v2 writes it: the full name, with Nullable's argument by full name only.</summary>
    private static string DocTypeName(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type);
        return inner != null ? $"System.Nullable`1[{inner.FullName}]" : type.FullName!;
    }

    [Fact]
    public void EveryExportedCmdletHasADocFileInPlatyPSv2Form()
    {
        var commands = ModuleCommands();
        Assert.Equal(5, commands.Count);
        foreach (var name in commands.Keys)
        {
            var path = Path.Combine(DocsFolder, name + ".md");
            Assert.True(File.Exists(path), $"{name} has no docs/{name}.md");
            var doc = MarkdownHelp.Load(path);
            Assert.Equal("cmdlet", doc.FrontMatter["document type"]);
            Assert.Equal("FashnBackground.dll-Help.xml", doc.FrontMatter["external help file"]);
            Assert.Equal("FashnBackground", doc.FrontMatter["Module Name"]);
            Assert.Equal("2024-05-01", doc.FrontMatter["PlatyPS schema version"]);
            Assert.Equal(name, doc.FrontMatter["title"]);
            var order = new[] { "SYNOPSIS", "SYNTAX", "ALIASES", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };
            Assert.Equal(order, doc.Sections.Select(s => s.Title).ToArray());
            Assert.All(doc.Sections.Where(s => s.Title != "ALIASES"), s => Assert.False(string.IsNullOrWhiteSpace(s.Body), $"{name}: ## {s.Title} is empty"));
            Assert.Contains("### CommonParameters", doc.Section("PARAMETERS"));
        }
    }

    [Fact]
    public void EveryDocFileNamesACmdletOfTheModule()
    {
        var commands = ModuleCommands();
        var cmdletDocs = Directory.GetFiles(DocsFolder, "*.md")
            .Where(f => File.ReadLines(f).Take(3).Any(l => l.Trim() == "document type: cmdlet"))
            .Select(Path.GetFileNameWithoutExtension);
        Assert.Equal(commands.Keys.Order(), cmdletDocs.Order());
    }

    [Fact]
    public void EveryParameterIsDocumentedWithItsTypeBindingAndWildcardsAndNothingMore()
    {
        foreach (var command in ModuleCommands().Values)
        {
            var doc = MarkdownHelp.Load(Path.Combine(DocsFolder, command.Name + ".md"));
            var code = CodeParameters(command).ToDictionary(p => p.Name);
            Assert.True(code.Keys.Order().SequenceEqual(doc.Parameters.Keys.Order()),
                $"{command.Name}: code has [{string.Join(", ", code.Keys.Order())}], docs have [{string.Join(", ", doc.Parameters.Keys.Order())}]");
            foreach (var (name, documented) in doc.Parameters)
            {
                var actual = code[name];
                var where = $"{command.Name} -{name}";
                Assert.True(actual.TypeName == documented.Type, $"{where}: type is {actual.TypeName}, documented {documented.Type}");
                Assert.True(actual.SupportsWildcards == documented.SupportsWildcards, $"{where}: SupportsWildcards");
                Assert.True(actual.Aliases.Order().SequenceEqual(documented.Aliases.Order()), $"{where}: aliases [{string.Join(",", actual.Aliases)}]");
                Assert.True(actual.AcceptedValues.Order().SequenceEqual(documented.AcceptedValues.Order()), $"{where}: accepted values");
                Assert.False(string.IsNullOrWhiteSpace(documented.DefaultValue), $"{where}: DefaultValue");
                Assert.False(string.IsNullOrWhiteSpace(documented.Description), $"{where}: no description");
                Assert.True(actual.Sets.Keys.Order().SequenceEqual(documented.Sets.Keys.Order()),
                    $"{where}: parameter sets are [{string.Join(",", actual.Sets.Keys)}], documented [{string.Join(",", documented.Sets.Keys)}]");
                foreach (var (set, binding) in actual.Sets)
                {
                    Assert.True(binding == documented.Sets[set], $"{where} in {set}: code {binding}, documented {documented.Sets[set]}");
                }
            }
        }
    }

    [Fact]
    public void DocumentedSyntaxIsTheEnginesSyntax()
    {
        foreach (var command in ModuleCommands().Values)
        {
            var doc = MarkdownHelp.Load(Path.Combine(DocsFolder, command.Name + ".md"));
            var engine = _host.Invoke("Get-Command $args[0] -Syntax", command.Name);
            var engineLines = string.Join("\n", engine.Output.Select(o => o.ToString()))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Normalize).Order().ToArray();
            var documented = Regex.Matches(doc.Section("SYNTAX"), "```\\r?\\n(.*?)```", RegexOptions.Singleline)
                .Select(m => Normalize(m.Groups[1].Value)).Order().ToArray();
            Assert.Equal(engineLines, documented);
        }

        static string Normalize(string text) => Regex.Replace(text, "\\s+", " ").Trim();
    }

    [Fact]
    public void EveryCmdletHasAtLeastThreeExamplesWithCode()
    {
        foreach (var name in ModuleCommands().Keys)
        {
            var doc = MarkdownHelp.Load(Path.Combine(DocsFolder, name + ".md"));
            var examples = Regex.Split(doc.Section("EXAMPLES"), "^### ", RegexOptions.Multiline).Skip(1).ToList();
            Assert.True(examples.Count >= 3, $"{name} has {examples.Count} examples");
            Assert.All(examples, e => Assert.Contains("```powershell", e));
            Assert.Contains(examples, e => e.Contains("Get-Secret"));
        }
    }

    public static TheoryData<string> MarkdownFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(DocsFolder, "*.md").Order()) data.Add(Path.GetFileName(file));
        data.Add("../README.md");
        data.Add("../src/FashnBackground/README.md");
        return data;
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void EveryPowerShellCodeBlockParses(string file)
    {
        var text = File.ReadAllText(Path.Combine(DocsFolder, file));
        var blocks = Regex.Matches(text, "^```powershell\\r?\\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        if (file != "emulator.md") Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            Parser.ParseInput(block, out _, out var errors);
            Assert.True(errors.Length == 0, $"{file}: this example does not parse ({string.Join("; ", errors.Select(e => e.Message))}):\n{block}");
        }
    }

    [Fact]
    public void TheBuildScriptAndThePesterTestsParse()
    {
        var scripts = Directory.GetFiles(Path.Combine(ModuleLayout.RepositoryRoot, "tests", "Pester"), "*.Tests.ps1")
            .Append(Path.Combine(ModuleLayout.RepositoryRoot, "build.ps1")).ToList();
        Assert.True(scripts.Count >= 2);
        foreach (var script in scripts)
        {
            Parser.ParseFile(script, out _, out var errors);
            Assert.True(errors.Length == 0, $"{script}: {string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}"))}");
        }
    }

    [Fact]
    public void AboutTopicListsEveryErrorIdTheModuleEmits()
    {
        var about = File.ReadAllText(Path.Combine(DocsFolder, "about_FashnBackground.md"));
        var source = Directory.GetFiles(Path.Combine(ModuleLayout.RepositoryRoot, "src", "Fashn.Client"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(ModuleLayout.RepositoryRoot, "src", "FashnBackground"), "*.cs", SearchOption.AllDirectories))
            .Select(File.ReadAllText).ToList();
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        // The client's own codes: the constants of FashnErrorCodes.
        foreach (var text in source)
        {
            var codes = Regex.Match(text, "class FashnErrorCodes\\s*\\{(.*?)\\n    \\}", RegexOptions.Singleline);
            foreach (Match m in Regex.Matches(codes.Groups[1].Value, "public const string (\\w+) = \"(\\w+)\";")) ids.Add(m.Groups[2].Value);
            // Ids written literally ("Fashn.JournalNotOpened") and codes given by name (new FashnException("PredictionNotFinished", ...)).
            foreach (Match m in Regex.Matches(text, "\"Fashn\\.(\\w+)\"")) ids.Add(m.Groups[1].Value);
            foreach (Match m in Regex.Matches(text, "new FashnException\\(\"(\\w+)\"")) ids.Add(m.Groups[1].Value);
            foreach (Match m in Regex.Matches(text, "case \"(\\w+)\":")) ids.Add(m.Groups[1].Value);
        }
        ids.RemoveWhere(id => id is "Client" || !char.IsUpper(id[0]));
        Assert.Contains("JournalNotOpened", ids);
        Assert.Contains("ImageLoadError", ids);
        foreach (var id in ids)
        {
            Assert.True(about.Contains($"`Fashn.{id}`"), $"about_FashnBackground.md does not list the error id Fashn.{id}");
        }
        Assert.Contains("FASHN_API_KEY", about);
        Assert.Contains("FASHN_BASE_URL", about);
        Assert.Contains("emulator.md", about);
    }

    [Fact]
    public void ManifestVersionIsTheVersionPrefixAndItExportsExactlyTheAssemblysCmdlets()
    {
        var props = XDocument.Load(Path.Combine(ModuleLayout.RepositoryRoot, "Directory.Build.props"));
        var versionPrefix = props.Descendants("VersionPrefix").Single().Value.Trim();

        // The staged manifest the Gallery package is made of (its format file sits beside it) is the repository's, with
        // the version and the release notes the build fills in.
        var source = File.ReadAllText(Path.Combine(ModuleLayout.RepositoryRoot, "FashnBackground.psd1"));
        var staged = File.ReadAllText(ModuleLayout.StagedManifest);
        Assert.Equal(versionPrefix, Regex.Match(staged, "ModuleVersion\\s*=\\s*'([^']+)'").Groups[1].Value);
        Assert.Equal(WithoutFilledValues(source), WithoutFilledValues(staged));
        var tested = _host.Invoke("Test-ModuleManifest -Path $args[0]", ModuleLayout.StagedManifest);
        Assert.Empty(tested.Errors);
        var module = (PSModuleInfo)Assert.Single(tested.Output).BaseObject;
        Assert.Equal(versionPrefix, module.Version.ToString(3));
        Assert.Equal(versionPrefix, Path.GetFileName(ModuleLayout.StagedFolder));

        var defined = _host.Invoke(
            "(Get-Command Get-FashnCredits).ImplementingType.Assembly.GetExportedTypes() | " +
            "ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } | " +
            "ForEach-Object { $_.VerbName + '-' + $_.NounName }");
        Assert.Empty(defined.Errors);
        var definedNames = defined.Output.Select(o => o.ToString()).Order().ToArray();
        Assert.Equal(5, definedNames.Length);
        Assert.Equal(definedNames, module.ExportedCmdlets.Keys.Order().ToArray());
    }

    /// <summary>A manifest without the two values the build fills in (ModuleVersion, ReleaseNotes), with LF line ends.</summary>
    private static string WithoutFilledValues(string manifest)
    {
        var text = Regex.Replace(manifest.Replace("\r\n", "\n"), "ModuleVersion\\s*=\\s*'[^']*'", "ModuleVersion = ''");
        return Regex.Replace(text, "ReleaseNotes\\s*=\\s*(@'\n.*?\n'@|'[^']*')", "ReleaseNotes = ''", RegexOptions.Singleline).Trim();
    }

    [Fact]
    public void ChangelogHasAnEntryForTheCurrentVersionAndTheLicenseIsMit()
    {
        var props = XDocument.Load(Path.Combine(ModuleLayout.RepositoryRoot, "Directory.Build.props"));
        var version = props.Descendants("VersionPrefix").Single().Value.Trim();
        var changelog = File.ReadAllText(Path.Combine(ModuleLayout.RepositoryRoot, "CHANGELOG.md"));
        Assert.Matches(new Regex("^## \\[" + Regex.Escape(version) + "\\]", RegexOptions.Multiline), changelog);
        Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(ModuleLayout.RepositoryRoot, "LICENSE")));
    }
}

/// <summary>A PlatyPS v2 cmdlet markdown file, read as far as the tests need: front matter, sections, parameter blocks.</summary>
public sealed class MarkdownHelp
{
    public sealed record HelpSection(string Title, string Body);

    public sealed record Parameter(string Type, string DefaultValue, bool SupportsWildcards, string[] Aliases, string[] AcceptedValues,
        Dictionary<string, (string Position, bool Required, bool FromPipeline, bool ByPropertyName)> Sets, string Description);

    public required Dictionary<string, string> FrontMatter { get; init; }
    public required List<HelpSection> Sections { get; init; }
    public required Dictionary<string, Parameter> Parameters { get; init; }

    public string Section(string title) => Sections.Single(s => s.Title == title).Body;

    public static MarkdownHelp Load(string path)
    {
        var text = File.ReadAllText(path).Replace("\r\n", "\n");
        var front = Regex.Match(text, "\\A---\\n(.*?)\\n---\\n", RegexOptions.Singleline);
        if (!front.Success) throw new InvalidDataException(path + " has no front matter");
        var frontMatter = front.Groups[1].Value.Split('\n')
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var body = text[front.Length..];
        var sections = Regex.Split(body, "^## ", RegexOptions.Multiline).Skip(1)
            .Select(chunk => { var lines = chunk.Split('\n', 2); return new HelpSection(lines[0].Trim(), lines.Length > 1 ? lines[1] : ""); })
            .ToList();
        var parameters = new Dictionary<string, Parameter>();
        var parameterText = sections.SingleOrDefault(s => s.Title == "PARAMETERS")?.Body ?? "";
        foreach (Match m in Regex.Matches(parameterText, "^### -(\\w+)\\n(.*?)```yaml\\n(.*?)```", RegexOptions.Singleline | RegexOptions.Multiline))
        {
            parameters[m.Groups[1].Value] = ParseYaml(m.Groups[3].Value, m.Groups[2].Value.Trim());
        }
        return new MarkdownHelp { FrontMatter = frontMatter, Sections = sections, Parameters = parameters };
    }

    /// <summary>The fixed shape PlatyPS v2 writes: top-level keys, lists as "- item", parameter sets as "- Name:" records.</summary>
    private static Parameter ParseYaml(string yaml, string description)
    {
        var scalars = new Dictionary<string, string>();
        var lists = new Dictionary<string, List<string>>();
        var sets = new Dictionary<string, (string, bool, bool, bool)>();
        string? currentList = null;
        Dictionary<string, string>? currentSet = null;
        void EndSet()
        {
            if (currentSet == null) return;
            sets[currentSet["Name"]] = (currentSet["Position"], bool.Parse(currentSet["IsRequired"]),
                bool.Parse(currentSet["ValueFromPipeline"]), bool.Parse(currentSet["ValueFromPipelineByPropertyName"]));
            currentSet = null;
        }
        foreach (var line in yaml.Split('\n').Where(l => l.Trim().Length > 0))
        {
            if (currentList == "ParameterSets" && (line.StartsWith("- ") || line.StartsWith("  ")))
            {
                if (line.StartsWith("- ")) { EndSet(); currentSet = new Dictionary<string, string>(); }
                var pair = line[2..].Split(':', 2);
                currentSet![pair[0].Trim()] = pair[1].Trim();
                continue;
            }
            if (line.StartsWith("- ") && currentList != null)
            {
                lists[currentList].Add(line[2..].Trim());
                continue;
            }
            EndSet();
            var parts = line.Split(':', 2);
            var key = parts[0].Trim();
            var value = parts[1].Trim();
            if (value.Length == 0 || value == "[]")
            {
                currentList = key;
                lists[key] = new List<string>();
            }
            else
            {
                currentList = null;
                scalars[key] = value;
            }
        }
        EndSet();
        return new Parameter(scalars["Type"], scalars["DefaultValue"], bool.Parse(scalars["SupportsWildcards"]),
            lists["Aliases"].ToArray(), lists["AcceptedValues"].ToArray(), sets, description);
    }
}
