using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Polls predictions until they finish, as rarely as the learned processing time allows
    /// (<see cref="DurationEstimator"/>): in the foreground for -Wait, in the background for a prediction left running.
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

        /// <summary>
        /// The status once the prediction has finished, or null when <paramref name="timeout"/> (counted from
        /// <paramref name="sinceSubmit"/>) passed first. <paramref name="learn"/>: its time teaches the estimate.
        /// </summary>
        public async Task<PredictionStatus?> PollUntilFinishedAsync(string id, Stopwatch sinceSubmit, TimeSpan? timeout,
            Action<PredictionStatus>? statusChanged, bool learn, CancellationToken cancellationToken)
        {
            string? lastStatus = null;
            // A server that asks for patience (Retry-After, a strict window) cannot stretch the wait past its timeout.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout.HasValue) deadline.CancelAfter(Max(timeout.Value - sinceSubmit.Elapsed, TimeSpan.Zero));
            try
            {
                while (true)
                {
                    var delay = _durations.NextPollDelay(sinceSubmit.Elapsed);
                    if (timeout.HasValue)
                    {
                        var left = timeout.Value - sinceSubmit.Elapsed;
                        if (left <= TimeSpan.Zero) return null;
                        if (delay > left) delay = left;
                    }
                    await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
                    var status = await _client.GetStatusAsync(id, deadline.Token).ConfigureAwait(false);
                    if (status.Status != lastStatus)
                    {
                        lastStatus = status.Status;
                        statusChanged?.Invoke(status);
                    }
                    if (status.IsFinished)
                    {
                        if (learn && status.Status == PredictionStatuses.Completed) _durations.RecordFinished(sinceSubmit.Elapsed);
                        return status;
                    }
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>Watches a prediction in the background and calls <paramref name="ended"/> once it is seen finished (or given up on).</summary>
        public void WatchInBackground(string id, Action ended)
        {
            Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                using var limit = new CancellationTokenSource(DetachedWatchLimit);
                try
                {
                    while (true)
                    {
                        await Task.Delay(_durations.NextPollDelay(watch.Elapsed), limit.Token).ConfigureAwait(false);
                        var status = await _client.GetStatusAsync(id, limit.Token).ConfigureAwait(false);
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
