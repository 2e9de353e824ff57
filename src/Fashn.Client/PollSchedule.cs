using System;

namespace Fashn.Client
{
    /// <summary>What the key's status window allows right now, and how many predictions share it.</summary>
    public readonly struct PollBudget
    {
        // Our rate window adds a margin to the service's window (100 ms or a twentieth of it, whichever is more):
        // planning with a window a tenth longer keeps plans inside it.
        private const double WindowMargin = 1.1;

        /// <param name="statusRequests">Status requests the key may send per <paramref name="statusWindow"/>.</param>
        /// <param name="pollingNow">Predictions being polled now with this key (this one included).</param>
        public PollBudget(int statusRequests, TimeSpan statusWindow, int pollingNow)
        {
            if (statusRequests < 1) throw new ArgumentOutOfRangeException(nameof(statusRequests));
            if (statusWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(statusWindow));
            StatusRequestsPerSecond = statusRequests / (statusWindow.TotalSeconds * WindowMargin);
            PollingNow = Math.Max(1, pollingNow);
        }

        public double StatusRequestsPerSecond { get; }

        public int PollingNow { get; }
    }

    /// <summary>
    /// When to poll a prediction next, from what is known of its kind (<see cref="LearnedDurations"/>, or nothing yet)
    /// and the status budget. A pure function, so that tests can follow its decisions without a clock.
    ///
    /// With k polls for one prediction, the wait between its finish and the poll that sees it is shortest when the polls
    /// sit where finishes are likely: at equal steps of probability, the quantiles (i + 0.5) / k of the learned times.
    /// The first lands at a low quantile, they crowd around the median where most predictions finish, and thin out
    /// towards the high quantiles; past the last one the prediction is late, and the gaps grow with how late it is.
    /// </summary>
    public static class PollSchedule
    {
        /// <summary>
        /// The share of the key's status rate that polling plans to use on average. The rest absorbs the moments when
        /// several predictions end together (one wave submitted at once), collects from the journal and
        /// Get-FashnPrediction.
        /// </summary>
        public const double StatusShare = 0.7;

        /// <summary>
        /// The share of the key's status window that polls may fill at any moment (<see cref="DurationEstimator.PaceAsync"/>):
        /// crowded plans wait rather than run the window to its last request, where a request delayed on its way (a
        /// loaded machine) arrives inside the service's window and draws a 429. The rest is for the other status calls.
        /// </summary>
        public const double PollingCeiling = 0.85;

        /// <summary>Fewer polls leave too wide gaps around the median; more buy little (the wait falls as 1/k).</summary>
        public const int MinimumPolls = 3, MaximumPolls = 16;

        /// <summary>
        /// With nothing learned, the first poll comes this soon (plus its phase of one gap) whatever the budget says:
        /// its answer may advertise the real status window (the emulator's is scaled), and a short prediction is not
        /// left waiting a whole gap of the documented window.
        /// </summary>
        public static readonly TimeSpan UnlearnedFirstPoll = TimeSpan.FromMilliseconds(250);

        /// <summary>The next poll's moment, counted from submission, for a prediction <paramref name="elapsed"/> old.</summary>
        /// <param name="unlearnedPhase">
        /// 0..1: with nothing learned, where in one gap this prediction's polls fall, so that a wave submitted at once
        /// does not poll in step: one of them sees the first finish soon, and the others then follow what it taught.
        /// </param>
        public static TimeSpan NextPollAt(LearnedDurations? learned, PollBudget budget, TimeSpan elapsed, double unlearnedPhase = 0)
        {
            // One prediction never polls faster than the key's whole average rate, so that waves of them cannot crowd it.
            var minimumGap = TimeSpan.FromSeconds(1 / budget.StatusRequestsPerSecond);
            // What one prediction may spend on average, the key's rate shared among those being polled now.
            var ownRate = StatusShare * budget.StatusRequestsPerSecond / budget.PollingNow;

            if (learned == null)
            {
                var gap = UnlearnedGap(ownRate, elapsed);
                var first = UnlearnedFirstPoll + TimeSpan.FromTicks((long)(unlearnedPhase * gap.Ticks));
                return elapsed < first ? first : elapsed + gap;
            }

            var polls = PlannedPolls(learned, ownRate);
            for (var i = 0; i < polls; i++)
            {
                var at = learned.Quantile((i + 0.5) / polls);
                if (at >= elapsed + minimumGap) return at;
            }
            // Later than the plan: a long one. The gaps grow with how late it is (up to an eighth of its age), so a
            // prediction stuck in a queue costs a few polls, not dozens.
            var late = elapsed - learned.Median;
            var lateGap = TimeSpan.FromTicks(Math.Min(late.Ticks / 4, elapsed.Ticks / 8));
            return elapsed + Max(minimumGap, lateGap);
        }

        /// <summary>
        /// How many polls the plan for one prediction holds: what it may spend over its usual lifetime, doubled, because
        /// the polls planned after its finish are never sent (on average a little over half the plan is spent).
        /// </summary>
        public static int PlannedPolls(LearnedDurations learned, double ownRatePerSecond)
        {
            var affordable = ownRatePerSecond * learned.Median.TotalSeconds;
            var polls = (int)Math.Floor(2 * affordable - 1);
            return Math.Max(MinimumPolls, Math.Min(MaximumPolls, polls));
        }

        /// <summary>
        /// Nothing learned for this kind of prediction yet (the first wave): it could take 1 s or a minute. Polls at
        /// the rate its share of the budget allows, which the first wave has to itself, so that it is seen finished
        /// within one gap; gaps grow once it is older than eight of them, so a long one costs few polls.
        /// </summary>
        private static TimeSpan UnlearnedGap(double ownRatePerSecond, TimeSpan elapsed) =>
            Max(TimeSpan.FromSeconds(1 / ownRatePerSecond), TimeSpan.FromTicks(elapsed.Ticks / 8));

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }
}
