using System.Collections.Concurrent;
using Fashn.Emulator.Accounting;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Persistence;
using Fashn.Emulator.Stats;
using Fashn.Emulator.Webhooks;

namespace Fashn.Emulator.Predictions
{
    /// <summary>
    /// Moves each prediction through starting, in_queue and processing to completed or failed (canceled or time_out by
    /// fault) on a background task of its own, and settles it at the finish: its credit and its place, the counters,
    /// the saved state, the webhook.
    /// </summary>
    internal sealed class PredictionLifecycle
    {
        // The real service spends a moment in each waiting phase before processing starts.
        private const double StartingSeconds = 0.5;
        private const double InQueueSeconds = 0.5;

        private readonly EmulatorOptions _options;
        private readonly PredictionStore _store;
        private readonly PredictionAdmission _admission;
        private readonly OutputProducer _producer;
        private readonly DataFolder _folder;
        private readonly StateKeeper _state;
        private readonly StatusAnswers _answers;
        private readonly WebhookSender _webhooks;
        private readonly EmulatorStats _stats;
        private readonly ConcurrentDictionary<Task, byte> _lifecycles = new();
        private readonly CancellationTokenSource _stopping = new();

        public PredictionLifecycle(
            EmulatorOptions options, PredictionStore store, PredictionAdmission admission, OutputProducer producer,
            DataFolder folder, StateKeeper state, StatusAnswers answers, WebhookSender webhooks, EmulatorStats stats)
        {
            _options = options;
            _store = store;
            _admission = admission;
            _producer = producer;
            _folder = folder;
            _state = state;
            _answers = answers;
            _webhooks = webhooks;
            _stats = stats;
        }

        /// <summary>The base of CDN URLs in webhook bodies (status answers use the host the caller used).</summary>
        public Uri PublicBaseUri { get; set; } = new("http://127.0.0.1/");

        /// <summary>Tracks an admitted prediction and starts its lifecycle. Throws when the state cannot be saved.</summary>
        public void Start(Prediction prediction)
        {
            if (_folder.KeepsState)
            {
                foreach (InputImage input in prediction.Images)
                {
                    if (input.Bytes is byte[] bytes)
                    {
                        // Kept on disk until it finishes, so that a restart can still render it.
                        _folder.WriteInput(prediction.Id, input.Field, bytes);
                    }
                }
            }

            _store.Add(prediction);
            _state.Save();
            Run(prediction);
        }

        /// <summary>Continues a prediction that was running when an earlier run of the emulator stopped.</summary>
        public void Resume(Prediction prediction)
        {
            _admission.Readmit(prediction.Credits);
            _store.Add(prediction);
            Run(prediction);
        }

        /// <summary>Ends every lifecycle (a prediction still running stays so, for a restart to resume).</summary>
        public async Task StopAsync()
        {
            _stopping.Cancel();
            foreach (Prediction prediction in _store.All)
            {
                // Time after the stop does not count as running.
                prediction.RunClock.Stop();
            }

            try
            {
                await Task.WhenAll(_lifecycles.Keys).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // A render still running finishes on its own; nothing waits for its result.
            }

            _stopping.Dispose();
        }

        private void Run(Prediction prediction)
        {
            prediction.RunClock.Start();
            Task lifecycle = Task.Run(() => RunAsync(prediction));
            _lifecycles[lifecycle] = 0;
            lifecycle.ContinueWith(done => _lifecycles.TryRemove(done, out _), TaskScheduler.Default);
        }

        private async Task RunAsync(Prediction prediction)
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

                double queued = StartingSeconds + InQueueSeconds + prediction.Times.QueueDelaySeconds;
                await Task.Delay(Remaining(prediction, queued), stopping);
                if (prediction.Status != PredictionStatuses.Processing)
                {
                    Interlocked.Exchange(ref prediction.ProcessingTicks, DateTime.UtcNow.Ticks);
                    prediction.Status = PredictionStatuses.Processing;
                }

                // Processing lasts max(render time, its scaled processing time).
                Task minimumTime = Task.Delay(Remaining(prediction, queued + prediction.Times.ProcessingSeconds), stopping);
                // An injected canceled or time_out ends it at its time with nothing rendered.
                PredictionError? error = prediction.InjectedStatus is null ? await _producer.ProduceAsync(prediction, stopping) : null;
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

        private void Finish(Prediction prediction, PredictionError? error)
        {
            prediction.Error = error;
            Interlocked.Exchange(ref prediction.FinishedTicks, DateTime.UtcNow.Ticks);
            prediction.RunClock.Stop();
            if (_folder.KeepsState)
            {
                _folder.DeleteInputs(prediction.Id, prediction.Images.Select(input => input.Field));
            }

            // Credits, the running count and the counters are settled before the status says finished, as at the
            // real service: a client that sees "completed" and at once starts the next prediction must find its place free.
            string status = prediction.InjectedStatus ?? (error is null ? PredictionStatuses.Completed : PredictionStatuses.Failed);
            _admission.Release(prediction.Credits, spent: status == PredictionStatuses.Completed);
            _stats.PredictionFinished(status);
            prediction.Status = status;
            _state.TrySave();
            if (prediction.Request.WebhookUrl is Uri webhook)
            {
                _webhooks.Send(webhook, _answers.Describe(prediction, PublicBaseUri, DateTime.UtcNow));
            }
        }
    }
}
