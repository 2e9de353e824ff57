using Fashn.Emulator.Models;

namespace Fashn.Emulator
{
    /// <summary>
    /// Everything the emulator can be told, one property per command-line option (see <see cref="EmulatorCommandLine"/>).
    /// Durations are given in the real service's units and multiplied by <see cref="TimeScale"/>.
    /// </summary>
    public sealed class EmulatorOptions
    {
        /// <summary>The emulator's own well-known development key; not a secret (like Azurite's account key).</summary>
        public const string DefaultApiKey = "fa-emulator-devkey";

        /// <summary>Where to listen; several URLs separated by ';'. Port 0 picks a free port.</summary>
        public string Urls { get; set; } = "http://127.0.0.1:0";

        /// <summary>The one API key accepted in <c>Authorization: Bearer</c>.</summary>
        public string ApiKey { get; set; } = DefaultApiKey;

        /// <summary>
        /// How long a background-change prediction stays in <c>processing</c> on average (scaled): 11 s, so that with
        /// 0.5 s <c>starting</c> and 0.5 s <c>in_queue</c> it takes the real model's 12 s end to end.
        /// </summary>
        public double ProcessingSeconds { get; set; } = 11;

        /// <summary>
        /// Spread of processing times: the coefficient of variation of a log-normal around the model's time, whose mean
        /// it keeps. 0 gives every prediction exactly the model's time.
        /// </summary>
        public double ProcessingJitter { get; set; } = 0.15;

        /// <summary>Seed of the timing draws (jitter, queue delay) so runs repeat; null takes <see cref="FaultSeed"/>, and without that the clock.</summary>
        public int? TimingSeed { get; set; }

        /// <summary>Extra time in <c>in_queue</c> (scaled, with the jitter's spread) for a prediction admitted while the service is busy. 0 = off.</summary>
        public double QueueDelaySeconds { get; set; }

        /// <summary>The service counts as busy when more than this many predictions are already running.</summary>
        public int QueueBusyAbove { get; set; } = 3;

        /// <summary>The edit model's average processing seconds (scaled) by <c>"&lt;resolution&gt;:&lt;mode&gt;"</c>, e.g. <c>"1k:fast"</c>; unconfirmed defaults within FASHN's 20-120 s.</summary>
        public Dictionary<string, double> EditProcessingSeconds { get; set; } = EditTariff.DefaultTimes();

        /// <summary>The edit model's credits per output image by <c>"&lt;resolution&gt;:&lt;mode&gt;"</c>; unconfirmed defaults within FASHN's 1-5.</summary>
        public Dictionary<string, int> EditCreditsPerImage { get; set; } = EditTariff.DefaultCredits();

        /// <summary>
        /// Models no longer served to new runs, as when FASHN retires background-change (its date and answer are
        /// unconfirmed): a run answers 400 BadRequest "Unknown model_name", as for any model it does not serve.
        /// Predictions of a retired model made before still answer their status.
        /// </summary>
        public string[] RetiredModels { get; set; } = Array.Empty<string>();

        /// <summary>Multiplies every duration: phases, processing, rate windows, output lifetimes, webhook retry delays.</summary>
        public double TimeScale { get; set; } = 1;

        /// <summary>Starting balance (total). Subscription credits are part of it and spent first.</summary>
        public long Credits { get; set; } = 1000;

        /// <summary>How much of <see cref="Credits"/> is subscription credit (the rest is on-demand).</summary>
        public long SubscriptionCredits { get; set; } = 100;

        /// <summary>Predictions running at once (starting, in_queue or processing) before 429 ConcurrencyLimitExceeded.</summary>
        public int ConcurrencyLimit { get; set; } = 6;

        public int RunLimit { get; set; } = 50;
        public double RunWindowSeconds { get; set; } = 60;
        public int StatusLimit { get; set; } = 50;
        public double StatusWindowSeconds { get; set; } = 10;
        public int CreditsLimit { get; set; } = 30;
        public double CreditsWindowSeconds { get; set; } = 10;

        /// <summary>Whether 429 RateLimitExceeded answers carry <c>Retry-After</c> (unconfirmed for the real service).</summary>
        public bool SendRetryAfter { get; set; } = true;

        /// <summary>
        /// Send only the headers FASHN documents, as a client will meet the real service: no <c>RateLimit-Policy</c>,
        /// <c>retry-after-ms</c>, <c>Retry-After</c> (its sending is unconfirmed) or <c>Server</c>.
        /// </summary>
        public bool DocumentedHeadersOnly { get; set; }

        /// <summary>Whether 429 answers carry <c>Retry-After</c> and <c>retry-after-ms</c>.</summary>
        internal bool SendsRetryAfter => SendRetryAfter && !DocumentedHeadersOnly;

        /// <summary>Fetch URL inputs from any host, not only loopback.</summary>
        public bool AllowRemoteUrls { get; set; }

        /// <summary>Deliver webhooks to any host, not only loopback.</summary>
        public bool AllowRemoteWebhooks { get; set; }

        /// <summary>Allow <see cref="Urls"/> to bind something other than loopback.</summary>
        public bool AllowNonLoopbackBinding { get; set; }

        /// <summary>Prompts containing any of these words (case-insensitive, whole words) fail with ContentModerationError.</summary>
        public string[] BlockedWords { get; set; } = { "nsfw", "gore", "nude", "blood" };

        /// <summary>How long CDN outputs are served and predictions stay tracked (scaled); 72 h on the real service.</summary>
        public double OutputLifetimeHours { get; set; } = 72;

        /// <summary>How long base64 outputs are returned before "&lt;base64&gt;_expired" (scaled); 60 min on the real service.</summary>
        public double Base64LifetimeMinutes { get; set; } = 60;

        /// <summary>Delay between webhook attempts (scaled); the real service spreads 5 retries over about 5 minutes.</summary>
        public double WebhookRetrySeconds { get; set; } = 60;

        /// <summary>Shares (0..1) of /v1 requests that get an injected fault, drawn from <c>Random(FaultSeed)</c>.</summary>
        public double Fault429Rate { get; set; }
        public double Fault500Rate { get; set; }
        public double FaultDropRate { get; set; }

        /// <summary>Share of /v1 requests answered by a "gateway": 502 or 503 with an HTML page, nothing created.</summary>
        public double FaultGatewayRate { get; set; }

        /// <summary>Share of CDN downloads cut half way: the headers promise the whole file, half is sent, the connection drops.</summary>
        public double FaultCutDownloadRate { get; set; }

        /// <summary>Share of POST /v1/run requests that create the prediction and then drop the connection unanswered.</summary>
        public double FaultDropAfterCreateRate { get; set; }
        public double FaultSlowRate { get; set; }

        /// <summary>Share of POST /v1/run requests that create the prediction and then answer <see cref="FaultSlowSeconds"/> late.</summary>
        public double FaultSlowAfterCreateRate { get; set; }

        /// <summary>Delay of an injected slow answer, in wall-clock seconds (not scaled: it exercises HTTP timeouts).</summary>
        public double FaultSlowSeconds { get; set; } = 5;

        /// <summary>Share of created predictions that fail with a name drawn from <see cref="FaultFailNames"/>.</summary>
        public double FaultFailRate { get; set; }
        public string[] FaultFailNames { get; set; } = { "PipelineError", "ThirdPartyError", "UnavailableError" };

        /// <summary>Shares of created predictions that end with the status <c>canceled</c> or <c>time_out</c> (no output, not charged).</summary>
        public double FaultCanceledRate { get; set; }
        public double FaultTimeOutRate { get; set; }

        /// <summary>
        /// A <c>POST /v1/run</c> body larger than this answers 500 InternalServerError, as FASHN's most common 500
        /// (an oversized base64 payload). 0 = no limit. 10 MiB: FASHN's advice (at most 2000 px, JPEG quality 95)
        /// gives bodies of 1-4 MB, so an image, an image_context and a mask at that size all fit, while an
        /// unresized camera photo (8-16 MB of base64) does not.
        /// </summary>
        public long MaxRunBodyBytes { get; set; } = 10L * 1024 * 1024;

        /// <summary>Seed for fault draws so runs repeat; null draws a seed from the clock.</summary>
        public int? FaultSeed { get; set; }

        /// <summary>Simulated uplink: request bodies are read at most this fast. 0 = unlimited.</summary>
        public long UploadBytesPerSecond { get; set; }

        /// <summary>
        /// Folder for outputs and, when given, for the state kept across restarts (<c>state.json</c>, locked by
        /// <c>emulator.lock</c> so only one emulator uses it at a time). Null = a fresh temporary folder, state forgotten
        /// and folder deleted when the server stops.
        /// </summary>
        public string? DataDirectory { get; set; }

        /// <summary>Renders running at once on the background workers.</summary>
        public int RenderWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount);

        internal TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds * TimeScale));

        /// <summary>Throws <see cref="ArgumentException"/> for options the emulator cannot start with.</summary>
        internal void Validate()
        {
            if (string.IsNullOrEmpty(ApiKey))
            {
                throw new ArgumentException("The API key must not be empty.");
            }

            if (!(TimeScale > 0))
            {
                throw new ArgumentException("The time scale must be greater than 0.");
            }

            if (EditProcessingSeconds.Keys.Union(EditCreditsPerImage.Keys).Any(key => !EditTariff.DefaultTimes().ContainsKey(key))
                || EditTariff.DefaultTimes().Keys.Any(key => !EditProcessingSeconds.ContainsKey(key) || !EditCreditsPerImage.ContainsKey(key))
                || EditProcessingSeconds.Values.Any(seconds => !(seconds >= 0)) || EditCreditsPerImage.Values.Any(credits => credits < 0))
            {
                throw new ArgumentException("The edit times and credits need an entry of 0 or more for every <resolution>:<mode> (1k/2k/4k, fast/balanced/quality) and no other.");
            }

            if (RetiredModels.Any(name => name != BackgroundChangeModel.ModelName && name != EditModel.ModelName))
            {
                throw new ArgumentException($"Only served models can be retired ('{BackgroundChangeModel.ModelName}', '{EditModel.ModelName}'); got {string.Join(", ", RetiredModels.Select(name => $"'{name}'"))}.");
            }

            if (MaxRunBodyBytes < 0)
            {
                throw new ArgumentException("The largest run body must be 0 (no limit) or more bytes.");
            }

            if (!(ProcessingJitter >= 0) || !(QueueDelaySeconds >= 0))
            {
                throw new ArgumentException("The processing jitter and the queue delay must be 0 or more.");
            }

            foreach (string url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!AllowNonLoopbackBinding && !LoopbackHosts.IsLoopback(HostOf(url)))
                {
                    throw new ArgumentException(
                        $"Refusing to listen on {url}: only loopback addresses (127.0.0.1, [::1], localhost) unless --allow-non-loopback is given.");
                }
            }
        }

        private static string HostOf(string url)
        {
            int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
            string rest = schemeEnd >= 0 ? url.Substring(schemeEnd + 3) : url;
            if (rest.StartsWith('['))
            {
                int close = rest.IndexOf(']');
                return close > 0 ? rest.Substring(0, close + 1) : rest;
            }

            int end = rest.IndexOfAny(new[] { ':', '/' });
            return end >= 0 ? rest.Substring(0, end) : rest;
        }
    }
}
