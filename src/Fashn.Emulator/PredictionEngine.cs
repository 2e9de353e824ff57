using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Faults;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Persistence;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;
using Fashn.Emulator.Webhooks;

namespace Fashn.Emulator
{
    /// <summary>
    /// Holds the predictions and moves each one through starting, in_queue and processing to completed or failed on a
    /// background task. Renders run on a bounded set of workers so request threads never render. Finished predictions
    /// and their files are evicted after their lifetime so memory and disk stay bounded.
    /// </summary>
    internal sealed class PredictionEngine : IAsyncDisposable
    {
        // The real service spends a moment in each waiting phase before processing starts.
        private const double StartingSeconds = 0.5;
        private const double InQueueSeconds = 0.5;

        private readonly EmulatorOptions _options;
        private readonly EmulatorStats _stats;
        private readonly Credits _credits;
        private readonly WebhookSender _webhooks;
        private readonly HttpClient _http;
        private readonly string _dataDirectory;
        private readonly ConcurrentDictionary<string, Prediction> _predictions = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<Task, byte> _lifecycles = new();
        private readonly SemaphoreSlim _renderWorkers;
        private readonly CancellationTokenSource _stopping = new();
        private readonly Task _sweeper;
        private readonly object _admissionLock = new();
        private readonly StateFile? _stateFile;
        private readonly object _saveLock = new();
        private bool _saveClosed;
        private int _running;

        /// <summary>Decoded data-URI input of a running prediction, kept only when the state is persisted.</summary>
        private const string InputFileName = "input.bin";

        /// <param name="stateFile">Where the state is saved after every change; null when it is forgotten on stop.</param>
        public PredictionEngine(EmulatorOptions options, EmulatorStats stats, Credits credits, WebhookSender webhooks, HttpClient http, string dataDirectory, StateFile? stateFile = null)
        {
            _stateFile = stateFile;
            _options = options;
            _stats = stats;
            _credits = credits;
            _webhooks = webhooks;
            _http = http;
            _dataDirectory = dataDirectory;
            _renderWorkers = new SemaphoreSlim(Math.Max(1, options.RenderWorkers));
            _sweeper = Task.Run(SweepLoopAsync);
        }

        public int Tracked => _predictions.Count;

        /// <summary>The base of CDN URLs in webhook bodies (status answers use the host the caller used).</summary>
        public Uri PublicBaseUri { get; set; } = new("http://127.0.0.1/");

        /// <summary>The status JSON of a prediction as the caller sees it now.</summary>
        public StatusBody Describe(Prediction prediction, Uri baseUri, DateTime now)
        {
            string status = prediction.Status;
            if (status == PredictionStatuses.Failed)
            {
                return new StatusBody { Id = prediction.Id, Status = status, Error = prediction.Error };
            }

            if (status != PredictionStatuses.Completed)
            {
                return new StatusBody { Id = prediction.Id, Status = status };
            }

            string output;
            if (prediction.Request.ReturnBase64)
            {
                string? path = prediction.OutputPath;
                byte[]? bytes = path is null || IsBase64Expired(prediction, now) ? null : TryReadAllBytes(path);
                output = bytes is null ? ExpiredBase64 : $"data:{prediction.OutputContentType};base64,{Convert.ToBase64String(bytes)}";
            }
            else
            {
                output = new Uri(baseUri, $"cdn/{Uri.EscapeDataString(prediction.Id)}/{prediction.OutputFileName}").AbsoluteUri;
            }

            return new StatusBody { Id = prediction.Id, Status = status, Output = new[] { output } };
        }

        /// <summary>Null when the sweeper deleted the file at expiry between the check and the read.</summary>
        private static byte[]? TryReadAllBytes(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (IOException)
            {
                return null;
            }
        }

        /// <summary>What the real service returns in place of a base64 output after 60 minutes.</summary>
        public const string ExpiredBase64 = "<base64>_expired";

        public bool TryGet(string id, out Prediction prediction) => _predictions.TryGetValue(id, out prediction!);

        /// <summary>Admits a new prediction or returns the 429 that refuses it. Credits are reserved until it finishes.</summary>
        public ApiError? TryAdmit()
        {
            lock (_admissionLock)
            {
                if (!_credits.TryReserve())
                {
                    return ApiErrors.OutOfCredits();
                }

                if (_running >= _options.ConcurrencyLimit)
                {
                    _credits.Release(spent: false);
                    return ApiErrors.ConcurrencyLimitExceeded(_options.ConcurrencyLimit);
                }

                _running++;
                _stats.RunningChanged(+1);
                return null;
            }
        }

        /// <summary>Tracks an admitted prediction and starts its lifecycle.</summary>
        public void Start(Prediction prediction)
        {
            if (_stateFile is not null && prediction.InputBytes is byte[] input)
            {
                // Kept on disk until it finishes, so that a restart can still render it.
                string folder = Path.Combine(_dataDirectory, prediction.Id);
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, InputFileName), input);
            }

            _predictions[prediction.Id] = prediction;
            Save();
            RunLifecycle(prediction);
        }

        private void RunLifecycle(Prediction prediction)
        {
            prediction.RunClock.Start();
            Task lifecycle = Task.Run(() => RunLifecycleAsync(prediction));
            _lifecycles[lifecycle] = 0;
            lifecycle.ContinueWith(done => _lifecycles.TryRemove(done, out _), TaskScheduler.Default);
        }

        public bool IsCdnExpired(Prediction prediction, DateTime now) =>
            prediction.FinishedTicks != 0 && now - new DateTime(Interlocked.Read(ref prediction.FinishedTicks), DateTimeKind.Utc) >= OutputLifetime;

        public bool IsBase64Expired(Prediction prediction, DateTime now) =>
            prediction.FinishedTicks != 0 && now - new DateTime(Interlocked.Read(ref prediction.FinishedTicks), DateTimeKind.Utc) >= _options.Scaled(_options.Base64LifetimeMinutes * 60);

        private TimeSpan OutputLifetime => _options.Scaled(_options.OutputLifetimeHours * 3600);

        private async Task RunLifecycleAsync(Prediction prediction)
        {
            CancellationToken stopping = _stopping.Token;
            try
            {
                // Each phase ends at a fixed running time, so a prediction resumed after a restart only waits for what is left.
                await Task.Delay(Remaining(prediction, StartingSeconds), stopping);
                if (prediction.Status == PredictionStatuses.Starting)
                {
                    prediction.Status = PredictionStatuses.InQueue;
                }

                await Task.Delay(Remaining(prediction, StartingSeconds + InQueueSeconds), stopping);
                prediction.Status = PredictionStatuses.Processing;

                // Processing lasts max(render time, scaled processing time).
                Task minimumTime = Task.Delay(Remaining(prediction, StartingSeconds + InQueueSeconds + _options.ProcessingSeconds), stopping);
                PredictionError? error = await ProduceOutputAsync(prediction, stopping);
                await minimumTime;
                Finish(prediction, error);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The server is stopping; the prediction goes with it.
            }
        }

        /// <summary>How long until the prediction has been running for <paramref name="seconds"/> (unscaled).</summary>
        private TimeSpan Remaining(Prediction prediction, double seconds)
        {
            TimeSpan left = _options.Scaled(seconds) - prediction.Active;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        /// <summary>Loads, checks and renders; returns the runtime error, or null once the output is on disk.</summary>
        private async Task<PredictionError?> ProduceOutputAsync(Prediction prediction, CancellationToken stopping)
        {
            if (prediction.InjectedFailure is string injected)
            {
                return PredictionFailures.Injected(injected);
            }

            string? blocked = FindBlockedWord(prediction.Request.Prompt);
            if (blocked is not null)
            {
                return PredictionFailures.BlockedWord(blocked);
            }

            byte[] input;
            try
            {
                input = await ImageInputs.LoadAsync(prediction, _http, _options, _stats, stopping);
            }
            catch (ImageLoadException exception)
            {
                return PredictionFailures.ImageLoad(exception.Message);
            }

            await _renderWorkers.WaitAsync(stopping);
            try
            {
                byte[] output = await Task.Run(() => BackgroundChanger.Render(input, prediction.Request.Prompt, prediction.Request.Seed, prediction.Request.OutputFormat), stopping);
                string folder = Path.Combine(_dataDirectory, prediction.Id);
                Directory.CreateDirectory(folder);
                string path = Path.Combine(folder, prediction.OutputFileName);
                await File.WriteAllBytesAsync(path, output, stopping);
                prediction.OutputPath = path;
                return null;
            }
            catch (InvalidImageException exception)
            {
                return PredictionFailures.ImageLoad(exception.Message);
            }
            finally
            {
                _renderWorkers.Release();
                prediction.InputBytes = null;
            }
        }

        private void Finish(Prediction prediction, PredictionError? error)
        {
            prediction.Error = error;
            Interlocked.Exchange(ref prediction.FinishedTicks, DateTime.UtcNow.Ticks);
            prediction.RunClock.Stop();
            if (_stateFile is not null)
            {
                TryDeleteFile(Path.Combine(_dataDirectory, prediction.Id, InputFileName));
            }

            // Credits, the running count and the counters are settled before the status says finished, as at the
            // real service: a client that sees "completed" and at once starts the next prediction must find its place free.
            lock (_admissionLock)
            {
                _credits.Release(spent: error is null);
                _running--;
                _stats.RunningChanged(-1);
            }

            if (error is null)
            {
                _stats.PredictionCompleted();
            }
            else
            {
                _stats.PredictionFailed();
            }

            prediction.Status = error is null ? PredictionStatuses.Completed : PredictionStatuses.Failed;
            TrySave();
            if (prediction.Request.WebhookUrl is Uri webhook)
            {
                _webhooks.Send(webhook, Describe(prediction, PublicBaseUri, DateTime.UtcNow));
            }
        }

        private string? FindBlockedWord(string prompt)
        {
            foreach (string word in _options.BlockedWords)
            {
                if (word.Length > 0 && Regex.IsMatch(prompt, @"\b" + Regex.Escape(word) + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
                {
                    return word;
                }
            }

            return null;
        }

        private async Task SweepLoopAsync()
        {
            // Sweep often enough for tiny scaled lifetimes, never more than a few times a second.
            double shortest = Math.Min(OutputLifetime.TotalSeconds, _options.Scaled(_options.Base64LifetimeMinutes * 60).TotalSeconds);
            var interval = TimeSpan.FromSeconds(Math.Clamp(shortest / 4, 0.05, 5));
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stopping.Token))
                {
                    Sweep(DateTime.UtcNow);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Sweep(DateTime now)
        {
            bool changed = false;
            foreach (Prediction prediction in _predictions.Values)
            {
                if (!prediction.IsFinished)
                {
                    continue;
                }

                if (IsCdnExpired(prediction, now))
                {
                    _predictions.TryRemove(prediction.Id, out _);
                    DeleteOutput(prediction);
                    changed = true;
                }
                else if (prediction.Request.ReturnBase64 && prediction.OutputPath is not null && IsBase64Expired(prediction, now))
                {
                    // Base64 outputs are not kept once they read "<base64>_expired".
                    DeleteOutput(prediction);
                    changed = true;
                }
            }

            if (changed)
            {
                TrySave();
            }
        }

        private void DeleteOutput(Prediction prediction)
        {
            prediction.OutputPath = null;
            try
            {
                string folder = Path.Combine(_dataDirectory, prediction.Id);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
                // Left for the server's stop, which removes a temporary data folder whole.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>Takes back the predictions of an earlier run: finished ones are served again, running ones resume.</summary>
        public void Restore(SavedState state)
        {
            DateTime now = DateTime.UtcNow;
            foreach (SavedPrediction saved in state.Predictions)
            {
                OutputImageFormat format = saved.OutputFormat == "jpeg" ? OutputImageFormat.Jpeg : OutputImageFormat.Png;
                Uri? webhook = saved.WebhookUrl is null ? null : new Uri(saved.WebhookUrl);
                // A data URI is not kept (its decoded bytes are, in input.bin); the image text only matters for URLs.
                var request = new RunRequest(saved.ImageUrl ?? "data:", saved.Prompt, saved.Seed, format, saved.ReturnBase64, webhook);
                var prediction = new Prediction(saved.Id, request)
                {
                    InputKey = saved.InputSha256,
                    InputProblem = saved.InputProblem,
                    InjectedFailure = saved.InjectedFailure,
                    CreatedTicks = saved.CreatedTicks,
                    ActiveBefore = TimeSpan.FromSeconds(saved.ActiveSeconds),
                };
                prediction.Status = saved.Status;
                prediction.FinishedTicks = saved.FinishedTicks;
                prediction.Error = saved.ErrorName is null ? null : new PredictionError(saved.ErrorName, saved.ErrorMessage ?? "");
                string folder = Path.Combine(_dataDirectory, saved.Id);
                if (prediction.IsFinished)
                {
                    string? output = saved.OutputFile is null ? null : Path.Combine(folder, saved.OutputFile);
                    prediction.OutputPath = output is not null && File.Exists(output) ? output : null;
                    if (!IsCdnExpired(prediction, now))
                    {
                        _predictions[prediction.Id] = prediction;
                    }
                    else
                    {
                        DeleteOutput(prediction);
                    }

                    continue;
                }

                if (saved.ImageUrl is null && saved.InputProblem is null)
                {
                    string input = Path.Combine(folder, InputFileName);
                    if (File.Exists(input))
                    {
                        prediction.InputBytes = File.ReadAllBytes(input);
                    }
                    else
                    {
                        prediction.InputProblem = "The input was lost while the emulator was stopped (input.bin is missing from its data folder).";
                    }
                }

                // It was admitted before the stop: it holds its credit and its place under the concurrency limit again.
                lock (_admissionLock)
                {
                    _credits.ReserveResumed();
                    _running++;
                    _stats.RunningChanged(+1);
                }

                _predictions[prediction.Id] = prediction;
                RunLifecycle(prediction);
            }

            TrySave();
        }

        /// <summary>Saves the whole state (no-op without a state file). Throws when it cannot be written.</summary>
        private void Save()
        {
            if (_stateFile is null)
            {
                return;
            }

            lock (_saveLock)
            {
                if (_saveClosed)
                {
                    return;
                }

                var state = new SavedState();
                _credits.SaveTo(state);
                _stats.SaveTo(state);
                state.Predictions = _predictions.Values
                    .OrderBy(prediction => prediction.CreatedTicks)
                    .Select(ToSaved)
                    .ToList();
                _stateFile.Save(state);
            }
        }

        /// <summary>Saves from a background task; a failed write is made good by the next save.</summary>
        private void TrySave()
        {
            try
            {
                Save();
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static SavedPrediction ToSaved(Prediction prediction)
        {
            string status = prediction.Status;
            bool finished = status is PredictionStatuses.Completed or PredictionStatuses.Failed;
            PredictionError? error = prediction.Error;
            return new SavedPrediction
            {
                Id = prediction.Id,
                InputSha256 = prediction.InputKey,
                ImageUrl = ImageInputs.IsUrl(prediction.Request.Image) ? prediction.Request.Image : null,
                InputProblem = prediction.InputProblem,
                InjectedFailure = prediction.InjectedFailure,
                Prompt = prediction.Request.Prompt,
                Seed = prediction.Request.Seed,
                OutputFormat = prediction.Request.OutputFormat == OutputImageFormat.Jpeg ? "jpeg" : "png",
                ReturnBase64 = prediction.Request.ReturnBase64,
                WebhookUrl = prediction.Request.WebhookUrl?.AbsoluteUri,
                Status = status,
                ActiveSeconds = finished ? 0 : prediction.Active.TotalSeconds,
                CreatedTicks = prediction.CreatedTicks,
                FinishedTicks = Interlocked.Read(ref prediction.FinishedTicks),
                ErrorName = error?.Name,
                ErrorMessage = error?.Message,
                OutputFile = prediction.OutputPath is null ? null : prediction.OutputFileName,
                CreditsSpent = status == PredictionStatuses.Completed ? 1 : 0,
            };
        }

        private static void TryDeleteFile(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stopping.Cancel();
            foreach (Prediction prediction in _predictions.Values)
            {
                // Time after the stop does not count as running.
                prediction.RunClock.Stop();
            }

            try
            {
                await Task.WhenAll(_lifecycles.Keys.Append(_sweeper)).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // A render still running finishes on its own; nothing waits for its result.
            }

            // The last word: running predictions with the time they have run, so a restart resumes them from there.
            TrySave();
            lock (_saveLock)
            {
                _saveClosed = true;
            }

            _stopping.Dispose();
        }
    }

    /// <summary>The account balance: subscription credits first, then on-demand; reservations for running predictions.</summary>
    internal sealed class Credits
    {
        private readonly object _lock = new();
        private long _subscription;
        private long _onDemand;
        private long _reserved;

        public Credits(long total, long subscription)
        {
            _subscription = Math.Clamp(subscription, 0, Math.Max(0, total));
            _onDemand = Math.Max(0, total) - _subscription;
        }

        public (long Total, long Subscription, long OnDemand) Balance
        {
            get
            {
                lock (_lock)
                {
                    return (_subscription + _onDemand, _subscription, _onDemand);
                }
            }
        }

        public void SaveTo(SavedState state)
        {
            lock (_lock)
            {
                state.SubscriptionCredits = _subscription;
                state.OnDemandCredits = _onDemand;
            }
        }

        public void LoadFrom(SavedState state)
        {
            lock (_lock)
            {
                _subscription = Math.Max(0, state.SubscriptionCredits);
                _onDemand = Math.Max(0, state.OnDemandCredits);
            }
        }

        /// <summary>Reserves again the credit of a prediction resumed after a restart (it was admitted before the stop).</summary>
        public void ReserveResumed()
        {
            lock (_lock)
            {
                _reserved++;
            }
        }

        /// <summary>Reserves one credit for a prediction that may complete; false when none is left.</summary>
        public bool TryReserve()
        {
            lock (_lock)
            {
                if (_subscription + _onDemand - _reserved <= 0)
                {
                    return false;
                }

                _reserved++;
                return true;
            }
        }

        /// <summary>Ends a reservation, spending the credit only when the prediction completed.</summary>
        public void Release(bool spent)
        {
            lock (_lock)
            {
                _reserved--;
                if (!spent)
                {
                    return;
                }

                if (_subscription > 0)
                {
                    _subscription--;
                }
                else
                {
                    _onDemand--;
                }
            }
        }
    }
}
