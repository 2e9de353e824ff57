using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Learns how long predictions take, separately for each model and settings (<see cref="PredictionSettings.DurationKey"/>:
    /// edit at 4k in quality mode takes far longer than background-change), so that polling follows the spread of
    /// their times (<see cref="PollSchedule"/>). One per key and service, shared by every command of the session; it
    /// also counts the predictions being polled, which share the key's status budget, and paces their polls.
    /// </summary>
    public sealed class DurationEstimator
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, Queue<DurationSample>> _byKind = new Dictionary<string, Queue<DurationSample>>(StringComparer.Ordinal);
        private readonly Dictionary<string, TaskCompletionSource<bool>> _firstLearned = new Dictionary<string, TaskCompletionSource<bool>>(StringComparer.Ordinal);
        private int _pollingNow;
        private int _unlearnedStarted;
        // Polls wait here before the client's own status window: when many predictions end together (a wave submitted
        // at once) their plans crowd, and a window run full to its last request is a 429 away from clock differences.
        // With a key folder the pacing is the machine's (polls.window): processes that each paced to 85 % alone would
        // together fill the status window to its last request.
        private readonly RateWindow _pollPacing;
        private readonly SharedDurationsFile? _sharedDurations;

        public DurationEstimator() : this(null, null)
        {
        }

        /// <param name="sharedPacing">The machine's pacing of this key's polls; null for this process's own.</param>
        /// <param name="sharedDurations">Where the user's processes share what they learn of this key; null to learn alone.</param>
        internal DurationEstimator(SharedWindowFile? sharedPacing, SharedDurationsFile? sharedDurations)
        {
            _pollPacing = new RateWindow(1, TimeSpan.FromSeconds(1), sharedPacing);
            _sharedDurations = sharedDurations;
        }

        /// <summary>Predictions being polled now (foreground and background).</summary>
        public int PollingNow => Volatile.Read(ref _pollingNow);

        /// <summary>
        /// A prediction of this kind finished after <paramref name="lastSeenRunning"/> (the moment, from its submission,
        /// the last poll that saw it running was sent; zero when none did) and by <paramref name="seenFinished"/> (when
        /// the poll that saw it finished was answered).
        /// </summary>
        public void RecordFinished(string durationKey, TimeSpan lastSeenRunning, TimeSpan seenFinished)
        {
            if (durationKey == null) throw new ArgumentNullException(nameof(durationKey));
            lock (_gate)
            {
                if (!_byKind.TryGetValue(durationKey, out var recent)) _byKind[durationKey] = recent = new Queue<DurationSample>();
                recent.Enqueue(new DurationSample(lastSeenRunning, seenFinished));
                while (recent.Count > LearnedDurations.Remembered) recent.Dequeue();
                FirstLearned(durationKey);
            }
            _sharedDurations?.Append(durationKey, new DurationSample(lastSeenRunning, seenFinished));
        }

        /// <summary>The rest of a first wave waiting for this kind plans again (called under the gate).</summary>
        private void FirstLearned(string durationKey)
        {
            if (_firstLearned.TryGetValue(durationKey, out var waiting))
            {
                _firstLearned.Remove(durationKey);
                waiting.TrySetResult(true);
            }
        }

        /// <summary>What the user's other processes learned of this key since the last look, taken in (their finishes and ours).</summary>
        private void TakeInShared()
        {
            var shared = _sharedDurations?.ReadIfChanged(LearnedDurations.Remembered);
            if (shared == null) return;
            lock (_gate)
            {
                foreach (var kind in shared)
                {
                    _byKind[kind.Key] = kind.Value;
                    FirstLearned(kind.Key);
                }
            }
        }

        /// <summary>
        /// While nothing is learned for this kind: a task that completes when the first of it is seen finished (the
        /// waits of the rest of its wave end then, to plan again with what it taught). Null once something is learned.
        /// </summary>
        public Task? WhenFirstLearned(string? durationKey)
        {
            // The shared file is looked at by Learned, which the poller asks next: what it takes in completes this task.
            if (durationKey == null) return null;
            lock (_gate)
            {
                if (_byKind.ContainsKey(durationKey)) return null;
                if (!_firstLearned.TryGetValue(durationKey, out var waiting))
                {
                    // Continuations run on the thread pool, not inside RecordFinished's lock.
                    _firstLearned[durationKey] = waiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                return waiting.Task;
            }
        }

        /// <summary>
        /// The phase (0..1) of the next prediction polled with nothing learned (<see cref="PollSchedule.NextPollAt"/>):
        /// steps of the golden ratio, which spread any number of them evenly over a gap, however many come.
        /// </summary>
        public double NextUnlearnedPhase()
        {
            var n = Interlocked.Increment(ref _unlearnedStarted) - 1;
            var phase = n * 0.6180339887498949;
            return phase - Math.Floor(phase);
        }

        /// <summary>What is known of this kind, or null before one was seen finishing (and for a null key: unknown kind or age).</summary>
        public LearnedDurations? Learned(string? durationKey)
        {
            if (durationKey == null) return null;
            TakeInShared();
            lock (_gate)
            {
                return _byKind.TryGetValue(durationKey, out var recent) ? LearnedDurations.From(recent) : null;
            }
        }

        /// <summary>How long to wait before the next poll of a prediction of this kind submitted <paramref name="elapsed"/> ago.</summary>
        public TimeSpan NextPollDelay(string? durationKey, TimeSpan elapsed, PollBudget budget, double unlearnedPhase = 0)
        {
            var delay = PollSchedule.NextPollAt(Learned(durationKey), budget, elapsed, unlearnedPhase) - elapsed;
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        /// <summary>
        /// Waits until one more poll fits in <see cref="PollSchedule.PollingCeiling"/> of the key's status window
        /// (<paramref name="statusLimit"/> per <paramref name="statusWindow"/>, as the client keeps to it now).
        /// </summary>
        internal Task PaceAsync(int statusLimit, TimeSpan statusWindow, CancellationToken cancellationToken)
        {
            var limit = Math.Max(1, (int)(statusLimit * PollSchedule.PollingCeiling));
            lock (_gate)
            {
                // Follows the window the service advertised; the polls already counted stay counted.
                if (_pollPacing.Limit != limit || _pollPacing.Window != statusWindow) _pollPacing.SetLimit(limit, statusWindow);
            }
            return _pollPacing.WaitAsync(cancellationToken);
        }

        /// <summary>Counts one prediction as polled until the returned scope is disposed.</summary>
        public IDisposable Polling()
        {
            Interlocked.Increment(ref _pollingNow);
            return new PollingScope(this);
        }

        private sealed class PollingScope : IDisposable
        {
            private DurationEstimator? _owner;

            public PollingScope(DurationEstimator owner) => _owner = owner;

            public void Dispose()
            {
                var owner = Interlocked.Exchange(ref _owner, null);
                if (owner != null) Interlocked.Decrement(ref owner._pollingNow);
            }
        }
    }
}
