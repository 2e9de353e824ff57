using System;
using System.Collections.Generic;
using System.Linq;

namespace Fashn.Client
{
    /// <summary>
    /// Learns how long predictions take, so that polling waits until one can be finished and then looks closely.
    /// Each finished prediction gives an upper bound (the first poll that saw it finished); the estimate is the
    /// median of the recent ones. Polling a little before the estimate lets it drift down toward the true time.
    /// </summary>
    public sealed class DurationEstimator
    {
        private const int Remembered = 25;
        private const double FirstPollShare = 0.97;
        private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(50);
        private static readonly TimeSpan UnlearnedFirstPoll = TimeSpan.FromMilliseconds(250);
        private static readonly TimeSpan UnlearnedMaximumInterval = TimeSpan.FromSeconds(2);

        private readonly object _gate = new object();
        private readonly Queue<TimeSpan> _recent = new Queue<TimeSpan>();

        /// <summary>The current estimate, or null before any prediction was seen finishing.</summary>
        public TimeSpan? Estimate
        {
            get
            {
                lock (_gate)
                {
                    if (_recent.Count == 0) return null;
                    var sorted = _recent.OrderBy(t => t).ToArray();
                    return sorted[sorted.Length / 2];
                }
            }
        }

        /// <summary>A prediction submitted <paramref name="elapsedAtFinishedPoll"/> before the poll that saw it finished.</summary>
        public void RecordFinished(TimeSpan elapsedAtFinishedPoll)
        {
            lock (_gate)
            {
                _recent.Enqueue(elapsedAtFinishedPoll);
                while (_recent.Count > Remembered) _recent.Dequeue();
            }
        }

        /// <summary>How long to wait before the next poll of a prediction submitted <paramref name="elapsed"/> ago.</summary>
        public TimeSpan NextPollDelay(TimeSpan elapsed)
        {
            var estimate = Estimate;
            if (estimate == null)
            {
                // Nothing learned yet: look often at first, then less often, so short and long jobs both cost few polls.
                var delay = TimeSpan.FromTicks(Math.Max(UnlearnedFirstPoll.Ticks, Math.Min(UnlearnedMaximumInterval.Ticks, elapsed.Ticks / 4)));
                return delay;
            }
            var firstPoll = TimeSpan.FromTicks((long)(estimate.Value.Ticks * FirstPollShare));
            if (elapsed < firstPoll) return firstPoll - elapsed;
            // Past the estimate: intervals grow with how late it is, so a slow prediction costs a few polls, not dozens.
            var late = elapsed - firstPoll;
            var interval = Math.Max(estimate.Value.Ticks * 0.03, late.Ticks * 0.5);
            return TimeSpan.FromTicks(Math.Max(MinimumInterval.Ticks, (long)interval));
        }
    }
}
