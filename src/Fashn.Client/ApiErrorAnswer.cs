using System;
using System.Net;

namespace Fashn.Client
{
    /// <summary>An HTTP error answer of the API as the client read it: what the error catalogue words its message from.</summary>
    internal sealed class ApiErrorAnswer
    {
        public ApiErrorAnswer(string code, string message, HttpStatusCode status, string method, string path, TimeSpan? retryAfter, bool fromService)
        {
            FromService = fromService;
            Code = code;
            Message = message;
            Status = status;
            Method = method;
            Path = path;
            RetryAfter = retryAfter;
        }

        /// <summary>The API's error code, or "HttpStatus" + the status when the body names none.</summary>
        public string Code { get; }

        /// <summary>The service's own message; may be empty.</summary>
        public string Message { get; }

        public HttpStatusCode Status { get; }
        public string Method { get; }
        public string Path { get; }

        /// <summary>
        /// True when the body is FASHN's own JSON error ({"error": "...", "message": "..."}): the service itself refused,
        /// so a refused run created no prediction. A gateway's page or any other body proves nothing.
        /// </summary>
        public bool FromService { get; }

        /// <summary>The delay the service asked for (Retry-After or retry-after-ms).</summary>
        public TimeSpan? RetryAfter { get; }
    }
}
