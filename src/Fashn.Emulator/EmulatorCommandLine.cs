using System.Globalization;
using System.Text;
using Fashn.Emulator.Models;

namespace Fashn.Emulator
{
    /// <summary>Hand-written command-line parsing for the emulator: one table entry per <see cref="EmulatorOptions"/> property.</summary>
    public static class EmulatorCommandLine
    {
        private sealed record OptionSpec(string Name, string Value, string Help, Func<EmulatorOptions, string> Default, Action<EmulatorOptions, string> Apply);

        private static readonly OptionSpec[] Specs =
        {
            new("--urls", "<url[;url]>", "Where to listen (loopback only unless --allow-non-loopback).", o => o.Urls, (o, v) => o.Urls = v),
            new("--api-key", "<key>", "The one API key accepted (a well-known dev key, not a secret).", o => o.ApiKey, (o, v) => o.ApiKey = v),
            new("--processing-seconds", "<s>", "Time a prediction spends processing (scaled).", o => Num(o.ProcessingSeconds), (o, v) => o.ProcessingSeconds = Double(v)),
            new("--processing-jitter", "<fraction>", "Spread of processing times (log-normal, mean kept; 0 = fixed).", o => Num(o.ProcessingJitter), (o, v) => o.ProcessingJitter = Double(v)),
            new("--timing-seed", "<n>", "Seed of the timing draws so runs repeat.", o => o.TimingSeed?.ToString(CultureInfo.InvariantCulture) ?? "the fault seed, else random", (o, v) => o.TimingSeed = Int(v)),
            new("--queue-delay-seconds", "<s>", "Extra in_queue time when the service is busy (scaled; 0 = off).", o => Num(o.QueueDelaySeconds), (o, v) => o.QueueDelaySeconds = Double(v)),
            new("--queue-busy-above", "<n>", "Busy: more than this many predictions already running.", o => Num(o.QueueBusyAbove), (o, v) => o.QueueBusyAbove = Int(v)),
            new("--edit-times", "<res:mode=s,...>", "Edit processing seconds to override (scaled), e.g. 4k:quality=110.", o => EditTariff.Describe(o.EditProcessingSeconds), (o, v) => EditTariff.Override(o.EditProcessingSeconds, v, Double)),
            new("--edit-credits", "<res:mode=n,...>", "Edit credits per output image to override, e.g. 1k:fast=1.", o => EditTariff.Describe(o.EditCreditsPerImage), (o, v) => EditTariff.Override(o.EditCreditsPerImage, v, Int)),
            new("--retired-models", "<m1,m2>", "Models a new run is refused for with 400 Unknown model_name (e.g. background-change).", o => o.RetiredModels.Length == 0 ? "none" : string.Join(",", o.RetiredModels), (o, v) => o.RetiredModels = List(v)),
            new("--time-scale", "<factor>", "Multiplies every duration (0.1 = ten times faster).", o => Num(o.TimeScale), (o, v) => o.TimeScale = Double(v)),
            new("--credits", "<n>", "Starting credit balance (total).", o => Num(o.Credits), (o, v) => o.Credits = Long(v)),
            new("--subscription-credits", "<n>", "Part of the balance that is subscription credit (spent first).", o => Num(o.SubscriptionCredits), (o, v) => o.SubscriptionCredits = Long(v)),
            new("--concurrency-limit", "<n>", "Predictions running at once before 429 ConcurrencyLimitExceeded.", o => Num(o.ConcurrencyLimit), (o, v) => o.ConcurrencyLimit = Int(v)),
            new("--run-limit", "<n>", "POST /v1/run requests per run window.", o => Num(o.RunLimit), (o, v) => o.RunLimit = Int(v)),
            new("--run-window-seconds", "<s>", "Length of the run window (scaled).", o => Num(o.RunWindowSeconds), (o, v) => o.RunWindowSeconds = Double(v)),
            new("--status-limit", "<n>", "GET /v1/status requests per status window.", o => Num(o.StatusLimit), (o, v) => o.StatusLimit = Int(v)),
            new("--status-window-seconds", "<s>", "Length of the status window (scaled).", o => Num(o.StatusWindowSeconds), (o, v) => o.StatusWindowSeconds = Double(v)),
            new("--credits-limit", "<n>", "GET /v1/credits requests per credits window.", o => Num(o.CreditsLimit), (o, v) => o.CreditsLimit = Int(v)),
            new("--credits-window-seconds", "<s>", "Length of the credits window (scaled).", o => Num(o.CreditsWindowSeconds), (o, v) => o.CreditsWindowSeconds = Double(v)),
            new("--no-retry-after", "", "Do not send Retry-After with 429 RateLimitExceeded.", o => "sends it", (o, _) => o.SendRetryAfter = false),
            new("--documented-headers-only", "", "Send only headers FASHN documents (no RateLimit-Policy, retry-after-ms, Retry-After, Server).", o => "off", (o, _) => o.DocumentedHeadersOnly = true),
            new("--blocked-words", "<w1,w2>", "Prompt words that fail with ContentModerationError.", o => string.Join(",", o.BlockedWords), (o, v) => o.BlockedWords = List(v)),
            new("--output-lifetime-hours", "<h>", "How long CDN outputs and predictions are kept (scaled).", o => Num(o.OutputLifetimeHours), (o, v) => o.OutputLifetimeHours = Double(v)),
            new("--base64-lifetime-minutes", "<min>", "How long base64 outputs are returned before <base64>_expired (scaled).", o => Num(o.Base64LifetimeMinutes), (o, v) => o.Base64LifetimeMinutes = Double(v)),
            new("--webhook-retry-seconds", "<s>", "Delay between webhook attempts (scaled); up to 5 retries.", o => Num(o.WebhookRetrySeconds), (o, v) => o.WebhookRetrySeconds = Double(v)),
            new("--fault-429-rate", "<0..1>", "Share of /v1 requests answered 429 RateLimitExceeded.", o => Num(o.Fault429Rate), (o, v) => o.Fault429Rate = Double(v)),
            new("--fault-500-rate", "<0..1>", "Share of /v1 requests answered 500 InternalServerError.", o => Num(o.Fault500Rate), (o, v) => o.Fault500Rate = Double(v)),
            new("--fault-drop-rate", "<0..1>", "Share of /v1 requests whose connection is dropped unanswered.", o => Num(o.FaultDropRate), (o, v) => o.FaultDropRate = Double(v)),
            new("--fault-drop-after-create-rate", "<0..1>", "Share of runs that create the prediction, then drop the connection.", o => Num(o.FaultDropAfterCreateRate), (o, v) => o.FaultDropAfterCreateRate = Double(v)),
            new("--fault-gateway-rate", "<0..1>", "Share of /v1 requests answered 502 or 503 with a gateway's HTML page.", o => Num(o.FaultGatewayRate), (o, v) => o.FaultGatewayRate = Double(v)),
            new("--fault-cut-download-rate", "<0..1>", "Share of /cdn downloads cut half way (connection dropped).", o => Num(o.FaultCutDownloadRate), (o, v) => o.FaultCutDownloadRate = Double(v)),
            new("--fault-slow-after-create-rate", "<0..1>", "Share of runs that create the prediction, then answer --fault-slow-seconds late.", o => Num(o.FaultSlowAfterCreateRate), (o, v) => o.FaultSlowAfterCreateRate = Double(v)),
            new("--fault-slow-rate", "<0..1>", "Share of /v1 requests answered late.", o => Num(o.FaultSlowRate), (o, v) => o.FaultSlowRate = Double(v)),
            new("--fault-slow-seconds", "<s>", "Delay of a slow answer (wall-clock, not scaled).", o => Num(o.FaultSlowSeconds), (o, v) => o.FaultSlowSeconds = Double(v)),
            new("--fault-fail-rate", "<0..1>", "Share of created predictions that fail.", o => Num(o.FaultFailRate), (o, v) => o.FaultFailRate = Double(v)),
            new("--fault-fail-names", "<n1,n2>", "Error names injected failures draw from.", o => string.Join(",", o.FaultFailNames), (o, v) => o.FaultFailNames = List(v)),
            new("--fault-canceled-rate", "<0..1>", "Share of created predictions that end canceled.", o => Num(o.FaultCanceledRate), (o, v) => o.FaultCanceledRate = Double(v)),
            new("--fault-time-out-rate", "<0..1>", "Share of created predictions that end time_out.", o => Num(o.FaultTimeOutRate), (o, v) => o.FaultTimeOutRate = Double(v)),
            new("--max-run-body-bytes", "<n>", "Run bodies above this answer 500 InternalServerError (0 = no limit).", o => Num(o.MaxRunBodyBytes), (o, v) => o.MaxRunBodyBytes = Long(v)),
            new("--fault-seed", "<n>", "Seed for fault draws so runs repeat.", o => o.FaultSeed?.ToString(CultureInfo.InvariantCulture) ?? "random", (o, v) => o.FaultSeed = Int(v)),
            new("--upload-bytes-per-second", "<n>", "Simulated uplink: read request bodies no faster (0 = unlimited).", o => Num(o.UploadBytesPerSecond), (o, v) => o.UploadBytesPerSecond = Long(v)),
            new("--data-dir", "<path>", "Folder for outputs and the state kept across restarts (state.json; one emulator at a time).", o => o.DataDirectory ?? "a temporary folder, state forgotten and folder deleted on exit", (o, v) => o.DataDirectory = v),
            new("--render-workers", "<n>", "Renders running at once.", o => Num(o.RenderWorkers), (o, v) => o.RenderWorkers = Int(v)),
            new("--allow-remote-urls", "", "Fetch image URLs from any host, not only loopback.", o => "off", (o, _) => o.AllowRemoteUrls = true),
            new("--allow-remote-webhooks", "", "Deliver webhooks to any host, not only loopback.", o => "off", (o, _) => o.AllowRemoteWebhooks = true),
            new("--allow-non-loopback", "", "Allow --urls to bind a non-loopback address.", o => "off", (o, _) => o.AllowNonLoopbackBinding = true),
        };

        /// <summary>Parses the arguments; returns null with <paramref name="showHelp"/> set for --help. Throws <see cref="ArgumentException"/> for bad input.</summary>
        public static EmulatorOptions? Parse(IReadOnlyList<string> args, out bool showHelp)
        {
            var options = new EmulatorOptions();
            showHelp = false;
            for (int i = 0; i < args.Count; i++)
            {
                string arg = args[i];
                if (arg is "--help" or "-h" or "-?")
                {
                    showHelp = true;
                    return null;
                }

                string name = arg;
                string? inlineValue = null;
                int equals = arg.IndexOf('=');
                if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
                {
                    name = arg.Substring(0, equals);
                    inlineValue = arg.Substring(equals + 1);
                }

                OptionSpec spec = Specs.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"Unknown option '{name}'. Run with --help to list the options.");
                string value;
                if (spec.Value.Length == 0)
                {
                    value = "";
                }
                else if (inlineValue is not null)
                {
                    value = inlineValue;
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new ArgumentException($"Option '{spec.Name}' needs a value {spec.Value}.");
                }

                try
                {
                    spec.Apply(options, value);
                }
                catch (FormatException)
                {
                    throw new ArgumentException($"Option '{spec.Name}' got '{value}', expected {spec.Value}.");
                }
            }

            return options;
        }

        /// <summary>The --help text: every option with its default.</summary>
        public static string HelpText()
        {
            var defaults = new EmulatorOptions();
            var text = new StringBuilder();
            text.AppendLine("fashn-emulator: a local emulator of FASHN's API for the background-change and edit models.");
            text.AppendLine();
            text.AppendLine("Usage: fashn-emulator [options]");
            text.AppendLine();
            text.AppendLine("Options:");
            foreach (OptionSpec spec in Specs)
            {
                string left = spec.Value.Length == 0 ? spec.Name : spec.Name + " " + spec.Value;
                text.AppendLine($"  {left,-40} {spec.Help} (default: {spec.Default(defaults)})");
            }

            text.AppendLine($"  {"--help",-40} Show this text.");
            return text.ToString();
        }

        private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);

        private static double Double(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

        private static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

        private static long Long(string value) => long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

        private static string[] List(string value) =>
            value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
