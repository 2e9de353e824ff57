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
        /// <summary>No API key was given and FASHN_API_KEY is not set.</summary>
        public const string MissingApiKey = "MissingApiKey";
        /// <summary>A run request may have reached the service but its answer was lost; it was not sent again.</summary>
        public const string SubmissionOutcomeUnknown = "SubmissionOutcomeUnknown";
        /// <summary>The service could not be reached or kept failing after every retry.</summary>
        public const string ServiceUnavailable = "ServiceUnavailable";
        /// <summary>The service answered something that is not the documented JSON.</summary>
        public const string UnexpectedResponse = "UnexpectedResponse";
        /// <summary>-Wait gave up before the prediction finished; it may still complete.</summary>
        public const string PollingTimeout = "PollingTimeout";
        /// <summary>A base64 output was collected after its 60 minutes; FASHN returned "&lt;base64&gt;_expired".</summary>
        public const string OutputExpired = "OutputExpired";
        /// <summary>An output could not be downloaded or written.</summary>
        public const string OutputNotSaved = "OutputNotSaved";
    }
}
