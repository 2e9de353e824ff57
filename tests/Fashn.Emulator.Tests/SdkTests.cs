using System.Text.Json;
using SkiaSharp;
using Xunit;
using static Fashn.Emulator.Tests.EditTestKit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>
    /// FASHN's official TypeScript SDK, unchanged, works against the emulator, edit included: the version bench/sdk-baseline
    /// pins is installed with <c>npm ci</c> into a folder of the test's own (npm's cache too), and sdk-check.mjs runs it.
    /// Needs node and npm, and the npm registry.
    /// </summary>
    public class SdkTests
    {
        [Fact]
        public async Task The_official_sdk_runs_background_change_and_edit_against_the_emulator()
        {
            using var own = new TestFolder("fashn-emulator-sdk-");
            string folder = Directory.CreateDirectory(own.Path).FullName;
            string temporary = Directory.CreateDirectory(Path.Combine(folder, "tmp")).FullName;
            var npmEnvironment = new Dictionary<string, string>
            {
                // Nothing in the user's profile: npm's cache and logs stay in the test's folder.
                ["npm_config_cache"] = Path.Combine(folder, "npm-cache"),
                ["npm_config_update_notifier"] = "false",
                ["npm_config_fund"] = "false",
                ["npm_config_audit"] = "false",
            };
            string baseline = Path.Combine(EmulatorProcess.RepositoryRoot, "bench", "sdk-baseline");
            foreach (string file in new[] { "package.json", "package-lock.json" })
            {
                File.Copy(Path.Combine(baseline, file), Path.Combine(folder, file));
            }

            File.Copy(Path.Combine(EmulatorProcess.RepositoryRoot, "tests", "Fashn.Emulator.Tests", "Sdk", "sdk-check.mjs"), Path.Combine(folder, "sdk-check.mjs"));
            await EmulatorProcess.RunToEndAsync(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", new[] { "ci", "--ignore-scripts" }, folder, temporary, npmEnvironment);
            string photo = Path.Combine(folder, "photo.jpg");
            File.WriteAllBytes(photo, SmallJpeg(96, 72));
            string context = Path.Combine(folder, "context.png");
            File.WriteAllBytes(context, SolidPng(80, 60, new SKColor(30, 160, 60)));

            string emulatorFolder;
            string printed;
            await using (EmulatorServer server = await StartAsync())
            {
                emulatorFolder = server.DataDirectory;
                var sdkEnvironment = new Dictionary<string, string>
                {
                    ["FASHN_BASE_URL"] = server.BaseUri.AbsoluteUri.TrimEnd('/'),
                    ["FASHN_API_KEY"] = server.Options.ApiKey,
                };
                printed = await EmulatorProcess.RunToEndAsync("node", new[] { "sdk-check.mjs", photo, context }, folder, temporary, sdkEnvironment);
            }

            using JsonDocument document = JsonDocument.Parse(printed.Trim().Split('\n')[^1]);
            JsonElement seen = document.RootElement;

            JsonElement backgroundChange = seen.GetProperty("backgroundChange");
            Assert.Equal("completed", backgroundChange.GetProperty("status").GetString());
            Assert.Equal(1, backgroundChange.GetProperty("creditsUsed").GetInt32());
            JsonElement download = Assert.Single(backgroundChange.GetProperty("downloads").EnumerateArray());
            Assert.Equal(200, download.GetProperty("status").GetInt32());
            Assert.Equal("image/png", download.GetProperty("contentType").GetString());
            Assert.True(download.GetProperty("pngSignature").GetBoolean());

            // 1k quality: 2 credits an image, 2 images.
            JsonElement edit = seen.GetProperty("editSubscribe");
            Assert.Equal("completed", edit.GetProperty("status").GetString());
            Assert.Equal(4, edit.GetProperty("creditsUsed").GetInt32());
            Assert.Equal(2, edit.GetProperty("distinctOutputs").GetInt32());
            Assert.All(edit.GetProperty("outputs").EnumerateArray(), output => Assert.Equal("data:image/png;base64,", output.GetString()));

            JsonElement runStatus = seen.GetProperty("editRunStatus");
            Assert.Equal(JsonValueKind.Null, runStatus.GetProperty("runError").ValueKind);
            Assert.Equal("completed", runStatus.GetProperty("status").GetString());
            JsonElement editDownload = Assert.Single(runStatus.GetProperty("downloads").EnumerateArray());
            Assert.Equal(200, editDownload.GetProperty("status").GetInt32());
            Assert.True(editDownload.GetProperty("pngSignature").GetBoolean());

            Assert.Equal("time_out", seen.GetProperty("timeOut").GetProperty("status").GetString());
            JsonElement badRequest = seen.GetProperty("badRequest");
            Assert.True(badRequest.GetProperty("thrown").GetBoolean());
            Assert.Equal(400, badRequest.GetProperty("status").GetInt32());
            Assert.Equal("BadRequest", badRequest.GetProperty("error").GetString());

            // The emulator is stopped and its data folder gone; so is the test's own folder, npm's cache and node's temporary files with it.
            Assert.False(Directory.Exists(emulatorFolder));
            own.Dispose();
            Assert.False(Directory.Exists(folder));
        }
    }
}
