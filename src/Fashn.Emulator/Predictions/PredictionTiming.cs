namespace Fashn.Emulator.Predictions
{
    /// <summary>How long one prediction takes, drawn when it is created (unscaled seconds).</summary>
    /// <param name="ProcessingSeconds">Time in <c>processing</c>: the model's time with the jitter.</param>
    /// <param name="QueueDelaySeconds">Extra time in <c>in_queue</c> because the service was busy; 0 when it was not.</param>
    internal sealed record PredictionTimes(double ProcessingSeconds, double QueueDelaySeconds);

    /// <summary>
    /// Draws each new prediction's times as a service's vary: processing time log-normal around the model's time (its
    /// mean kept, so averages do not drift; the coefficient of variation is <c>--processing-jitter</c>), and, when
    /// more than <c>--queue-busy-above</c> predictions already run, a queue delay around <c>--queue-delay-seconds</c>
    /// with the same spread. One seeded <see cref="Random"/>, two draws per prediction whatever the options, so the
    /// same predictions in the same order get the same times.
    /// </summary>
    internal sealed class PredictionTiming
    {
        private readonly Random _random;
        private readonly double _jitter;
        private readonly double _queueDelaySeconds;
        private readonly int _busyAbove;
        private readonly object _lock = new();

        public PredictionTiming(EmulatorOptions options)
        {
            int? seed = options.TimingSeed ?? options.FaultSeed;
            _random = seed is int fixedSeed ? new Random(fixedSeed) : new Random();
            _jitter = options.ProcessingJitter;
            _queueDelaySeconds = options.QueueDelaySeconds;
            _busyAbove = options.QueueBusyAbove;
        }

        /// <param name="modelSeconds">The model's processing time for these inputs.</param>
        /// <param name="alreadyRunning">Predictions running when this one was admitted.</param>
        public PredictionTimes Draw(double modelSeconds, int alreadyRunning)
        {
            double u1, u2;
            lock (_lock)
            {
                u1 = 1.0 - _random.NextDouble(); // (0, 1]: the logarithm below needs it above 0
                u2 = _random.NextDouble();
            }

            // Box-Muller: two independent standard normal numbers from the two draws.
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            double forProcessing = radius * Math.Cos(2.0 * Math.PI * u2);
            double forQueue = radius * Math.Sin(2.0 * Math.PI * u2);
            double queue = alreadyRunning > _busyAbove ? LogNormal(_queueDelaySeconds, forQueue) : 0;
            return new PredictionTimes(LogNormal(modelSeconds, forProcessing), queue);
        }

        /// <summary>A log-normal value with mean <paramref name="mean"/> and coefficient of variation the jitter.</summary>
        private double LogNormal(double mean, double standardNormal)
        {
            if (mean <= 0 || _jitter <= 0)
            {
                return Math.Max(0, mean);
            }

            double sigma = Math.Sqrt(Math.Log(1.0 + _jitter * _jitter));
            return mean * Math.Exp(sigma * standardNormal - sigma * sigma / 2.0);
        }
    }
}
