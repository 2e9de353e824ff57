using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Fashn.Emulator.Tests
{
    /// <summary>The emulator (or a dotnet command) as a child process with its own working and temporary folders.</summary>
    internal sealed partial class EmulatorProcess : IAsyncDisposable
    {
        private const int SigTerm = 15;

        private readonly Process _process;
        private readonly StringBuilder _errors = new();

        private EmulatorProcess(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors) _errors.AppendLine(e.Data);
            };
            _process.BeginErrorReadLine();
        }

        /// <summary>The repository's checkout, found from the test's own folder.</summary>
        public static string RepositoryRoot { get; } = FindRepositoryRoot();

        /// <summary>Debug or Release: the configuration this test assembly (and so the emulator beside it) was built in.</summary>
        public static string Configuration { get; } =
            typeof(EmulatorProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

        public int Id => _process.Id;

        /// <summary>Everything printed so far on standard error.</summary>
        public string Errors
        {
            get
            {
                lock (_errors) return _errors.ToString();
            }
        }

        /// <param name="environment">Variables to set for the child, on top of the temporary folder's.</param>
        public static EmulatorProcess Start(
            string command, IEnumerable<string> arguments, string workingDirectory, string temporaryFolder, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(command)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            foreach (string name in new[] { "TMPDIR", "TEMP", "TMP" }) start.Environment[name] = temporaryFolder;
            foreach ((string name, string value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
            // The test host's MSBuild settings must not leak into a child dotnet command.
            foreach (string name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            {
                start.Environment.Remove(name);
            }

            return new EmulatorProcess(Process.Start(start)!);
        }

        /// <summary>Runs a command to its end and returns its standard output; throws with its output when it fails or takes more than five minutes.</summary>
        public static async Task<string> RunToEndAsync(
            string command, IEnumerable<string> arguments, string workingDirectory, string temporaryFolder, IReadOnlyDictionary<string, string>? environment = null)
        {
            await using EmulatorProcess run = Start(command, arguments, workingDirectory, temporaryFolder, environment);
            Task<string> output = run._process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await run._process.WaitForExitAsync(timeout.Token);
            if (run._process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {run._process.ExitCode}:\n{await output}\n{run.Errors}");
            }

            return await output;
        }

        /// <summary>Reads standard output up to the "FASHN emulator listening on <url>" line and returns the url.</summary>
        public async Task<Uri> WaitListeningAsync()
        {
            using var timeout = new CancellationTokenSource(EmulatorTestKit.Deadline);
            var printed = new StringBuilder();
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                printed.AppendLine(line);
                Match listening = ListeningLine().Match(line);
                if (listening.Success) return new Uri(listening.Groups[1].Value);
            }

            throw new InvalidOperationException($"The emulator exited without saying where it listens:\n{printed}\n{Errors}");
        }

        /// <summary>Stops it the way a terminal or a service manager does (SIGTERM; Windows has no signals, so it is ended there).</summary>
        public async Task<int> StopAsync()
        {
            if (OperatingSystem.IsWindows())
            {
                _process.Kill();
            }
            else if (kill(_process.Id, SigTerm) != 0)
            {
                throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            using var timeout = new CancellationTokenSource(EmulatorTestKit.Deadline);
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static string FindRepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Fashn.sln"))) return dir.FullName;
            }

            throw new InvalidOperationException("Fashn.sln not found above " + AppContext.BaseDirectory);
        }

        [GeneratedRegex(@"^FASHN emulator listening on (\S+)$")]
        private static partial Regex ListeningLine();

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);
    }
}
