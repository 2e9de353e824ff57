using System;
using System.Collections.Generic;
using System.Linq;

namespace Fashn.Client
{
    /// <summary>
    /// How long recent predictions of one model and settings took, as intervals: each finished prediction lies after
    /// the last poll that saw it running (its lower bound, 0 when none did) and before the poll that saw it finished
    /// (its upper bound). The distribution is the mixture of those intervals, each spread evenly over its width, so a
    /// wide interval (sparse polls) counts as "somewhere in here" and a narrow one as nearly exact. Using both bounds
    /// keeps the estimate from drifting upward, as upper bounds alone would. A prediction seen finished by its first
    /// poll says only "by then", so its interval starts at 0: that pulls the next first polls a little early, which is
    /// what lets a kind that got faster be seen so (taking "then" as its time locks the first poll where it is, and
    /// every faster one is seen late: the seeded test of the schedule measured it). An immutable snapshot.
    /// </summary>
    public sealed class LearnedDurations
    {
        /// <summary>Enough to see the spread, few enough to follow the service when it speeds up or slows down.</summary>
        public const int Remembered = 40;

        private readonly DurationSample[] _samples;

        private LearnedDurations(DurationSample[] samples)
        {
            _samples = samples;
            Median = Quantile(0.5);
        }

        public int Count => _samples.Length;

        public TimeSpan Median { get; }

        /// <summary>The samples in order of arrival, oldest first.</summary>
        public IReadOnlyList<DurationSample> Samples => _samples;

        internal static LearnedDurations? From(IEnumerable<DurationSample> samples)
        {
            var array = samples.ToArray();
            return array.Length == 0 ? null : new LearnedDurations(array);
        }

        /// <summary>The moment by which a share <paramref name="probability"/> of predictions had finished (0..1).</summary>
        public TimeSpan Quantile(double probability)
        {
            if (probability <= 0) return TimeSpan.FromTicks(_samples.Min(s => s.LowerBound.Ticks));
            if (probability >= 1) return TimeSpan.FromTicks(_samples.Max(s => s.UpperBound.Ticks));
            // The mixture's distribution function only rises with t: halve the interval that holds the quantile.
            double low = _samples.Min(s => s.LowerBound.Ticks), high = _samples.Max(s => s.UpperBound.Ticks);
            for (var step = 0; step < 40 && high - low > 1; step++)
            {
                var middle = (low + high) / 2;
                if (ShareFinishedBy(middle) < probability) low = middle;
                else high = middle;
            }
            return TimeSpan.FromTicks((long)high);
        }

        /// <summary>The share of predictions finished by <paramref name="ticks"/> after submission.</summary>
        private double ShareFinishedBy(double ticks)
        {
            double sum = 0;
            foreach (var sample in _samples)
            {
                double low = sample.LowerBound.Ticks, high = sample.UpperBound.Ticks;
                if (ticks >= high) sum += 1;
                else if (ticks > low) sum += (ticks - low) / (high - low);
            }
            return sum / _samples.Length;
        }
    }

    /// <summary>One finished prediction: it finished after <see cref="LowerBound"/> and by <see cref="UpperBound"/> (from submission).</summary>
    public readonly struct DurationSample
    {
        public DurationSample(TimeSpan lowerBound, TimeSpan upperBound)
        {
            if (upperBound < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(upperBound));
            UpperBound = upperBound;
            LowerBound = lowerBound < TimeSpan.Zero ? TimeSpan.Zero : lowerBound > upperBound ? upperBound : lowerBound;
        }

        public TimeSpan LowerBound { get; }

        public TimeSpan UpperBound { get; }
    }
}
