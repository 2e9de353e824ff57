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
/// must be empty afterwards. The terminal answers pwsh's cursor position queries, as a real one does.
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
        var terminal = Task.CompletedTask;
        if (console == "terminal-160")
        {
            terminal = Task.Run(() => RelayTerminal(process, output));
        }
        else
        {
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
        }
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        if (!process.WaitForExit(FileTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) output.AppendLine($"(stopped: {file} ran longer than {FileTimeout.TotalMinutes} minutes)");
        }
        process.WaitForExit();
        terminal.Wait(TimeSpan.FromSeconds(30));
        lock (output) return (process.ExitCode, output.ToString());
    }

    private const string CursorPositionQuery = "\u001b[6n";

    /// <summary>
    /// Reads what pwsh writes to its terminal and answers its cursor position queries (ESC[6n) as a terminal
    /// does. pwsh asks whenever it draws progress; unanswered, each query waits seconds for the reply.
    /// </summary>
    private static void RelayTerminal(Process process, StringBuilder output)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var reply = Encoding.ASCII.GetBytes("\u001b[1;1R");
        var tail = ""; // the end of the previous read: a query may be split between two reads
        int read;
        while ((read = process.StandardOutput.BaseStream.Read(bytes, 0, bytes.Length)) > 0)
        {
            var text = new string(chars, 0, decoder.GetChars(bytes, 0, read, chars, 0));
            lock (output) output.Append(text);
            var window = tail + text;
            for (var at = window.IndexOf(CursorPositionQuery, StringComparison.Ordinal); at >= 0;
                 at = window.IndexOf(CursorPositionQuery, at + CursorPositionQuery.Length, StringComparison.Ordinal))
            {
                try
                {
                    process.StandardInput.BaseStream.Write(reply);
                    process.StandardInput.BaseStream.Flush();
                }
                catch (IOException)
                {
                    // pwsh has ended: nobody is waiting for the reply.
                }
            }
            tail = window.Length < CursorPositionQuery.Length ? window : window[^(CursorPositionQuery.Length - 1)..];
        }
        try { process.StandardInput.Close(); } catch (IOException) { }
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
