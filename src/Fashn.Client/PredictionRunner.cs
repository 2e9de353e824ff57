using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Runs predictions for one command: at most <c>throttleLimit</c> of its own at once, inside the key's shared
    /// slots and rate windows (its <see cref="ServiceBudget"/>). One input's run is three steps: collect what an
    /// earlier run started for it (the journal), or submit it; then await the finish. A failure FASHN advises
    /// retrying is submitted again.
    /// </summary>
    public sealed class PredictionRunner
    {
        private readonly FashnApiClient _client;
        private readonly ServiceBudget _budget;
        private readonly RunSubmitter _submitter;
        private readonly PredictionPoller _poller;
        private readonly SemaphoreSlim _throttle;
        private readonly CancellationTokenSource _submissionsStopped = new CancellationTokenSource();
        private readonly RunningPredictions _running = new RunningPredictions();

        /// <param name="client">The HTTP client, made with <paramref name="budget"/>'s windows.</param>
        public PredictionRunner(FashnApiClient client, ServiceBudget budget, int throttleLimit, int maxPredictionRetries = 2)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _budget = budget ?? throw new ArgumentNullException(nameof(budget));
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit));
            if (maxPredictionRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxPredictionRetries));
            _submitter = new RunSubmitter(client, budget.Slots);
            _poller = new PredictionPoller(client, budget.Durations);
            _throttle = new SemaphoreSlim(throttleLimit);
            MaxPredictionRetries = maxPredictionRetries;
        }

        public int MaxPredictionRetries { get; }

        /// <summary>How long an input waits for another command that is submitting it (a submission takes seconds).</summary>
        internal static readonly TimeSpan ClaimWait = TimeSpan.FromMinutes(10);

        /// <summary>Where started predictions are recorded; null for none.</summary>
        public PredictionJournal? Journal { get; set; }

        /// <summary>This runner's predictions still running at FASHN: after a stop, the ones to collect later.</summary>
        public IReadOnlyList<RunningPrediction> Running => _running.Snapshot();

        public int RunningCount => _running.Count;

        /// <summary>
        /// No new prediction is started after this (out of credits): inputs still waiting for their turn are cancelled,
        /// while predictions already running are still waited for and collected, since they are paid for.
        /// </summary>
        public void StopSubmitting() => _submissionsStopped.Cancel();

        /// <summary>
        /// Submits the job (and, with <paramref name="wait"/>, waits for its end). Never throws for a failure of this
        /// input: the outcome carries it. Throws only <see cref="OperationCanceledException"/> when cancelled.
        /// </summary>
        public async Task<PredictionOutcome> RunAsync(PredictionJob job, bool wait, TimeSpan? waitTimeout, CancellationToken cancellationToken)
        {
            var run = new JobRun(job, wait, waitTimeout);
            using var waitingForTurn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _submissionsStopped.Token);
            await _throttle.WaitAsync(waitingForTurn.Token).ConfigureAwait(false);
            try
            {
                while (await RunAttemptAsync(run, waitingForTurn.Token, cancellationToken).ConfigureAwait(false))
                {
                    // FASHN advises trying again: the next attempt submits a new prediction.
                }
                // No credits, a refused key, a retired model: the inputs still waiting would be refused the same way, so
                // none is sent, before this one's turn passes on (the command writes the one error when it gets to it).
                if (run.Outcome.Failure?.BatchStop is BatchStop stop && stop != BatchStop.None) StopSubmitting();
            }
            finally
            {
                _throttle.Release();
            }
            // Only an input that ended is forgotten: after a stop, the predictions still running stay listed.
            _running.Remove(run.Outcome);
            return run.Outcome;
        }

        /// <summary>
        /// The status of an existing prediction (Get-FashnPrediction), at most <c>throttleLimit</c> at once; with
        /// <paramref name="wait"/>, once it has finished, or null when <paramref name="timeout"/> passed first.
        /// </summary>
        public async Task<PredictionStatus?> GetStatusAsync(string id, bool wait, TimeSpan? timeout, CancellationToken cancellationToken)
        {
            await _throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // The prediction's age is unknown: the timeout counts from now.
                var watch = Stopwatch.StartNew();
                var status = await _client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
                if (!wait || status.IsFinished) return status;
                return await _poller.PollUntilFinishedAsync(id, null, watch, timeout, null, learn: false, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _throttle.Release();
            }
        }

        /// <summary>One prediction for the input, in a place of its own; true when it failed and FASHN advises trying again.</summary>
        private async Task<bool> RunAttemptAsync(JobRun run, CancellationToken waitingForTurn, CancellationToken cancellationToken)
        {
            SlotLease place;
            try
            {
                place = await SlotLease.TakeAsync(_budget.Slots, _poller, _client.Options.MaxConcurrencyWait, waitingForTurn).ConfigureAwait(false);
            }
            catch (FashnException ex)
            {
                // The user's other processes kept every place of the key: nothing was sent for this input.
                run.Outcome.Failure = ex;
                return false;
            }
            using var _ = place;
            try
            {
                var started = await CollectOrSubmitAsync(run, place, waitingForTurn, cancellationToken).ConfigureAwait(false);
                // Not waited for: it runs on, and its place is held by a watcher until it finishes.
                if (!started.Status.IsFinished && !run.Wait) return false;
                var finished = await AwaitFinishAsync(run, started, cancellationToken).ConfigureAwait(false);
                place.Finished();
                return RecordEnd(run, started.Id, finished);
            }
            catch (FashnException ex)
            {
                run.Outcome.Failure = ex;
                return false;
            }
        }

        /// <summary>
        /// Steps 1 and 2, with a journal under the input's machine-wide claim: whoever holds it (this command, another
        /// one, another process) collects what the journal has for the input or submits it and records the new id
        /// before letting go, so the same input running in two places at once is paid for once.
        /// </summary>
        private async Task<StartedPrediction> CollectOrSubmitAsync(JobRun run, SlotLease place, CancellationToken waitingForTurn, CancellationToken cancellationToken)
        {
            if (Journal == null) return await SubmitAsync(run, place, waitingForTurn, cancellationToken).ConfigureAwait(false);
            run.JournalKey ??= await run.Job.CreateJournalKeyAsync(_client.Options.BaseUri, cancellationToken).ConfigureAwait(false);
            using (await JournalAccess.ClaimAsync(Journal, run.JournalKey, run.Job.Source, ClaimWait, cancellationToken).ConfigureAwait(false))
            {
                return await CollectFromJournalAsync(run, place, cancellationToken).ConfigureAwait(false)
                       ?? await SubmitAsync(run, place, waitingForTurn, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Step 1: the prediction started for this input and these settings (by an earlier run, or by another command
        /// just now), when the journal has it and it can still be collected (running, or completed with outputs that
        /// have not expired), instead of paying again. After a failed attempt, only another prediction than that one.
        /// </summary>
        private async Task<StartedPrediction?> CollectFromJournalAsync(JobRun run, SlotLease place, CancellationToken cancellationToken)
        {
            var entry = JournalAccess.Find(Journal!, run.JournalKey!, run.Job.Source);
            if (entry == null || entry.Status == PredictionStatuses.Failed || run.Outcome.RetriedIds.Contains(entry.Id)) return null;
            PredictionStatus status;
            try
            {
                status = await _client.GetStatusAsync(entry.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (FashnException ex) when (ex.ErrorCode == FashnErrorCodes.NotFound)
            {
                return null;
            }
            var collectable = !status.IsFinished || status.Status == PredictionStatuses.Completed && status.Output.Count > 0 &&
                              !status.Output.Any(o => o.EndsWith("_expired", StringComparison.Ordinal));
            if (!collectable) return null;

            place.Holds(entry.Id);
            var outcome = run.Outcome;
            outcome.Id = entry.Id;
            outcome.Collected = true;
            outcome.Attempts++;
            outcome.SubmittedAt = entry.SubmittedAt;
            outcome.Status = status;
            Changed(outcome);
            // Its processing time is not learned: it started before this run.
            return new StartedPrediction(entry.Id, status, learn: false);
        }

        /// <summary>Step 2: a new prediction, recorded in the journal as soon as it has an id.</summary>
        private async Task<StartedPrediction> SubmitAsync(JobRun run, SlotLease place, CancellationToken waitingForTurn, CancellationToken cancellationToken)
        {
            waitingForTurn.ThrowIfCancellationRequested();
            if (run.JournalKey != null) JournalAccess.RequireWritable(Journal!, run.Job.Source);
            var id = await SendRequestAsync(run.Job, run.Outcome, cancellationToken).ConfigureAwait(false);
            place.Holds(id);
            var outcome = run.Outcome;
            var started = new StartedPrediction(id, new PredictionStatus(id, PredictionStatuses.Starting, null, null, null), learn: true);
            outcome.Id = id;
            outcome.Attempts++;
            outcome.SubmittedAt = DateTimeOffset.UtcNow;
            outcome.Status = started.Status;
            outcome.Failure = null;
            // Known as running before the journal says so: a stop that sees the journal line can name the id.
            Changed(outcome);
            if (run.JournalKey != null) JournalAccess.RecordSubmitted(Journal!, run.JournalKey, id, run.Job.Source);
            return started;
        }

        /// <summary>
        /// Builds the request (reading the input now that its turn has come) and sends it. A method of its own so that
        /// the request, which holds the whole image, is not kept alive while the prediction is waited for.
        /// </summary>
        private async Task<string> SendRequestAsync(PredictionJob job, PredictionOutcome outcome, CancellationToken cancellationToken)
        {
            var request = await job.CreateRequestAsync(cancellationToken).ConfigureAwait(false);
            outcome.SentImage = request.SentImage ?? outcome.SentImage;
            return await _submitter.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Step 3: the prediction's end, polled where the learned times of its kind say it is likely; a timeout is this input's failure.</summary>
        private async Task<PredictionStatus> AwaitFinishAsync(JobRun run, StartedPrediction started, CancellationToken cancellationToken)
        {
            if (started.Status.IsFinished) return started.Status;
            var outcome = run.Outcome;
            // A prediction collected from the journal started before this run: its age is unknown, so is its schedule.
            var durationKey = started.Learn ? run.Job.Settings.DurationKey : null;
            var finished = await _poller.PollUntilFinishedAsync(started.Id, durationKey, started.SinceSubmit, run.WaitTimeout, status =>
            {
                outcome.Status = status;
                Changed(outcome);
            }, started.Learn, cancellationToken).ConfigureAwait(false);
            return finished ?? throw new FashnException(FashnErrorCodes.PollingTimeout,
                $"Prediction {started.Id} did not finish within {run.WaitTimeout!.Value.TotalSeconds:0.#} s. It may still complete: " +
                $"collect it later with Get-FashnPrediction -Id {started.Id} -Wait, or run the same command again.", predictionId: started.Id);
        }

        /// <summary>Records how the prediction ended; true when it failed and FASHN advises submitting again.</summary>
        private bool RecordEnd(JobRun run, string id, PredictionStatus status)
        {
            var outcome = run.Outcome;
            outcome.Status = status;
            outcome.FinishedAt = DateTimeOffset.UtcNow;
            if (run.JournalKey != null) JournalAccess.RecordFinished(Journal!, run.JournalKey, id, run.Job.Source, status.Status, outcome.SubmittedAt ?? DateTimeOffset.UtcNow);
            if (status.Status == PredictionStatuses.Completed) return false;

            var error = status.Error ?? new PredictionError(status.Status, "The prediction ended with status '" + status.Status + "'.");
            if (error.IsRetryable && outcome.Attempts <= MaxPredictionRetries)
            {
                outcome.RetriedIds.Add(id);
                return true;
            }
            throw FashnErrorCatalogue.ForFailedPrediction(error, id, outcome.Attempts);
        }

        private void Changed(PredictionOutcome outcome)
        {
            // Tracked on the worker thread at once, so that a stop right now still knows every running id.
            _running.Track(outcome);
        }

        /// <summary>One input on its way through the runner.</summary>
        private sealed class JobRun
        {
            public JobRun(PredictionJob job, bool wait, TimeSpan? waitTimeout)
            {
                Job = job;
                Wait = wait;
                WaitTimeout = waitTimeout;
                Outcome = new PredictionOutcome(job.Source, job.Settings);
            }

            public PredictionJob Job { get; }
            public bool Wait { get; }
            public TimeSpan? WaitTimeout { get; }
            public PredictionOutcome Outcome { get; }

            /// <summary>The input's key in the journal, once known (first attempt).</summary>
            public string? JournalKey { get; set; }
        }

        /// <summary>A prediction that runs (or has run) at FASHN for the input, from the moment this run knew of it.</summary>
        private sealed class StartedPrediction
        {
            public StartedPrediction(string id, PredictionStatus status, bool learn)
            {
                Id = id;
                Status = status;
                Learn = learn;
            }

            public string Id { get; }
            public PredictionStatus Status { get; }
            public Stopwatch SinceSubmit { get; } = Stopwatch.StartNew();

            /// <summary>True when its time from submission to finish teaches the processing-time estimate.</summary>
            public bool Learn { get; }
        }
    }
}
