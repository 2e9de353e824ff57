using System;
using System.Net;

namespace Fashn.Client
{
    /// <summary>
    /// Every failure the client reports. <see cref="ErrorCode"/> is the FASHN error code or runtime error
    /// name when the service gave one (for example "RateLimitExceeded", "ImageLoadError"), otherwise one of
    /// the client's own codes in <see cref="FashnErrorCodes"/>. Messages never contain the API key.
    /// </summary>
    public class FashnException : Exception
    {
        public FashnException(string errorCode, string message, HttpStatusCode? httpStatus = null,
            string? predictionId = null, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorCode = errorCode;
            HttpStatus = httpStatus;
            PredictionId = predictionId;
        }

        public string ErrorCode { get; }

        public HttpStatusCode? HttpStatus { get; }

        public string? PredictionId { get; }
    }

    /// <summary>The client's own error codes, for failures the service did not name.</summary>
    public static class FashnErrorCodes
    {
        /// <summary>A local input file is empty, truncated, not an image, or in a format the service does not take.</summary>
        public const string InvalidInputImage = "InvalidInputImage";
        /// <summary>A local input file or folder could not be read.</summary>
        public const string InputNotReadable = "InputNotReadable";
        /// <summary>An argument is out of range or malformed (seed, prompt, URL, data URI).</summary>
        public const string InvalidArgument = "InvalidArgument";
    }
}
