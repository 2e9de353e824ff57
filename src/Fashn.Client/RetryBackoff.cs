using System;

namespace Fashn.Client
{
    /// <summary>The wait before a retry: <see cref="FashnClientOptions.RetryBaseDelay"/> doubled per attempt up to the maximum, with jitter.</summary>
    internal sealed class RetryBackoff
    {
        private readonly TimeSpan _baseDelay;
        private readonly TimeSpan _maxDelay;
        private readonly Random _jitter = new Random();

        public RetryBackoff(FashnClientOptions options)
            : this(options.RetryBaseDelay, options.MaxRetryDelay)
        {
        }

        public RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
        {
            _baseDelay = baseDelay;
            _maxDelay = maxDelay;
        }

        public TimeSpan For(int attempt)
        {
            var baseMs = _baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
            var capped = Math.Min(baseMs, _maxDelay.TotalMilliseconds);
            double factor;
            lock (_jitter) factor = 0.75 + _jitter.NextDouble() * 0.5;
            return TimeSpan.FromMilliseconds(capped * factor);
        }
    }
}
