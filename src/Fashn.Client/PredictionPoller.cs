using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Polls predictions until they finish, where the learned times of their kind say they are likely to
    /// (<see cref="DurationEstimator"/>, <see cref="PollSchedule"/>) and within the key's status budget: in the
    /// foreground for -Wait, in the background for a prediction left running.
    /// </summary>
    internal sealed class PredictionPoller
    {
        // A prediction left running is watched this long at most: its place is freed rather than held forever.
        private static readonly TimeSpan DetachedWatchLimit = TimeSpan.FromMinutes(30);

        private readonly FashnApiClient _client;
        private readonly DurationEstimator _durations;

        public PredictionPoller(FashnApiClient client, DurationEstimator durations)
        {
            _client = client;
            _durations = durations;
        }

        /// <summary>The status window the client keeps to (as the service advertised it, if it did), shared by all polled now.</summary>
        private PollBudget Budget()
        {
            var window = _client.StatusWindow;
            return new PollBudget(window.Limit, window.Window, _durations.PollingNow);
        }

        /// <summary>One poll, after its turn in the key's pacing of polls.</summary>
        private async Task<PredictionStatus> PollAsync(string id, CancellationToken cancellationToken)
        {
            var window = _client.StatusWindow;
            await _durations.PaceAsync(window.Limit, window.Window, cancellationToken).ConfigureAwait(false);
            return await _client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The status once the prediction has finished, or null when <paramref name="timeout"/> (counted from
        /// <paramref name="sinceSubmit"/>) passed first. <paramref name="durationKey"/>: its kind
        /// (<see cref="PredictionSettings.DurationKey"/>), null when its kind or age is unknown; with
        /// <paramref name="learn"/> its time teaches that kind's estimate.
        /// </summary>
        public async Task<PredictionStatus?> PollUntilFinishedAsync(string id, string? durationKey, Stopwatch sinceSubmit, TimeSpan? timeout,
            Action<PredictionStatus>? statusChanged, bool learn, CancellationToken cancellationToken)
        {
            using var polling = _durations.Polling();
            string? lastStatus = null;
            // It was running when submitted; each poll that sees it still running raises this lower bound.
            var lastSeenRunning = TimeSpan.Zero;
            var phase = _durations.NextUnlearnedPhase();
            // A server that asks for patience (Retry-After, a strict window) cannot stretch the wait past its timeout.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout.HasValue) deadline.CancelAfter(Max(timeout.Value - sinceSubmit.Elapsed, TimeSpan.Zero));
            try
            {
                while (true)
                {
                    var firstLearned = _durations.WhenFirstLearned(durationKey);
                    var delay = _durations.NextPollDelay(durationKey, sinceSubmit.Elapsed, Budget(), phase);
                    if (timeout.HasValue)
                    {
                        var left = timeout.Value - sinceSubmit.Elapsed;
                        if (left <= TimeSpan.Zero) return null;
                        if (delay > left) delay = left;
                    }
                    // The first of its kind seen finished meanwhile: plan again with what it taught, before polling.
                    if (!await WaitAsync(delay, firstLearned, deadline.Token).ConfigureAwait(false)) continue;
                    // Taken before the request (and any wait in the rate window): the service looked after this moment.
                    var sentAt = sinceSubmit.Elapsed;
                    var status = await PollAsync(id, deadline.Token).ConfigureAwait(false);
                    if (status.Status != lastStatus)
                    {
                        lastStatus = status.Status;
                        statusChanged?.Invoke(status);
                    }
                    if (status.IsFinished)
                    {
                        if (learn && durationKey != null && status.Status == PredictionStatuses.Completed)
                        {
                            _durations.RecordFinished(durationKey, lastSeenRunning, sinceSubmit.Elapsed);
                        }
                        return status;
                    }
                    lastSeenRunning = sentAt;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>Waits out <paramref name="delay"/>; false when <paramref name="firstLearned"/> completed first.</summary>
        private static async Task<bool> WaitAsync(TimeSpan delay, Task? firstLearned, CancellationToken cancellationToken)
        {
            if (firstLearned == null)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                return true;
            }
            using var stopTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(delay, stopTimer.Token);
            var first = await Task.WhenAny(timer, firstLearned).ConfigureAwait(false);
            stopTimer.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return first == timer;
        }

        /// <summary>Watches a prediction in the background and calls <paramref name="ended"/> once it is seen finished (or given up on).</summary>
        public void WatchInBackground(string id, Action ended)
        {
            Task.Run(async () =>
            {
                using var polling = _durations.Polling();
                var watch = Stopwatch.StartNew();
                using var limit = new CancellationTokenSource(DetachedWatchLimit);
                try
                {
                    while (true)
                    {
                        // Its age is not known here: the schedule for an unknown kind.
                        await Task.Delay(_durations.NextPollDelay(null, watch.Elapsed, Budget()), limit.Token).ConfigureAwait(false);
                        var status = await PollAsync(id, limit.Token).ConfigureAwait(false);
                        if (status.IsFinished) return;
                    }
                }
                catch (Exception)
                {
                    // Unknown id, network gone or time up: nothing to report to anyone; it counts as ended.
                }
                finally
                {
                    ended();
                }
            });
        }
    }
}
