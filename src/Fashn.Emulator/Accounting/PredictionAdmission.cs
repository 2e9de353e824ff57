using Fashn.Emulator.Errors;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Accounting
{
    /// <summary>
    /// Lets a new prediction start only while a credit is free to reserve and fewer than the concurrency limit run,
    /// and gives both back when it finishes. One lock covers the reservation and the running count, so a prediction
    /// that finishes frees its place before its status says so.
    /// </summary>
    internal sealed class PredictionAdmission
    {
        private readonly object _lock = new();
        private readonly int _concurrencyLimit;
        private readonly CreditAccount _credits;
        private readonly EmulatorStats _stats;
        private int _running;

        public PredictionAdmission(int concurrencyLimit, CreditAccount credits, EmulatorStats stats)
        {
            _concurrencyLimit = concurrencyLimit;
            _credits = credits;
            _stats = stats;
        }

        /// <summary>
        /// Admits a new prediction or returns the 429 that refuses it. Its credits are reserved until it finishes;
        /// <paramref name="alreadyRunning"/> is how many ran before it.
        /// </summary>
        public ApiError? TryAdmit(int credits, out int alreadyRunning)
        {
            lock (_lock)
            {
                alreadyRunning = _running;
                if (!_credits.TryReserve(credits))
                {
                    return ApiErrors.OutOfCredits();
                }

                if (_running >= _concurrencyLimit)
                {
                    _credits.Release(credits, spent: false);
                    return ApiErrors.ConcurrencyLimitExceeded(_concurrencyLimit);
                }

                Enter();
                return null;
            }
        }

        /// <summary>A prediction resumed after a restart was admitted before the stop: it holds its credits and its place again.</summary>
        public void Readmit(int credits)
        {
            lock (_lock)
            {
                _credits.ReserveResumed(credits);
                Enter();
            }
        }

        /// <summary>Frees the place of a finished prediction, spending its credits only when it completed.</summary>
        public void Release(int credits, bool spent)
        {
            lock (_lock)
            {
                _credits.Release(credits, spent);
                _running--;
                _stats.RunningChanged(-1);
            }
        }

        private void Enter()
        {
            _running++;
            _stats.RunningChanged(+1);
        }
    }
}
