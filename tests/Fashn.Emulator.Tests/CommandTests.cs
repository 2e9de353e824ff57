using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Fashn.Emulator.Tests
{
    /// <summary>
    /// The emulator started as README.md and docs/emulator.md start it: from the built dll, from any folder, and as the
    /// packed `fashn-emulator` tool. Each prints where it listens, answers there, and a SIGTERM stops it cleanly.
    /// </summary>
    public sealed class CommandTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "fashn-emulator-command-" + Guid.NewGuid().ToString("N"));

        public CommandTests()
        {
            Directory.CreateDirectory(Combine("elsewhere"));
            Directory.CreateDirectory(Combine("tmp"));
        }

        private string Temporary => Combine("tmp");

        [Fact]
        public async Task The_built_dll_runs_from_any_folder_and_leaves_nothing_behind_when_stopped()
        {
            string dll = Path.Combine(EmulatorProcess.RepositoryRoot, "src", "Fashn.Emulator", "bin", EmulatorProcess.Configuration, "net10.0", "Fashn.Emulator.dll");
            Assert.True(File.Exists(dll), dll + " is not built");

            await using EmulatorProcess emulator = EmulatorProcess.Start("dotnet", new[] { dll, "--urls", "http://127.0.0.1:0" }, Combine("elsewhere"), Temporary);
            Uri baseUri = await emulator.WaitListeningAsync();

            await AssertAnswersAsync(baseUri);
            Assert.Equal(0, await emulator.StopAsync());
            AssertNothingListens(baseUri);
            Assert.Empty(Directory.EnumerateFileSystemEntries(Combine("elsewhere")));
            if (!OperatingSystem.IsWindows())
            {
                // Its temporary data folder is deleted on SIGTERM (on Windows it is ended without a chance to).
                Assert.Empty(Directory.EnumerateFileSystemEntries(Temporary));
            }
        }

        [Fact]
        public async Task The_packed_tool_installs_and_runs_as_fashn_emulator()
        {
            string project = Path.Combine(EmulatorProcess.RepositoryRoot, "src", "Fashn.Emulator", "Fashn.Emulator.csproj");
            string packages = Combine("packages");
            // The build this test runs in has built the project already; packing it again must not race other builds.
            await EmulatorProcess.RunToEndAsync("dotnet",
                new[] { "pack", project, "--no-build", "-c", EmulatorProcess.Configuration, "-o", packages, "-nologo", "-v", "q", "-nodeReuse:false" },
                _folder, Temporary);
            // Only the package just made, never one of that name from nuget.org.
            string config = Combine("nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="packed" value="{packages}" />
                  </packageSources>
                </configuration>
                """);
            string tools = Combine("tools");
            await EmulatorProcess.RunToEndAsync("dotnet", new[] { "tool", "install", "Fashn.Emulator", "--tool-path", tools, "--configfile", config }, _folder, Temporary);
            string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "fashn-emulator.exe" : "fashn-emulator");

            await using EmulatorProcess emulator = EmulatorProcess.Start(command, new[] { "--urls", "http://127.0.0.1:0" }, Combine("elsewhere"), Temporary);
            Uri baseUri = await emulator.WaitListeningAsync();

            await AssertAnswersAsync(baseUri);
            Assert.Equal(0, await emulator.StopAsync());
            AssertNothingListens(baseUri);
        }

        public void Dispose()
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private string Combine(string name) => Path.Combine(_folder, name);

        private static async Task AssertAnswersAsync(Uri baseUri)
        {
            Assert.Equal("127.0.0.1", baseUri.Host);
            Assert.NotEqual(0, baseUri.Port);
            using var client = new HttpClient { Timeout = EmulatorTestKit.Deadline };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", EmulatorOptions.DefaultApiKey);
            using HttpResponseMessage credits = await client.GetAsync(new Uri(baseUri, "/v1/credits"));
            Assert.Equal(HttpStatusCode.OK, credits.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await credits.Content.ReadAsStringAsync());
            Assert.Equal(1000, body.RootElement.GetProperty("credits").GetProperty("total").GetInt32());
        }

        private static void AssertNothingListens(Uri baseUri)
        {
            using var client = new TcpClient();
            Assert.Throws<SocketException>(() => client.Connect(IPAddress.Loopback, baseUri.Port));
        }
    }
}
