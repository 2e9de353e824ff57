using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// A sliding-window budget: at most <c>limit</c> requests in any interval of <c>window</c>.
    /// Shared by every request to one endpoint with one key, so concurrent work cannot overrun it; with a
    /// <see cref="SharedWindowFile"/>, by every process of the user on the machine too.
    /// </summary>
    internal sealed class RateWindow
    {
        // Our clock and the service's differ by the network delay; a small margin keeps us inside its window.
        private static readonly TimeSpan MinimumMargin = TimeSpan.FromMilliseconds(100);

        private readonly object _gate = new object();
        private readonly Queue<TimeSpan> _sent = new Queue<TimeSpan>();
        private readonly SharedWindowFile? _shared;
        private int _limit;
        private TimeSpan _window;
        private TimeSpan _pausedUntil;

        /// <param name="shared">Where other processes count their requests to this endpoint with this key; null for none.</param>
        public RateWindow(int limit, TimeSpan window, SharedWindowFile? shared = null)
        {
            SetLimit(limit, window);
            _shared = shared;
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
                using var shared = _shared?.Hold();
                var now = SharedWindowFile.MachineNow;
                if (shared != null) _pausedUntil = shared.Read(_sent, now);
                var until = now + delay;
                if (until > _pausedUntil) _pausedUntil = until;
                shared?.Write(_sent, _pausedUntil);
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
                    // Held while counting: another process's request between the read and the write would be lost.
                    using var shared = _shared?.Hold();
                    var now = SharedWindowFile.MachineNow;
                    if (shared != null) _pausedUntil = shared.Read(_sent, now);
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
                        shared?.Write(_sent, _pausedUntil);
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
