using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>One input to turn into a prediction. The request is built only when the input's turn comes.</summary>
    public sealed class PredictionJob
    {
        public PredictionJob(string source, Func<CancellationToken, Task<RunRequest>> createRequest,
            Func<CancellationToken, Task<string>>? createJournalKey = null)
        {
            Source = source;
            CreateRequest = createRequest;
            CreateJournalKey = createJournalKey;
        }

        /// <summary>The file path or URL, for results and messages.</summary>
        public string Source { get; }

        public Func<CancellationToken, Task<RunRequest>> CreateRequest { get; }

        /// <summary>Identifies the input and its settings in the journal (see <see cref="PredictionJournal.CreateKey(System.IO.Stream, string, long?, string?, string, bool, Uri)"/>).</summary>
        public Func<CancellationToken, Task<string>>? CreateJournalKey { get; }
    }

    /// <summary>What became of one input: exactly one of a finished (or submitted) prediction or a failure.</summary>
    public sealed class PredictionOutcome
    {
        public PredictionOutcome(string source)
        {
            Source = source;
        }

        public string Source { get; }

        /// <summary>The id of the last prediction made for this input.</summary>
        public string? Id { get; internal set; }

        /// <summary>The last status seen ("starting" when not waited for).</summary>
        public PredictionStatus? Status { get; internal set; }

        /// <summary>Predictions submitted for this input: more than one when a retryable failure was retried.</summary>
        public int Attempts { get; internal set; }

        /// <summary>The ids of earlier attempts that failed with a retryable error (not billed).</summary>
        public IList<string> RetriedIds { get; } = new List<string>();

        public DateTimeOffset? SubmittedAt { get; internal set; }

        public DateTimeOffset? FinishedAt { get; internal set; }

        /// <summary>What was uploaded, when the input was a local file.</summary>
        public SentImageInfo? SentImage { get; internal set; }

        /// <summary>True when the prediction was started by an earlier run (found in the journal) and collected, not paid again.</summary>
        public bool Collected { get; internal set; }

        /// <summary>Why this input has no usable result; null when it completed (or was submitted without waiting).</summary>
        public FashnException? Failure { get; internal set; }

        /// <summary>What the failure means for the rest of the batch (no credits, key refused).</summary>
        public BatchStop BatchStop => Failure?.BatchStop ?? BatchStop.None;
    }

    /// <summary>Details of an uploaded image.</summary>
    public sealed class SentImageInfo
    {
        public SentImageInfo(string mimeType, int width, int height, long bytes, long originalBytes, bool reencoded)
        {
            MimeType = mimeType;
            Width = width;
            Height = height;
            Bytes = bytes;
            OriginalBytes = originalBytes;
            Reencoded = reencoded;
        }

        public string MimeType { get; }
        public int Width { get; }
        public int Height { get; }
        public long Bytes { get; }
        public long OriginalBytes { get; }
        public bool Reencoded { get; }
    }

    /// <summary>
    /// Runs predictions for one command: at most <c>throttleLimit</c> of its own at once, inside the key's shared
    /// slots and rate windows; polls each one only when it can be finished; retries failures that FASHN says to retry.
    /// </summary>
    public sealed class PredictionRunner
    {
        private readonly FashnApiClient _client;
        private readonly SemaphoreSlim _throttle;
        private readonly CancellationTokenSource _submissionsStopped = new CancellationTokenSource();

        public PredictionRunner(FashnApiClient client, int throttleLimit, int maxPredictionRetries = 2)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit));
            if (maxPredictionRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxPredictionRetries));
            _throttle = new SemaphoreSlim(throttleLimit);
            MaxPredictionRetries = maxPredictionRetries;
        }

        public int MaxPredictionRetries { get; }

        /// <summary>
        /// No new prediction is started after this (out of credits): inputs still waiting for their turn are cancelled,
        /// while predictions already running are still waited for and collected, since they are paid for.
        /// </summary>
        public void StopSubmitting() => _submissionsStopped.Cancel();

        /// <summary>Where started predictions are recorded; null for none.</summary>
        public PredictionJournal? Journal { get; set; }

        /// <summary>Called on a worker thread whenever a prediction of this runner changes status.</summary>
        public Action<PredictionOutcome>? StatusChanged { get; set; }

        /// <summary>
        /// Submits the job (and, with <paramref name="wait"/>, waits for its end). Never throws for a failure of this
        /// input: the outcome carries it. Throws only <see cref="OperationCanceledException"/> when cancelled.
        /// </summary>
        public async Task<PredictionOutcome> RunAsync(PredictionJob job, bool wait, TimeSpan? waitTimeout, CancellationToken cancellationToken)
        {
            var outcome = new PredictionOutcome(job.Source);
            using var waitingForTurn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _submissionsStopped.Token);
            await _throttle.WaitAsync(waitingForTurn.Token).ConfigureAwait(false);
            try
            {
                string? journalKey = null;
                var firstAttempt = true;
                while (true)
                {
                    var retry = await RunOnceAsync(job, outcome, wait, waitTimeout, firstAttempt, journalKey, key => journalKey = key,
                        waitingForTurn.Token, cancellationToken).ConfigureAwait(false);
                    firstAttempt = false;
                    if (!retry) return outcome;
                }
            }
            finally
            {
                _throttle.Release();
            }
        }

        /// <summary>Waits for an existing prediction to finish (Get-FashnPrediction -Wait).</summary>
        public async Task<PredictionStatus?> WaitAsync(string id, TimeSpan? timeout, Action<PredictionStatus>? statusChanged, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var status = await _client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
            statusChanged?.Invoke(status);
            if (status.IsFinished) return status;
            // The prediction's age is unknown: start counting from now.
            return await PollUntilFinishedAsync(id, watch, timeout, statusChanged, learn: false, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One prediction for the job: collected from the journal, or submitted. True means: submit again.</summary>
        private async Task<bool> RunOnceAsync(PredictionJob job, PredictionOutcome outcome, bool wait, TimeSpan? waitTimeout, bool firstAttempt,
            string? journalKey, Action<string> setJournalKey, CancellationToken waitingForTurn, CancellationToken cancellationToken)
        {
            var slots = _client.Budget.Slots;
            await slots.AcquireAsync(waitingForTurn).ConfigureAwait(false);
            var slotHeld = true;
            string? id = null;
            try
            {
                Stopwatch? sinceSubmit = null;
                var learn = true;
                if (firstAttempt && Journal != null && job.CreateJournalKey != null)
                {
                    try
                    {
                        journalKey = await job.CreateJournalKey(cancellationToken).ConfigureAwait(false);
                    }
                    catch (FashnException ex)
                    {
                        outcome.Failure = ex;
                        return false;
                    }
                    setJournalKey(journalKey);
                    (JournalEntry entry, PredictionStatus status)? earlier;
                    try
                    {
                        earlier = await FindCollectableAsync(journalKey, cancellationToken).ConfigureAwait(false);
                    }
                    catch (FashnException ex)
                    {
                        outcome.Failure = ex;
                        return false;
                    }
                    if (earlier != null)
                    {
                        // Started by an earlier run and still tracked: collect it instead of paying again.
                        id = earlier.Value.entry.Id;
                        outcome.Id = id;
                        outcome.Collected = true;
                        outcome.Attempts++;
                        outcome.SubmittedAt = earlier.Value.entry.SubmittedAt;
                        outcome.Status = earlier.Value.status;
                        StatusChanged?.Invoke(outcome);
                        sinceSubmit = Stopwatch.StartNew();
                        learn = false;
                    }
                }

                if (id == null)
                {
                    waitingForTurn.ThrowIfCancellationRequested();
                    try
                    {
                        id = await SubmitAsync(job, outcome, cancellationToken).ConfigureAwait(false);
                    }
                    catch (FashnException ex)
                    {
                        outcome.Failure = ex;
                        return false;
                    }
                    sinceSubmit = Stopwatch.StartNew();
                    outcome.Id = id;
                    outcome.Attempts++;
                    outcome.SubmittedAt = DateTimeOffset.UtcNow;
                    outcome.Status = new PredictionStatus(id, PredictionStatuses.Starting, null, null, null);
                    outcome.Failure = null;
                    if (journalKey != null) Journal!.RecordSubmitted(journalKey, id, job.Source);
                    StatusChanged?.Invoke(outcome);
                }

                var status = outcome.Status!;
                if (!status.IsFinished)
                {
                    if (!wait)
                    {
                        // The prediction runs on; its place stays taken until a watcher sees it finish.
                        WatchDetached(id);
                        slotHeld = false;
                        return false;
                    }
                    PredictionStatus? finished;
                    try
                    {
                        finished = await PollUntilFinishedAsync(id, sinceSubmit!, waitTimeout, s =>
                        {
                            outcome.Status = s;
                            StatusChanged?.Invoke(outcome);
                        }, learn, cancellationToken).ConfigureAwait(false);
                    }
                    catch (FashnException ex)
                    {
                        outcome.Failure = ex;
                        WatchDetached(id);
                        slotHeld = false;
                        return false;
                    }
                    if (finished == null)
                    {
                        outcome.Failure = new FashnException(FashnErrorCodes.PollingTimeout,
                            $"Prediction {id} did not finish within {waitTimeout!.Value.TotalSeconds:0.#} s. It may still complete: " +
                            $"collect it later with Get-FashnPrediction -Id {id} -Wait, or run the same command again.", predictionId: id);
                        WatchDetached(id);
                        slotHeld = false;
                        return false;
                    }
                    status = finished;
                }
                slots.Release(finished: true);
                slotHeld = false;
                outcome.Status = status;
                outcome.FinishedAt = DateTimeOffset.UtcNow;
                if (journalKey != null) Journal!.RecordFinished(journalKey, id, job.Source, status.Status, outcome.SubmittedAt ?? DateTimeOffset.UtcNow);
                if (status.Status == PredictionStatuses.Completed) return false;

                var error = status.Error ?? new PredictionError(status.Status, "The prediction ended with status '" + status.Status + "'.");
                if (error.IsRetryable && outcome.Attempts <= MaxPredictionRetries)
                {
                    outcome.RetriedIds.Add(id);
                    return true;
                }
                outcome.Failure = FashnErrorCatalogue.ForFailedPrediction(error, id, outcome.Attempts);
                return false;
            }
            catch (OperationCanceledException) when (id != null && slotHeld)
            {
                // Stopped while the prediction runs: it keeps its place until it is seen finished.
                WatchDetached(id);
                slotHeld = false;
                throw;
            }
            finally
            {
                if (slotHeld) slots.Release(finished: false);
            }
        }

        /// <summary>
        /// Builds the request (reading the input now that its turn has come) and sends it. A method of its own so that
        /// the request, which holds the whole image, is not kept alive while the prediction is waited for.
        /// </summary>
        private async Task<string> SubmitAsync(PredictionJob job, PredictionOutcome outcome, CancellationToken cancellationToken)
        {
            var request = await job.CreateRequest(cancellationToken).ConfigureAwait(false);
            outcome.SentImage = request.SentImage ?? outcome.SentImage;
            return await _client.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The journal's prediction for this key when it can still be collected: running, or completed with outputs
        /// that have not expired. Anything else (failed, unknown to the service, expired) is submitted again.
        /// </summary>
        private async Task<(JournalEntry entry, PredictionStatus status)?> FindCollectableAsync(string key, CancellationToken cancellationToken)
        {
            var entry = Journal!.Find(key);
            if (entry == null || entry.Status == PredictionStatuses.Failed) return null;
            PredictionStatus status;
            try
            {
                status = await _client.GetStatusAsync(entry.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (FashnException ex) when (ex.ErrorCode == FashnErrorCodes.NotFound)
            {
                return null;
            }
            if (!status.IsFinished) return (entry, status);
            if (status.Status == PredictionStatuses.Completed && status.Output.Count > 0 &&
                !status.Output.Any(o => o.EndsWith("_expired", StringComparison.Ordinal)))
            {
                return (entry, status);
            }
            return null;
        }

        private async Task<PredictionStatus?> PollUntilFinishedAsync(string id, Stopwatch sinceSubmit, TimeSpan? timeout,
            Action<PredictionStatus>? statusChanged, bool learn, CancellationToken cancellationToken)
        {
            var durations = _client.Budget.Durations;
            string? lastStatus = null;
            while (true)
            {
                var delay = durations.NextPollDelay(sinceSubmit.Elapsed);
                if (timeout.HasValue)
                {
                    var left = timeout.Value - sinceSubmit.Elapsed;
                    if (left <= TimeSpan.Zero) return null;
                    if (delay > left) delay = left;
                }
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                var status = await _client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
                if (status.Status != lastStatus)
                {
                    lastStatus = status.Status;
                    statusChanged?.Invoke(status);
                }
                if (status.IsFinished)
                {
                    if (learn && status.Status == PredictionStatuses.Completed) durations.RecordFinished(sinceSubmit.Elapsed);
                    return status;
                }
            }
        }

        /// <summary>Keeps a prediction's place taken until it is seen finished, in the background.</summary>
        private void WatchDetached(string id)
        {
            var client = _client;
            Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                // Give up watching after a while: the place is freed rather than held forever.
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(30));
                try
                {
                    while (true)
                    {
                        await Task.Delay(client.Budget.Durations.NextPollDelay(watch.Elapsed), limit.Token).ConfigureAwait(false);
                        var status = await client.GetStatusAsync(id, limit.Token).ConfigureAwait(false);
                        if (status.IsFinished) return;
                    }
                }
                catch (Exception)
                {
                    // Unknown id, network gone or time up: nothing to report to anyone; the place is freed below.
                }
                finally
                {
                    client.Budget.Slots.Release(finished: true);
                }
            });
        }
    }
}
