using Xunit;

namespace Fashn.Emulator.Tests
{
    public class CommandLineTests
    {
        [Fact]
        public void Options_are_parsed_into_the_emulator_options()
        {
            EmulatorOptions options = EmulatorCommandLine.Parse(new[]
            {
                "--urls", "http://127.0.0.1:5080", "--api-key", "fa-test-key", "--processing-seconds", "3.5",
                "--time-scale=0.1", "--credits", "7", "--concurrency-limit", "2", "--run-limit", "5", "--run-window-seconds", "30",
                "--status-limit", "500", "--status-window-seconds", "1", "--credits-limit", "9", "--credits-window-seconds", "2",
                "--no-retry-after", "--blocked-words", "lava, volcano", "--fault-429-rate", "0.1", "--fault-500-rate", "0.2",
                "--fault-drop-rate", "0.05", "--fault-drop-after-create-rate", "0.01", "--fault-slow-rate", "0.3", "--fault-slow-seconds", "4",
                "--fault-fail-rate", "0.5", "--fault-fail-names", "PipelineError", "--fault-seed", "99",
                "--fault-gateway-rate", "0.04", "--fault-cut-download-rate", "0.06", "--fault-slow-after-create-rate", "0.07",
                "--upload-bytes-per-second", "1000", "--data-dir", "/tmp/x", "--allow-remote-urls", "--allow-remote-webhooks",
                "--allow-non-loopback", "--output-lifetime-hours", "1", "--base64-lifetime-minutes", "2", "--webhook-retry-seconds", "3",
            }, out bool showHelp)!;

            Assert.False(showHelp);
            Assert.Equal("http://127.0.0.1:5080", options.Urls);
            Assert.Equal("fa-test-key", options.ApiKey);
            Assert.Equal(3.5, options.ProcessingSeconds);
            Assert.Equal(0.1, options.TimeScale);
            Assert.Equal(7, options.Credits);
            Assert.Equal(2, options.ConcurrencyLimit);
            Assert.Equal(5, options.RunLimit);
            Assert.Equal(30, options.RunWindowSeconds);
            Assert.Equal(500, options.StatusLimit);
            Assert.Equal(1, options.StatusWindowSeconds);
            Assert.Equal(9, options.CreditsLimit);
            Assert.Equal(2, options.CreditsWindowSeconds);
            Assert.False(options.SendRetryAfter);
            Assert.Equal(new[] { "lava", "volcano" }, options.BlockedWords);
            Assert.Equal(0.1, options.Fault429Rate);
            Assert.Equal(0.2, options.Fault500Rate);
            Assert.Equal(0.05, options.FaultDropRate);
            Assert.Equal(0.01, options.FaultDropAfterCreateRate);
            Assert.Equal(0.04, options.FaultGatewayRate);
            Assert.Equal(0.06, options.FaultCutDownloadRate);
            Assert.Equal(0.07, options.FaultSlowAfterCreateRate);
            Assert.Equal(0.3, options.FaultSlowRate);
            Assert.Equal(4, options.FaultSlowSeconds);
            Assert.Equal(0.5, options.FaultFailRate);
            Assert.Equal(new[] { "PipelineError" }, options.FaultFailNames);
            Assert.Equal(99, options.FaultSeed);
            Assert.Equal(1000, options.UploadBytesPerSecond);
            Assert.Equal("/tmp/x", options.DataDirectory);
            Assert.True(options.AllowRemoteUrls);
            Assert.True(options.AllowRemoteWebhooks);
            Assert.True(options.AllowNonLoopbackBinding);
            Assert.Equal(1, options.OutputLifetimeHours);
            Assert.Equal(2, options.Base64LifetimeMinutes);
            Assert.Equal(3, options.WebhookRetrySeconds);
        }

        [Fact]
        public void No_arguments_give_the_documented_defaults()
        {
            EmulatorOptions options = EmulatorCommandLine.Parse(Array.Empty<string>(), out _)!;

            Assert.Equal("http://127.0.0.1:0", options.Urls);
            Assert.Equal("fa-emulator-devkey", options.ApiKey);
            Assert.Equal(11, options.ProcessingSeconds);
            Assert.Equal(1, options.TimeScale);
            Assert.Equal(1000, options.Credits);
            Assert.Equal(6, options.ConcurrencyLimit);
            Assert.Equal((50, 60.0), (options.RunLimit, options.RunWindowSeconds));
            Assert.Equal((50, 10.0), (options.StatusLimit, options.StatusWindowSeconds));
            Assert.Equal((30, 10.0), (options.CreditsLimit, options.CreditsWindowSeconds));
            Assert.True(options.SendRetryAfter);
            Assert.False(options.AllowNonLoopbackBinding);
        }

        [Fact]
        public void Help_lists_every_option_with_its_default()
        {
            Assert.Null(EmulatorCommandLine.Parse(new[] { "--help" }, out bool showHelp));
            Assert.True(showHelp);

            string help = EmulatorCommandLine.HelpText();
            string[] required =
            {
                "--urls", "--api-key", "--processing-seconds", "--time-scale", "--credits", "--concurrency-limit", "--run-limit",
                "--run-window-seconds", "--status-limit", "--status-window-seconds", "--credits-limit", "--credits-window-seconds",
                "--no-retry-after", "--blocked-words", "--fault-429-rate", "--fault-500-rate", "--fault-drop-rate",
                "--fault-drop-after-create-rate", "--fault-slow-rate", "--fault-slow-seconds", "--fault-fail-rate", "--fault-fail-names",
                "--fault-gateway-rate", "--fault-cut-download-rate", "--fault-slow-after-create-rate", "--fault-seed", "--upload-bytes-per-second", "--data-dir", "--allow-remote-urls", "--allow-remote-webhooks",
                "--allow-non-loopback", "--help",
            };
            string[] lines = help.Split('\n');
            foreach (string option in required.Where(o => o != "--help"))
            {
                Assert.Contains(lines, line => line.TrimStart().StartsWith(option + " ", StringComparison.Ordinal) && line.Contains("(default: "));
            }

            Assert.Contains(lines, line => line.TrimStart().StartsWith("--help", StringComparison.Ordinal));
            Assert.Contains("(default: 11)", help);
            Assert.Contains("(default: fa-emulator-devkey)", help);
        }

        [Fact]
        public void Every_option_of_the_help_is_in_the_options_table_of_docs_emulator_md()
        {
            string docs = File.ReadAllText(Path.Combine(EmulatorProcess.RepositoryRoot, "docs", "emulator.md"));
            string[] tableRows = docs.Split('\n').Where(line => line.StartsWith("| `--", StringComparison.Ordinal)).ToArray();
            string[] options = EmulatorCommandLine.HelpText().Split('\n')
                .Select(line => line.Trim())
                .Where(line => line.StartsWith("--", StringComparison.Ordinal))
                .Select(line => line.Split(' ')[0])
                .ToArray();

            Assert.Contains("--max-run-body-bytes", options);
            foreach (string option in options)
            {
                Assert.Contains(tableRows, row => row.Contains("`" + option + " ", StringComparison.Ordinal) || row.Contains("`" + option + "`", StringComparison.Ordinal));
            }
        }

        [Theory]
        [InlineData("--no-such-option")]
        [InlineData("--credits")]
        [InlineData("--credits", "many")]
        public void Bad_arguments_throw_an_argument_exception_that_says_what_is_wrong(params string[] args)
        {
            ArgumentException error = Assert.Throws<ArgumentException>(() => EmulatorCommandLine.Parse(args, out _));

            Assert.Contains(args[0], error.Message);
        }
    }
}
