using System.Text.Json.Serialization;
using Fashn.Emulator.Faults;

namespace Fashn.Emulator.Errors
{
    /// <summary>The error codes of the spec's table of API-level errors (no prediction was created).</summary>
    internal static class ApiErrorCodes
    {
        public const string BadRequest = "BadRequest";
        public const string UnauthorizedAccess = "UnauthorizedAccess";
        public const string NotFound = "NotFound";
        public const string RateLimitExceeded = "RateLimitExceeded";
        public const string ConcurrencyLimitExceeded = "ConcurrencyLimitExceeded";
        public const string OutOfCredits = "OutOfCredits";
        public const string InternalServerError = "InternalServerError";
    }

    /// <summary>
    /// Every API-level error the emulator answers, with its HTTP status, code and message: middleware and handlers
    /// take their errors from here, so a new one is added in one place and its wording is found in one place.
    /// </summary>
    internal static class ApiErrors
    {
        /// <summary>A run body or query the emulator cannot accept; <paramref name="problem"/> names what is wrong.</summary>
        public static ApiError BadRequest(string problem) => new(400, ApiErrorCodes.BadRequest, problem);

        public static ApiError UnknownFaultHeader() =>
            BadRequest($"Unknown {FaultInjector.HeaderName} value.");

        // The 401 messages never echo the key that was sent.
        public static ApiError MissingApiKey() =>
            new(401, ApiErrorCodes.UnauthorizedAccess, "Missing Authorization header (expected: Bearer <api key>).");

        public static ApiError InvalidApiKey() => new(401, ApiErrorCodes.UnauthorizedAccess, "Invalid API key.");

        public static ApiError PredictionNotFound() => new(404, ApiErrorCodes.NotFound, "Prediction not found.");

        public static ApiError RateLimitExceeded(int limit, string group, TimeSpan window) =>
            new(429, ApiErrorCodes.RateLimitExceeded, $"Rate limit exceeded: at most {limit} {group} requests per {window.TotalSeconds:0.###} s.");

        public static ApiError ConcurrencyLimitExceeded(int limit) =>
            new(429, ApiErrorCodes.ConcurrencyLimitExceeded, $"Concurrency limit exceeded: {limit} predictions are already running.");

        public static ApiError OutOfCredits() => new(429, ApiErrorCodes.OutOfCredits, "Out of credits: the balance is 0.");

        public static ApiError InjectedRateLimit() =>
            new(429, ApiErrorCodes.RateLimitExceeded, "Rate limit exceeded (injected fault).");

        /// <summary>FASHN's most common 500: a base64 payload too large for it.</summary>
        public static ApiError OversizedBody(long bytes, long limit) =>
            new(500, ApiErrorCodes.InternalServerError,
                $"Internal server error: the request body of {bytes} bytes is over the {limit} bytes this emulator accepts (--max-run-body-bytes). " +
                "Oversized base64 payloads are FASHN's most common cause of 500: send images of at most 2000 px on the longest edge, as JPEG at quality about 95.");

        public static ApiError InjectedServerError() =>
            new(500, ApiErrorCodes.InternalServerError, "Internal server error (injected fault).");
    }

    /// <summary>One API-level error: the HTTP status and the <c>{"error": "...", "message": "..."}</c> body of the spec.</summary>
    internal sealed record ApiError(int StatusCode, string Code, string Message)
    {
        public IResult ToResult() => Results.Json(new ApiErrorBody(Code, Message), statusCode: StatusCode);

        public Task WriteAsync(HttpContext context) => ToResult().ExecuteAsync(context);
    }

    internal sealed record ApiErrorBody(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("message")] string Message);
}
