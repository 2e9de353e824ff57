using System.Collections.Concurrent;

namespace Fashn.Emulator.Middleware
{
    /// <summary>
    /// Sliding-window request limits per API key and endpoint group, as the real service enforces them
    /// (for example 50 status requests per 10 s). Only accepted requests take a place in the window.
    /// </summary>
    internal sealed class RateWindows
    {
        private readonly ConcurrentDictionary<(string Key, string Group), Queue<DateTime>> _windows = new();

        /// <summary>Takes a place in the window, or returns false and how long until one frees up.</summary>
        public bool TryAcquire(string apiKey, string group, int limit, TimeSpan window, DateTime now, out TimeSpan retryAfter)
        {
            Queue<DateTime> times = _windows.GetOrAdd((apiKey, group), _ => new Queue<DateTime>());
            lock (times)
            {
                while (times.Count > 0 && now - times.Peek() >= window)
                {
                    times.Dequeue();
                }

                if (times.Count < limit)
                {
                    times.Enqueue(now);
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = window - (now - times.Peek());
                return false;
            }
        }
    }
}
