using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// A sliding-window budget: at most <c>limit</c> requests in any interval of <c>window</c>.
    /// Shared by every request to one endpoint with one key, so concurrent work cannot overrun it.
    /// </summary>
    internal sealed class RateWindow
    {
        // Our clock and the service's differ by the network delay; a small margin keeps us inside its window.
        private static readonly TimeSpan MinimumMargin = TimeSpan.FromMilliseconds(100);

        private readonly object _gate = new object();
        private readonly Queue<TimeSpan> _sent = new Queue<TimeSpan>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _limit;
        private TimeSpan _window;
        private TimeSpan _pausedUntil;

        public RateWindow(int limit, TimeSpan window)
        {
            SetLimit(limit, window);
        }

        public int Limit { get { lock (_gate) return _limit; } }

        public TimeSpan Window { get { lock (_gate) return _window; } }

        public void SetLimit(int limit, TimeSpan window)
        {
            if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
            if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window));
            lock (_gate)
            {
                _limit = limit;
                _window = window;
            }
        }

        /// <summary>After a 429 RateLimitExceeded: nothing more is sent until the service's delay has passed.</summary>
        public void PauseFor(TimeSpan delay)
        {
            lock (_gate)
            {
                var until = _clock.Elapsed + delay;
                if (until > _pausedUntil) _pausedUntil = until;
            }
        }

        /// <summary>Waits until one more request fits, then counts it as sent.</summary>
        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                TimeSpan delay;
                lock (_gate)
                {
                    var now = _clock.Elapsed;
                    var margin = TimeSpan.FromTicks(Math.Max(MinimumMargin.Ticks, _window.Ticks / 20));
                    var span = _window + margin;
                    while (_sent.Count > 0 && now - _sent.Peek() >= span) _sent.Dequeue();
                    if (now < _pausedUntil)
                    {
                        delay = _pausedUntil - now;
                    }
                    else if (_sent.Count < _limit)
                    {
                        _sent.Enqueue(now);
                        return;
                    }
                    else
                    {
                        // The oldest of the last `limit` requests leaves the window first.
                        while (_sent.Count > _limit) _sent.Dequeue();
                        delay = _sent.Peek() + span - now;
                    }
                }
                if (delay < TimeSpan.FromMilliseconds(1)) delay = TimeSpan.FromMilliseconds(1);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
