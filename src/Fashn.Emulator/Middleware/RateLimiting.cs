using System.Globalization;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Middleware
{
    /// <summary>
    /// Answers 429 RateLimitExceeded for an endpoint with a <see cref="RateLimit"/> once its group's window is full
    /// for the caller's key. Runs after authentication, so only authorised requests take a place in the window.
    /// </summary>
    internal sealed class RateLimiting
    {
        private readonly RateWindows _windows = new();
        private readonly EmulatorOptions _options;
        private readonly EmulatorStats _stats;

        public RateLimiting(EmulatorOptions options, EmulatorStats stats)
        {
            _options = options;
            _stats = stats;
        }

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<RateLimit>() is not RateLimit rateLimit)
            {
                await next(context);
                return;
            }

            TimeSpan window = _options.Scaled(rateLimit.WindowSeconds);
            // The window in force, scaled, in the form of the IETF RateLimit-Policy header, so that a client can keep
            // inside it when the time scale makes it differ from FASHN's documented one. FASHN itself is not known to send it.
            if (!_options.DocumentedHeadersOnly)
            {
                context.Response.Headers["RateLimit-Policy"] =
                    rateLimit.Limit.ToString(CultureInfo.InvariantCulture) + ";w=" + window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            }

            // Authentication let only the one key through.
            if (_windows.TryAcquire(_options.ApiKey, rateLimit.Group, rateLimit.Limit, window, DateTime.UtcNow, out TimeSpan retryAfter))
            {
                await next(context);
                return;
            }

            _stats.CountRejected(ApiErrorCodes.RateLimitExceeded);
            if (_options.SendsRetryAfter)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                // Whole seconds are too coarse for a scaled clock; FASHN's SDKs read retry-after-ms first.
                context.Response.Headers["retry-after-ms"] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            }

            await ApiErrors.RateLimitExceeded(rateLimit.Limit, rateLimit.Group, window).WriteAsync(context);
        }
    }
}
