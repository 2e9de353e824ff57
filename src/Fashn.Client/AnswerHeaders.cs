using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;

namespace Fashn.Client
{
    /// <summary>
    /// What the headers of an answer ask of the client, read as hints within sane bounds: a server (or anything
    /// between it and the client) controls them, so a value that is negative, not finite, absurdly large or in the
    /// past is ignored, and the reason is kept as a note for the request log (-Verbose).
    /// </summary>
    internal static class AnswerHeaders
    {
        /// <summary>No header is taken to mean a longer delay than this; beyond it a value is nonsense, not a request.</summary>
        public static readonly TimeSpan LongestPlausibleDelay = TimeSpan.FromDays(1);

        // A window shorter than this cannot be kept by any clock; a limit above this means none.
        private static readonly TimeSpan ShortestWindow = TimeSpan.FromMilliseconds(1);
        private const int LargestLimit = 1_000_000;

        /// <summary>
        /// The delay asked for by <c>retry-after-ms</c> (read first, as FASHN's SDKs do) or <c>Retry-After</c> (seconds
        /// or an HTTP date), or null when neither holds a usable one; <paramref name="notes"/> gets why a value was ignored.
        /// </summary>
        public static TimeSpan? ReadRetryAfter(HttpResponseMessage response, ICollection<string> notes)
        {
            var ignored = new List<string>();
            var delay = ReadRetryAfterMs(response, ignored) ?? ReadRetryAfterHeader(response, ignored);
            foreach (var note in ignored) notes.Add(note + (delay.HasValue ? "" : "; the client's own backoff is used instead"));
            return delay;
        }

        private static TimeSpan? ReadRetryAfterMs(HttpResponseMessage response, ICollection<string> ignored)
        {
            var milliseconds = First(response, "retry-after-ms");
            if (milliseconds == null) return null;
            var delay = ReadDelay(milliseconds, 0.001);
            if (!delay.HasValue) ignored.Add(Ignored("retry-after-ms", milliseconds, "not a delay from 0 to 1 day"));
            return delay;
        }

        private static TimeSpan? ReadRetryAfterHeader(HttpResponseMessage response, ICollection<string> ignored)
        {
            var retryAfter = First(response, "Retry-After");
            if (retryAfter == null) return null;
            var seconds = ReadDelay(retryAfter, 1);
            if (seconds.HasValue) return seconds;
            if (response.Headers.RetryAfter?.Date is DateTimeOffset date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                if (wait >= TimeSpan.Zero && wait <= LongestPlausibleDelay) return wait;
                ignored.Add(Ignored("Retry-After", retryAfter, wait < TimeSpan.Zero ? "a date in the past" : "a date more than 1 day ahead"));
                return null;
            }
            ignored.Add(Ignored("Retry-After", retryAfter, "not a delay from 0 to 1 day"));
            return null;
        }

        /// <summary>
        /// An advertised limit "RateLimit-Policy: 50;w=60" (IETF httpapi draft), or null. Only a plausible one is
        /// taken: a limit of at least 1 and a window no longer than <paramref name="longestWindow"/>, which is the
        /// longest any header may make a request wait.
        /// </summary>
        public static (int Limit, TimeSpan Window)? ReadRateLimitPolicy(HttpResponseMessage response, TimeSpan longestWindow, ICollection<string> notes)
        {
            var policy = First(response, "RateLimit-Policy");
            if (string.IsNullOrWhiteSpace(policy)) return null;
            var parts = policy!.Split(',')[0].Split(';');
            double seconds = double.NaN;
            foreach (var part in parts.Skip(1))
            {
                var pair = part.Split('=');
                if (pair.Length == 2 && pair[0].Trim() == "w")
                {
                    double.TryParse(pair[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds);
                }
            }
            var limitRead = int.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit);
            var usable = limitRead && limit >= 1 && limit <= LargestLimit &&
                         !double.IsNaN(seconds) && seconds >= ShortestWindow.TotalSeconds && seconds <= longestWindow.TotalSeconds;
            if (!usable)
            {
                notes.Add(Ignored("RateLimit-Policy", policy,
                    $"a limit of 1 to {LargestLimit} per window of up to {longestWindow.TotalSeconds:0} s is followed, nothing else; the documented limits stay"));
                return null;
            }
            return (limit, TimeSpan.FromSeconds(seconds));
        }

        /// <summary>The credits a completed prediction used (<c>x-fashn-credits-used</c>), or null.</summary>
        public static int? ReadCreditsUsed(HttpResponseMessage response) =>
            int.TryParse(First(response, "x-fashn-credits-used"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var credits) && credits >= 0
                ? credits
                : (int?)null;

        /// <summary>A number of <paramref name="unitSeconds"/> from 0 to a day; anything else (negative, NaN, infinite, huge) is null.</summary>
        private static TimeSpan? ReadDelay(string text, double unitSeconds)
        {
            if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)) return null;
            var seconds = amount * unitSeconds;
            // NaN fails both comparisons; infinities and overflowing values fail the second.
            if (!(seconds >= 0) || !(seconds <= LongestPlausibleDelay.TotalSeconds)) return null;
            return TimeSpan.FromSeconds(seconds);
        }

        private static string? First(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        private static string Ignored(string header, string value, string why) =>
            $"ignored {header}: {Shorten(value)} ({why})";

        // Server text in a note is kept short: a header can be kilobytes long.
        private static string Shorten(string text)
        {
            var trimmed = text.Trim();
            return trimmed.Length <= 40 ? trimmed : trimmed.Substring(0, 37) + "...";
        }
    }
}
