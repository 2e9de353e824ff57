using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FashnBackground.PesterTests;

/// <summary>
/// Every tests/Pester/*.Tests.ps1 file in real pwsh (the repository's local tool) with Pester from NuGet, once with
/// its output redirected (pwsh then formats for 80 columns, as in a log or CI) and once in a terminal 160 columns
/// wide. Each run gets its own HOME and temp folder, so nothing lands in the user's profile, and the temp folder
/// must be empty afterwards.
/// </summary>
public sealed class PesterSuiteTests
{
    private static readonly TimeSpan FileTimeout = TimeSpan.FromMinutes(15);

    public static TheoryData<string, string> PesterFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "tests", "Pester"), "*.Tests.ps1").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file), "redirected");
            if (!OperatingSystem.IsWindows()) data.Add(Path.GetFileName(file), "terminal-160");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PesterFiles))]
    public void PesterFilePassesInRealPwsh(string file, string console)
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "fashn-pester-run-" + Guid.NewGuid().ToString("N")[..10]));
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(work.FullName, "home")).FullName;
            var temp = Directory.CreateDirectory(Path.Combine(work.FullName, "tmp")).FullName;
            var resultPath = Path.Combine(work.FullName, "result.json");
            var (exitCode, output) = RunPwsh(file, console, resultPath, home, temp);

            Assert.True(File.Exists(resultPath), $"{file} ({console}) wrote no results; pwsh exited {exitCode}:\n{Tail(output)}");
            var result = JsonSerializer.Deserialize<PesterResult>(File.ReadAllText(resultPath))!;
            var failures = new StringBuilder();
            foreach (var failure in result.Failures ?? [])
            {
                failures.AppendLine($"[-] {failure.Name}\n    {failure.Message}\n    {failure.Where}");
            }
            Assert.True(result.Failed == 0 && failures.Length == 0,
                $"{result.Failed} Pester test(s) failed in {file} ({console}):\n{failures}\n--- pwsh output ---\n{Tail(output)}");
            Assert.True(result.Passed > 0, $"{file} ({console}) ran no test:\n{Tail(output)}");

            var leftovers = Directory.GetFileSystemEntries(temp);
            Assert.True(leftovers.Length == 0, $"{file} ({console}) left these in the temp folder: {string.Join(", ", leftovers.Select(Path.GetFileName))}");
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static (int ExitCode, string Output) RunPwsh(string file, string console, string resultPath, string home, string temp)
    {
        var pwshArguments = new List<string>
        {
            Repository.PwshAssembly, "-NoProfile", "-NonInteractive", "-File",
            Path.Combine(Repository.Root, "tests", "Pester", "Invoke-PesterFile.ps1"),
            "-Path", Path.Combine(Repository.Root, "tests", "Pester", file),
            "-ResultPath", resultPath, "-PesterModule", Repository.PesterModule,
        };
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Repository.Root,
        };
        if (console == "terminal-160")
        {
            // util-linux script(1) gives pwsh a pseudo-terminal; stty sets its width.
            start.FileName = "script";
            var command = "stty cols 160 rows 50; exec " + string.Join(' ', new[] { DotnetHost }.Concat(pwshArguments).Select(ShellQuote));
            foreach (var argument in new[] { "-q", "-e", "-c", command, "/dev/null" }) start.ArgumentList.Add(argument);
        }
        else
        {
            start.FileName = DotnetHost;
            foreach (var argument in pwshArguments) start.ArgumentList.Add(argument);
        }
        // The test host's MSBuild settings must not leak into builds a Pester test starts.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }
        start.Environment["HOME"] = home;
        start.Environment["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share");
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(home, ".cache");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, ".config");
        start.Environment["TMPDIR"] = temp;
        start.Environment["DOTNET_CLI_HOME"] = home;
        start.Environment["NUGET_PACKAGES"] = Repository.NuGetPackages;
        start.Environment["FASHN_TEST_EMULATOR"] = Repository.EmulatorAssembly;
        start.Environment.Remove("FASHN_API_KEY");
        start.Environment.Remove("FASHN_BASE_URL");

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        Task reader;
        if (console == "terminal-160")
        {
            reader = Task.Run(() => ReadAsTerminal(process, output));
        }
        else
        {
            process.StandardInput.Close();
            reader = Task.Run(() => { var text = ReadAll(process.StandardOutput); lock (output) output.Append(text); });
        }
        if (!process.WaitForExit(FileTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) output.AppendLine($"(stopped: {file} ran longer than {FileTimeout.TotalMinutes} minutes)");
        }
        process.WaitForExit();
        reader.Wait(TimeSpan.FromSeconds(30));
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static string ReadAll(StreamReader reader)
    {
        try { return reader.ReadToEnd(); } catch (IOException) { return ""; }
    }

    /// <summary>
    /// Reads what pwsh writes to its terminal and answers its cursor-position queries (ESC [ 6 n), as a terminal
    /// does: pwsh asks before drawing progress, and unanswered, each query waits for a time-out.
    /// </summary>
    private static void ReadAsTerminal(Process process, StringBuilder output)
    {
        const string query = "\u001b[6n";
        var buffer = new char[8192];
        var tail = "";
        try
        {
            int read;
            while ((read = process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                var text = new string(buffer, 0, read);
                lock (output) output.Append(text);
                var seen = tail + text;
                for (var at = seen.IndexOf(query, StringComparison.Ordinal); at >= 0; at = seen.IndexOf(query, at + query.Length, StringComparison.Ordinal))
                {
                    process.StandardInput.Write("\u001b[1;1R");
                    process.StandardInput.Flush();
                }
                tail = seen.Length > query.Length ? seen[^(query.Length - 1)..] : seen;
            }
        }
        catch (IOException)
        {
            // pwsh has exited and its terminal is gone.
        }
    }

    private static string DotnetHost => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private static string Tail(string output) => output.Length <= 12000 ? output : "...\n" + output[^12000..];

    private sealed record PesterFailure(string Name, string Message, string Where);

    private sealed record PesterResult(int Passed, int Failed, int Skipped, int NotRun, List<PesterFailure>? Failures);
}

/// <summary>Where things are: the repository, pwsh from the local tool manifest, Pester and the emulator from the build.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PesterModule => Metadata("PesterModule");

    public static string EmulatorAssembly => Metadata("EmulatorAssembly");

    public static string NuGetPackages => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(PesterModule)!, "..", "..", ".."));

    /// <summary>pwsh.dll of the version the tool manifest names, as 'dotnet tool restore' put it in the NuGet cache.</summary>
    public static string PwshAssembly
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, ".config", "dotnet-tools.json")));
            var version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
            var path = Path.Combine(NuGetPackages, "powershell", version, "tools", "net10.0", "any",
                OperatingSystem.IsWindows() ? "win" : "unix", "pwsh.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"pwsh {version} is not restored: run 'dotnet tool restore' in {Root}.", path);
            return path;
        }
    }

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fashn.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Fashn.sln not found above " + AppContext.BaseDirectory);
    }
}
