using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace FashnBackground.Tests;

/// <summary>
/// A script in a real pwsh process of its own: the repository's local tool (.config/dotnet-tools.json), restored by
/// this project's build. For what the hosted engine cannot show, such as a second copy of the module's assembly.
/// </summary>
public static class RealPwsh
{
    public sealed record Result(int ExitCode, string[] Lines, string Errors);

    public static Result Run(string script, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = ModuleLayout.RepositoryRoot,
        };
        foreach (var argument in new[] { PwshAssembly, "-NoProfile", "-NonInteractive", "-Command", script }) start.ArgumentList.Add(argument);
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "FASHN_API_KEY", "FASHN_BASE_URL" })
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("pwsh did not finish: " + script);
        }
        process.WaitForExit();
        var lines = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Result(process.ExitCode, lines, errors.Result.Trim());
    }

    /// <summary>pwsh.dll of the version the tool manifest names, as 'dotnet tool restore' put it in the NuGet cache.</summary>
    private static string PwshAssembly
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModuleLayout.RepositoryRoot, ".config", "dotnet-tools.json")));
            var version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
            var packages = typeof(RealPwsh).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
            var path = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", OperatingSystem.IsWindows() ? "win" : "unix", "pwsh.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"pwsh {version} is not restored: run 'dotnet tool restore' in {ModuleLayout.RepositoryRoot}.", path);
            return path;
        }
    }
}
