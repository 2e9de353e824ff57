using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fashn.Emulator.Accounting;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Faults;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Middleware;
using Fashn.Emulator.Persistence;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;
using Fashn.Emulator.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Fashn.Emulator
{
    /// <summary>
    /// The FASHN API emulator as an in-process server: <c>POST /v1/run</c>, <c>GET /v1/status/{id}</c>,
    /// <c>GET /v1/credits</c>, the CDN for outputs and <c>GET /_emulator/stats</c>.
    /// </summary>
    public sealed class EmulatorServer : IAsyncDisposable
    {
        private const string RunGroup = "run";
        private const string StatusGroup = "status";
        private const string CreditsGroup = "credits";
        private const string FaultItem = "fashn.fault";
        private const string DroppedItem = "fashn.dropped";
        private const string BackgroundChangeModel = "background-change";
        private const long MaxSeed = uint.MaxValue;

        private readonly WebApplication _app;
        private readonly DataFolder _folder;
        private readonly EmulatorStats _stats;
        private readonly CreditAccount _credits;
        private readonly PredictionStore _store = new();
        private readonly OutputLifetimes _lifetimes;
        private readonly StatusAnswers _answers;
        private readonly PredictionAdmission _admission;
        private readonly StateKeeper _state;
        private readonly PredictionLifecycle _lifecycle;
        private readonly ExpirySweeper _sweeper;
        private readonly RateWindows _rateWindows = new();
        private readonly FaultInjector _faults;
        private readonly HttpClient _http;
        private readonly CancellationTokenSource _stopping = new();
        private int _stopped;

        private EmulatorServer(EmulatorOptions options)
        {
            Options = options;
            _folder = DataFolder.Open(options.DataDirectory, out SavedState? saved);
            _stats = new EmulatorStats();
            _credits = new CreditAccount(options.Credits, options.SubscriptionCredits);
            if (saved is not null)
            {
                _credits.LoadFrom(saved);
                _stats.LoadFrom(saved);
            }

            _faults = new FaultInjector(options);
            // Redirects are not followed unless remote URLs are allowed: a loopback URL must not bounce elsewhere.
            _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = options.AllowRemoteUrls })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
            var webhooks = new WebhookSender(_http, options, _stopping.Token);
            _lifetimes = new OutputLifetimes(options);
            _answers = new StatusAnswers(_lifetimes);
            _admission = new PredictionAdmission(options.ConcurrencyLimit, _credits, _stats);
            _state = new StateKeeper(_folder.StateFile, _store, _credits, _stats);
            var producer = new OutputProducer(options, new InputImageLoader(_http, options.AllowRemoteUrls, _stats), _folder);
            _lifecycle = new PredictionLifecycle(options, _store, _admission, producer, _folder, _state, _answers, webhooks, _stats);
            _sweeper = new ExpirySweeper(_store, _lifetimes, _folder, _state);
            if (saved is not null)
            {
                try
                {
                    StateRestorer.Restore(saved, _folder, _lifetimes, _store, _lifecycle, _state);
                }
                catch
                {
                    _folder.Dispose();
                    throw;
                }
            }

            _sweeper.Start();
            _app = BuildApp();
        }

        /// <summary>The address the server really listens on, e.g. http://127.0.0.1:54321/.</summary>
        public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

        public EmulatorOptions Options { get; }

        /// <summary>Where outputs are written (one folder per prediction), and state.json when the folder was given.</summary>
        public string DataDirectory => _folder.Root;

        /// <summary>Starts listening. Refuses a non-loopback binding unless <see cref="EmulatorOptions.AllowNonLoopbackBinding"/>.</summary>
        public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            Validate(options);
            var server = new EmulatorServer(options);
            try
            {
                await server._app.StartAsync(cancellationToken);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            string address = server._app.Urls.First();
            server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
            server._lifecycle.PublicBaseUri = server.BaseUri;
            return server;
        }

        public async Task StopAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            _stopping.Cancel();
            try
            {
                await _app.StopAsync(TimeSpan.FromSeconds(5));
            }
            finally
            {
                await _lifecycle.StopAsync();
                await _sweeper.StopAsync();
                _state.SaveLastAndClose();
                await _app.DisposeAsync();
                _http.Dispose();
                _folder.Dispose();
            }
        }

        public async ValueTask DisposeAsync() => await StopAsync();

        private static void Validate(EmulatorOptions options)
        {
            if (string.IsNullOrEmpty(options.ApiKey))
            {
                throw new ArgumentException("The API key must not be empty.");
            }

            if (!(options.TimeScale > 0))
            {
                throw new ArgumentException("The time scale must be greater than 0.");
            }

            foreach (string url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!options.AllowNonLoopbackBinding && !LoopbackHosts.IsLoopback(HostOf(url)))
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

        private WebApplication BuildApp()
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = Array.Empty<string>(),
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(Options.Urls);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                // Large base64 payloads are exactly what the real service struggles with; accept up to 64 MB here.
                kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            });

            WebApplication app = builder.Build();
            app.UseRouting();
            app.Use(CountAndInjectFaultsAsync);

            app.MapPost("/v1/run", (Delegate)RunAsync);
            app.MapGet("/v1/status/{id}", GetStatus);
            app.MapGet("/v1/credits", GetCredits);
            app.MapGet("/cdn/{id}/{file}", GetCdnFile);
            app.MapGet("/_emulator/stats", GetStats);
            return app;
        }

        /// <summary>Counts every request by route and status, and applies injected faults to /v1 requests.</summary>
        private async Task CountAndInjectFaultsAsync(HttpContext context, RequestDelegate next)
        {
            string method = context.Request.Method;
            string path = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
            try
            {
                if (context.Request.Path.StartsWithSegments("/v1"))
                {
                    Fault fault;
                    if (context.Request.Headers.TryGetValue(FaultInjector.HeaderName, out var header))
                    {
                        Fault? parsed = FaultInjector.Parse(header.ToString());
                        if (parsed is null)
                        {
                            await ApiErrors.UnknownFaultHeader().WriteAsync(context);
                            return;
                        }

                        fault = parsed;
                    }
                    else
                    {
                        fault = _faults.Draw(isRun: path == "/v1/run");
                    }

                    if (await ApplyTransportFaultAsync(context, fault, path == "/v1/run"))
                    {
                        return;
                    }
                }

                await next(context);
            }
            finally
            {
                bool dropped = context.Items.ContainsKey(DroppedItem);
                _stats.CountRequest(method, path, dropped ? EmulatorStats.DroppedStatus : context.Response.StatusCode);
            }
        }

        /// <summary>Applies a fault that replaces or delays the answer; true when the request is finished.</summary>
        private async Task<bool> ApplyTransportFaultAsync(HttpContext context, Fault fault, bool isRun)
        {
            switch (fault.Kind)
            {
                case FaultKind.Status429:
                    _stats.CountFault(fault.Label);
                    if (Options.SendRetryAfter)
                    {
                        context.Response.Headers.RetryAfter = "1";
                    }

                    await ApiErrors.InjectedRateLimit().WriteAsync(context);
                    return true;
                case FaultKind.Status500:
                    _stats.CountFault(fault.Label);
                    await ApiErrors.InjectedServerError().WriteAsync(context);
                    return true;
                case FaultKind.Drop:
                case FaultKind.DropAfterCreate when !isRun:
                    _stats.CountFault("drop");
                    Drop(context);
                    return true;
                case FaultKind.Slow:
                    _stats.CountFault(fault.Label);
                    await Task.Delay(TimeSpan.FromSeconds(fault.SlowSeconds), context.RequestAborted);
                    return false;
                case FaultKind.DropAfterCreate:
                case FaultKind.Fail:
                    // Applied by the run handler once the prediction exists.
                    context.Items[FaultItem] = fault;
                    return false;
                default:
                    return false;
            }
        }

        private static void Drop(HttpContext context)
        {
            context.Items[DroppedItem] = true;
            context.Abort();
        }

        /// <summary>The API key of an authorised request, or null (and the 401 to answer).</summary>
        private string? Authorize(HttpContext context, out IResult? unauthorized)
        {
            string header = context.Request.Headers.Authorization.ToString();
            const string bearer = "Bearer ";
            if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
                && string.Equals(header.Substring(bearer.Length).Trim(), Options.ApiKey, StringComparison.Ordinal))
            {
                unauthorized = null;
                return Options.ApiKey;
            }

            unauthorized = (header.Length == 0 ? ApiErrors.MissingApiKey() : ApiErrors.InvalidApiKey()).ToResult();
            return null;
        }

        private IResult? CheckRateWindow(HttpContext context, string apiKey, string group, int limit, double windowSeconds)
        {
            // The window in force, scaled, in the form of the IETF RateLimit-Policy header, so that a client can keep
            // inside it when the time scale makes it differ from FASHN's documented one. FASHN itself is not known to send it.
            context.Response.Headers["RateLimit-Policy"] =
                limit.ToString(CultureInfo.InvariantCulture) + ";w=" + Options.Scaled(windowSeconds).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            if (_rateWindows.TryAcquire(apiKey, group, limit, Options.Scaled(windowSeconds), DateTime.UtcNow, out TimeSpan retryAfter))
            {
                return null;
            }

            _stats.CountRejected(ApiErrorCodes.RateLimitExceeded);
            if (Options.SendRetryAfter)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                // Whole seconds are too coarse for a scaled clock; FASHN's SDKs read retry-after-ms first.
                context.Response.Headers["retry-after-ms"] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            }

            return ApiErrors.RateLimitExceeded(limit, group, Options.Scaled(windowSeconds)).ToResult();
        }

        private async Task<IResult> RunAsync(HttpContext context)
        {
            string? apiKey = Authorize(context, out IResult? unauthorized);
            if (apiKey is null)
            {
                return unauthorized!;
            }

            if (CheckRateWindow(context, apiKey, RunGroup, Options.RunLimit, Options.RunWindowSeconds) is IResult limited)
            {
                return limited;
            }

            byte[] body = await ReadBodyAsync(context.Request, Options.UploadBytesPerSecond, context.RequestAborted);
            if (!TryParseRunRequest(body, context.Request.Query["webhook_url"].ToString(), Options.AllowRemoteWebhooks, out RunRequest? request, out string problem))
            {
                return ApiErrors.BadRequest(problem).ToResult();
            }

            if (_admission.TryAdmit() is ApiError refusal)
            {
                _stats.CountRejected(refusal.Code);
                return refusal.ToResult();
            }

            var prediction = new Prediction(NewPredictionId(), request!);
            Fault? fault = context.Items.TryGetValue(FaultItem, out object? item) ? item as Fault : null;
            if (fault?.Kind == FaultKind.Fail)
            {
                prediction.InjectedFailure = fault.FailName;
                _stats.CountFault(fault.Label);
            }

            InputImageIntake.Read(prediction, _stats);
            _lifecycle.Start(prediction);

            if (fault?.Kind == FaultKind.DropAfterCreate)
            {
                // The dangerous case for clients: the prediction exists but the answer is lost.
                _stats.CountFault(fault.Label);
                Drop(context);
                return Results.Empty;
            }

            return Results.Json(new RunAnswer(prediction.Id, null));
        }

        private static bool TryParseRunRequest(byte[] body, string webhookText, bool allowRemoteWebhooks, out RunRequest? request, out string problem)
        {
            request = null;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                problem = "The request body is not valid JSON.";
                return false;
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    problem = "The request body must be a JSON object.";
                    return false;
                }

                if (!root.TryGetProperty("model_name", out JsonElement model) || model.ValueKind != JsonValueKind.String)
                {
                    problem = "model_name is required.";
                    return false;
                }

                if (model.GetString() != BackgroundChangeModel)
                {
                    problem = $"Unknown model_name '{model.GetString()}'. This emulator serves '{BackgroundChangeModel}'.";
                    return false;
                }

                if (!root.TryGetProperty("inputs", out JsonElement inputs) || inputs.ValueKind != JsonValueKind.Object)
                {
                    problem = "inputs is required and must be an object.";
                    return false;
                }

                if (!inputs.TryGetProperty("image", out JsonElement image) || image.ValueKind != JsonValueKind.String || image.GetString()!.Length == 0)
                {
                    problem = "inputs.image is required (a URL or a data URI).";
                    return false;
                }

                if (!inputs.TryGetProperty("prompt", out JsonElement prompt) || prompt.ValueKind != JsonValueKind.String)
                {
                    problem = "inputs.prompt is required.";
                    return false;
                }

                long seed = 42;
                if (inputs.TryGetProperty("seed", out JsonElement seedElement) && seedElement.ValueKind != JsonValueKind.Null)
                {
                    if (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetInt64(out seed) || seed < 0 || seed > MaxSeed)
                    {
                        problem = "inputs.seed must be an integer from 0 to 4294967295.";
                        return false;
                    }
                }

                OutputImageFormat format = OutputImageFormat.Png;
                if (inputs.TryGetProperty("output_format", out JsonElement formatElement) && formatElement.ValueKind != JsonValueKind.Null)
                {
                    string? formatText = formatElement.ValueKind == JsonValueKind.String ? formatElement.GetString() : null;
                    if (formatText == "png")
                    {
                        format = OutputImageFormat.Png;
                    }
                    else if (formatText == "jpeg")
                    {
                        format = OutputImageFormat.Jpeg;
                    }
                    else
                    {
                        problem = "inputs.output_format must be 'png' or 'jpeg'.";
                        return false;
                    }
                }

                bool returnBase64 = false;
                if (inputs.TryGetProperty("return_base64", out JsonElement base64Element) && base64Element.ValueKind != JsonValueKind.Null)
                {
                    if (base64Element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        problem = "inputs.return_base64 must be true or false.";
                        return false;
                    }

                    returnBase64 = base64Element.GetBoolean();
                }

                Uri? webhook = null;
                if (webhookText.Length > 0)
                {
                    if (!Uri.TryCreate(webhookText, UriKind.Absolute, out webhook) || (webhook.Scheme != Uri.UriSchemeHttp && webhook.Scheme != Uri.UriSchemeHttps))
                    {
                        problem = "webhook_url must be an absolute http or https URL.";
                        return false;
                    }

                    if (!allowRemoteWebhooks && !LoopbackHosts.IsLoopback(webhook.Host))
                    {
                        problem = "webhook_url must point to a loopback host (start the emulator with --allow-remote-webhooks to deliver elsewhere).";
                        return false;
                    }
                }

                request = new RunRequest(image.GetString()!, prompt.GetString()!, seed, format, returnBase64, webhook);
                problem = "";
                return true;
            }
        }

        private IResult GetStatus(HttpContext context, string id)
        {
            string? apiKey = Authorize(context, out IResult? unauthorized);
            if (apiKey is null)
            {
                return unauthorized!;
            }

            if (CheckRateWindow(context, apiKey, StatusGroup, Options.StatusLimit, Options.StatusWindowSeconds) is IResult limited)
            {
                return limited;
            }

            DateTime now = DateTime.UtcNow;
            if (!_store.TryGet(id, out Prediction prediction) || _lifetimes.IsCdnExpired(prediction, now))
            {
                return ApiErrors.PredictionNotFound().ToResult();
            }

            var requestBase = new Uri($"{context.Request.Scheme}://{context.Request.Host}/");
            StatusBody body = _answers.Describe(prediction, requestBase, now);
            if (body.Status == PredictionStatuses.Completed)
            {
                context.Response.Headers["x-fashn-credits-used"] = "1";
            }

            return Results.Json(body);
        }

        private IResult GetCredits(HttpContext context)
        {
            string? apiKey = Authorize(context, out IResult? unauthorized);
            if (apiKey is null)
            {
                return unauthorized!;
            }

            if (CheckRateWindow(context, apiKey, CreditsGroup, Options.CreditsLimit, Options.CreditsWindowSeconds) is IResult limited)
            {
                return limited;
            }

            (long total, long subscription, long onDemand) = _credits.Balance;
            return Results.Json(new { credits = new { total, subscription, on_demand = onDemand } });
        }

        /// <summary>Serves an output like FASHN's CDN: public (no key), until the output lifetime ends.</summary>
        private IResult GetCdnFile(string id, string file)
        {
            if (!_store.TryGet(id, out Prediction prediction)
                || prediction.Request.ReturnBase64
                || file != prediction.OutputFileName
                || _lifetimes.IsCdnExpired(prediction, DateTime.UtcNow)
                || prediction.OutputPath is not string path
                || !File.Exists(path))
            {
                return Results.NotFound();
            }

            return Results.File(path, prediction.OutputContentType);
        }

        private IResult GetStats()
        {
            var camelCase = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            return Results.Json(_stats.Snapshot(_store.Count, _credits.Balance.Total), camelCase);
        }

        /// <summary>Reads the whole body, no faster than the simulated uplink allows.</summary>
        private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long bytesPerSecond, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            if (bytesPerSecond <= 0)
            {
                await request.Body.CopyToAsync(buffer, cancellationToken);
                return buffer.ToArray();
            }

            // Read in chunks of about 1/20 s of uplink and wait until the clock catches up with the bytes read.
            var chunk = new byte[(int)Math.Clamp(bytesPerSecond / 20, 1, 1 << 20)];
            var clock = Stopwatch.StartNew();
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                total += read;
                TimeSpan due = TimeSpan.FromSeconds((double)total / bytesPerSecond);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
            }

            return buffer.ToArray();
        }

        /// <summary>Ids look like the real ones (a UUID-like text with a suffix) and are deliberately not pure hex.</summary>
        private static string NewPredictionId()
        {
            string hex = Guid.NewGuid().ToString("D");
            return hex.Substring(0, 7) + "r" + hex.Substring(8) + "-u1";
        }
    }
}
