using System.Diagnostics;
using System.IO.Compression;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace FashnBackground.Tests;

/// <summary>
/// Packs src/FashnBackground.Package once (dotnet pack, ~10-20 s) for every test of the class, in the configuration these
/// tests were built in: the pack then builds nothing new and leaves the staged folder, which other tests are loading, alone.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        OutputFolder = Path.Combine(Path.GetTempPath(), "fashn-package-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(OutputFolder);
        var project = Path.Combine(ModuleLayout.RepositoryRoot, "src", "FashnBackground.Package", "FashnBackground.Package.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "pack", project, "-c", BuildConfiguration, "-o", OutputFolder, "-nologo", "-v", "q", "-nodeReuse:false" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ModuleLayout.RepositoryRoot,
        };
        // The test host's MSBuild settings must not leak into the child build.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet pack did not finish within 5 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
        Package = Directory.GetFiles(OutputFolder, "*.nupkg").Single();
    }

    public static string BuildConfiguration =>
        typeof(PackageFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    public string OutputFolder { get; }

    public string Package { get; }

    public void Dispose()
    {
        try { Directory.Delete(OutputFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The .nupkg the Gallery takes: the staged module folder at its root, nothing else, and it installs and runs.</summary>
public sealed class PackagingTests : IClassFixture<PackageFixture>
{
    /// <summary>What NuGet itself adds to every package; Install-PSResource leaves these out of the module folder.</summary>
    private static bool IsNuGetMetadata(string entry) =>
        entry is "[Content_Types].xml" or "_rels/.rels" or "FashnBackground.nuspec" ||
        entry.StartsWith("package/services/metadata/", StringComparison.Ordinal);

    private static string VersionPrefix =>
        XDocument.Load(Path.Combine(ModuleLayout.RepositoryRoot, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value.Trim();

    /// <summary>The release notes of this version: its CHANGELOG.md section up to the next heading, without its own heading.</summary>
    private static string ChangelogNotes()
    {
        var changelog = File.ReadAllText(Path.Combine(ModuleLayout.RepositoryRoot, "CHANGELOG.md")).Replace("\r\n", "\n");
        var section = Regex.Match(changelog, "^## \\[" + Regex.Escape(VersionPrefix) + "\\][^\n]*\n(.*?)(?=^## |^\\[[^\\]\n]+\\]: |\\z)",
            RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, $"CHANGELOG.md has no section for {VersionPrefix}");
        return section.Groups[1].Value.Trim();
    }

    private static string Normalized(string text) => text.Replace("\r\n", "\n").Trim();

    private readonly PackageFixture _package;

    public PackagingTests(PackageFixture package) => _package = package;

    [Fact]
    public void PackageHoldsExactlyTheStagedModuleFolderAtItsRoot()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        var moduleEntries = zip.Entries.Where(e => !IsNuGetMetadata(e.FullName) && e.Length > 0).ToDictionary(e => e.FullName);
        var staged = Directory.GetFiles(ModuleLayout.StagedFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ModuleLayout.StagedFolder, f).Replace('\\', '/')).ToList();

        Assert.Equal(staged.Order(), moduleEntries.Keys.Order());
        foreach (var name in new[]
                 {
                     "FashnBackground.psd1", "FashnBackground.dll", "FashnBackground.format.ps1xml", "README.md",
                     "dependencies/Fashn.Client.dll", "dependencies/FashnBackground.Isolation.dll", "dependencies/System.Text.Json.dll",
                     "dependencies/SkiaSharp.dll",
                     "dependencies/runtimes/linux-x64/native/libSkiaSharp.so", "dependencies/runtimes/linux-arm64/native/libSkiaSharp.so",
                     "dependencies/runtimes/win-x64/native/libSkiaSharp.dll", "dependencies/runtimes/osx/native/libSkiaSharp.dylib",
                     "en-US/FashnBackground.dll-Help.xml", "en-US/about_FashnBackground.help.txt",
                 })
        {
            Assert.True(moduleEntries.ContainsKey(name), name + " is not in the package");
        }
        // Nothing from a build or a test run slipped in.
        Assert.DoesNotContain(moduleEntries.Keys, n => n.EndsWith(".pdb") || n.EndsWith(".deps.json") || n.EndsWith(".runtimeconfig.json"));
        Assert.DoesNotContain(moduleEntries.Keys, n => n.StartsWith("lib/") || n.Contains("xunit", StringComparison.OrdinalIgnoreCase) ||
                                                      n.Contains("System.Management.Automation", StringComparison.Ordinal) ||
                                                      n.Contains("Tests", StringComparison.Ordinal) || n.Contains("Emulator", StringComparison.Ordinal));
        // Byte for byte what the build staged (and what every other test imports).
        foreach (var (name, entry) in moduleEntries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.True(copy.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(ModuleLayout.StagedFolder, name))), name + " differs from the staged file");
        }
    }

    [Fact]
    public void NuspecDescribesTheModuleTheWayTheGalleryIndexesIt()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        using var stream = zip.GetEntry("FashnBackground.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal("FashnBackground", metadata.Element(ns + "id")!.Value);
        Assert.Equal(VersionPrefix, metadata.Element(ns + "version")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Null(metadata.Element(ns + "dependencies"));
        Assert.EndsWith($"FashnBackground.{VersionPrefix}.nupkg", _package.Package);
        var tags = metadata.Element(ns + "tags")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("PSModule", tags);
        Assert.Contains("PSEdition_Core", tags);
        Assert.Contains("PSEdition_Desktop", tags);
        Assert.Contains("PSIncludes_Cmdlet", tags);
        foreach (var cmdlet in new[] { "Invoke-FashnBackgroundChange", "Get-FashnPrediction", "Save-FashnOutput", "Get-FashnCredits", "Export-FashnContactSheet" })
        {
            Assert.Contains("PSCmdlet_" + cmdlet, tags);
            Assert.Contains("PSCommand_" + cmdlet, tags);
        }
    }

    [Fact]
    public void PackageCarriesTheModuleReadmeAndTheReleaseNotesOfThisVersion()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        XDocument nuspec;
        using (var stream = zip.GetEntry("FashnBackground.nuspec")!.Open()) nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        // The readme NuGet feeds show is the module's own readme, at the package root (so also in the installed folder).
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        var readmeEntry = zip.GetEntry("README.md");
        Assert.NotNull(readmeEntry);
        string readme;
        using (var reader = new StreamReader(readmeEntry.Open())) readme = reader.ReadToEnd();
        Assert.Equal(File.ReadAllText(Path.Combine(ModuleLayout.RepositoryRoot, "src", "FashnBackground", "README.md")), readme);
        Assert.Contains("Install-PSResource FashnBackground", readme);
        Assert.Contains("Get-Help about_FashnBackground", readme);
        // It names exactly the commands the package says it exports.
        var named = Regex.Matches(readme, "\\b[A-Z][a-z]+-Fashn[A-Za-z]+").Select(m => m.Value).Distinct().Order().ToArray();
        var exported = metadata.Element(ns + "tags")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t.StartsWith("PSCmdlet_", StringComparison.Ordinal)).Select(t => t["PSCmdlet_".Length..]).Order().ToArray();
        Assert.True(exported.Length >= 4 && exported.SequenceEqual(named),
            $"src/FashnBackground/README.md names {string.Join(", ", named)}; the module exports {string.Join(", ", exported)}: list each command there.");

        // The release notes say what changed in this version, as CHANGELOG.md does, markdown and all.
        var notes = metadata.Element(ns + "releaseNotes")!.Value;
        Assert.DoesNotContain("See CHANGELOG", notes);
        Assert.Equal(ChangelogNotes(), Normalized(notes));
    }

    [Fact]
    public async Task ExtractedPackageImportsPassesTestModuleManifestAndRunsABatch()
    {
        using var installRoot = new TempFolder();
        // Where Install-Module puts it: <Modules>/FashnBackground/<version>/, without NuGet's own files.
        var moduleFolder = installRoot.Combine("FashnBackground", VersionPrefix);
        using (var zip = ZipFile.OpenRead(_package.Package))
        {
            foreach (var entry in zip.Entries.Where(e => !IsNuGetMetadata(e.FullName) && e.Length > 0))
            {
                var target = Path.Combine(moduleFolder, entry.FullName);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target);
            }
        }
        var manifest = Path.Combine(moduleFolder, "FashnBackground.psd1");
        await using var emulator = await Emulators.StartFastAsync();
        using var images = new TempFolder();
        var files = Enumerable.Range(0, 3).Select(i => TestImages.WriteJpeg(images.Combine($"item{i}.jpg"), variant: 40 + i)).ToArray();
        using var host = new PowerShellHost(emulator.BaseUri, Emulators.ApiKey, importModule: false);

        var tested = host.Invoke("Test-ModuleManifest -Path $args[0]", manifest);
        Assert.Empty(tested.Errors);
        var info = (PSModuleInfo)Assert.Single(tested.Output).BaseObject;
        Assert.Equal(VersionPrefix, info.Version.ToString(3));
        // What Get-InstalledPSResource and the Gallery show as release notes (Publish-PSResource takes them from here).
        Assert.True(ChangelogNotes() == Normalized(info.ReleaseNotes ?? ""),
            $"PrivateData.PSData.ReleaseNotes in the packed FashnBackground.psd1 must be the CHANGELOG.md section of {VersionPrefix} (without its heading), as the build fills it in.\n" +
            $"Manifest:\n{info.ReleaseNotes}\nCHANGELOG.md:\n{ChangelogNotes()}");
        Assert.Equal(new[] { "Export-FashnContactSheet", "Get-FashnCredits", "Get-FashnPrediction", "Invoke-FashnBackgroundChange", "Save-FashnOutput" }, info.ExportedCmdlets.Keys.Order());

        // Imported in a pwsh of its own (the repository's local tool), as a user's fresh session would: this test process
        // already holds FashnBackground.dll from the staged folder, and .NET loads no second assembly of that name.
        var result = RealPwsh.Run(
            "$module = Import-Module $env:TEST_MANIFEST -PassThru; $module.ModuleBase; " +
            "Invoke-FashnBackgroundChange -LiteralPath ($env:TEST_FILES -split \"`n\") -Prompt 'studio' -Wait -NoJournal | " +
            "Save-FashnOutput -Destination $env:TEST_OUT | ForEach-Object FullName",
            new Dictionary<string, string>
            {
                ["TEST_MANIFEST"] = manifest,
                ["TEST_FILES"] = string.Join("\n", files),
                ["TEST_OUT"] = images.Combine("out"),
                ["FASHN_BASE_URL"] = emulator.BaseUri.AbsoluteUri,
                ["FASHN_API_KEY"] = Emulators.ApiKey,
            });

        Assert.True(result.ExitCode == 0 && result.Errors.Length == 0, $"pwsh exited {result.ExitCode}:\n{result.Errors}\n{string.Join("\n", result.Lines)}");
        Assert.Equal(moduleFolder, result.Lines[0]);
        var saved = result.Lines.Skip(1).Select(path => new FileInfo(path)).ToList();
        Assert.Equal(new[] { "item0.png", "item1.png", "item2.png" }, saved.Select(f => f.Name).Order());
        Assert.All(saved, f => Assert.True(TestImages.Decodes(f.FullName, out _, out _), f.FullName));
    }
}
