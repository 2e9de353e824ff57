using System.Text.Json.Serialization;

namespace Fashn.Emulator.Errors
{
    /// <summary>API-level error codes and the <c>{"error": "...", "message": "..."}</c> body of the spec.</summary>
    internal static class ApiErrors
    {
        public const string BadRequest = "BadRequest";
        public const string UnauthorizedAccess = "UnauthorizedAccess";
        public const string NotFound = "NotFound";
        public const string RateLimitExceeded = "RateLimitExceeded";
        public const string ConcurrencyLimitExceeded = "ConcurrencyLimitExceeded";
        public const string OutOfCredits = "OutOfCredits";
        public const string InternalServerError = "InternalServerError";

        public static IResult Result(int statusCode, string code, string message) =>
            Results.Json(new ApiErrorBody(code, message), statusCode: statusCode);
    }

    internal sealed record ApiErrorBody(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("message")] string Message);
}
