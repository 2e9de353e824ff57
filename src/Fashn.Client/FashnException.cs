using System;
using System.Net;

namespace Fashn.Client
{
    /// <summary>
    /// Every failure the client reports. <see cref="ErrorCode"/> is one of <see cref="FashnErrorCodes"/>: the FASHN
    /// error code or runtime error name when the service gave one (an unknown name is kept as it is), otherwise one
    /// of the client's own codes. <see cref="FashnErrorCatalogue"/> says what each code means. Messages never contain the API key.
    /// </summary>
    public class FashnException : Exception
    {
        private readonly FashnErrorCategory? _category;

        /// <param name="category">Only where this failure differs from its code's usual kind (a missing file is ObjectNotFound).</param>
        public FashnException(string errorCode, string message, HttpStatusCode? httpStatus = null,
            string? predictionId = null, Exception? innerException = null, FashnErrorCategory? category = null)
            : base(message, innerException)
        {
            ErrorCode = errorCode;
            HttpStatus = httpStatus;
            PredictionId = predictionId;
            _category = category;
        }

        public string ErrorCode { get; }

        public HttpStatusCode? HttpStatus { get; }

        public string? PredictionId { get; }

        /// <summary>The kind of failure: the catalogue's for the code, unless this one was given its own.</summary>
        public FashnErrorCategory Category => _category ?? FashnErrorCatalogue.CategoryOf(ErrorCode);

        /// <summary>Whether and how this failure stops the whole batch.</summary>
        public BatchStop BatchStop => FashnErrorCatalogue.BatchStopFor(ErrorCode);

        /// <summary>The API's error answer, when the failure is one.</summary>
        internal ApiErrorAnswer? Answer { get; set; }
    }

    /// <summary>
    /// Every error code the module reports; the error id of its ErrorRecords is "Fashn." + the code. One flat list
    /// (about_FashnBackground documents each one, and a test checks that it does).
    /// </summary>
    public static class FashnErrorCodes
    {
        // The client's own codes, for failures the service did not name.
        /// <summary>A local input file is empty, truncated, not an image, or in a format the service does not take.</summary>
        public const string InvalidInputImage = "InvalidInputImage";
        /// <summary>A local input file or folder could not be read.</summary>
        public const string InputNotReadable = "InputNotReadable";
        /// <summary>An argument is out of range or malformed (seed, prompt, URL, data URI).</summary>
        public const string InvalidArgument = "InvalidArgument";
        /// <summary>No API key was given and FASHN_API_KEY is not set.</summary>
        public const string MissingApiKey = "MissingApiKey";
        /// <summary>The journal of started predictions could not be opened.</summary>
        public const string JournalNotOpened = "JournalNotOpened";
        /// <summary>A prediction was started but the journal could not record it; the error names its id to collect.</summary>
        public const string JournalNotWritten = "JournalNotWritten";
        /// <summary>Another command on the same journal kept the input's claim for too long; nothing was sent for it.</summary>
        public const string JournalBusy = "JournalBusy";
        /// <summary>The user's other processes on this machine held every place of the key for longer than a command waits; nothing was sent.</summary>
        public const string KeyPlacesHeld = "KeyPlacesHeld";
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
        /// <summary>Save-FashnOutput got a prediction that has not finished, so it has no output yet.</summary>
        public const string PredictionNotFinished = "PredictionNotFinished";
        /// <summary>Save-FashnOutput got a failed prediction that names no error.</summary>
        public const string PredictionFailed = "PredictionFailed";
        /// <summary>FASHN refused background-change as a model it no longer offers; edit is its successor.</summary>
        public const string ModelDiscontinued = "ModelDiscontinued";
        /// <summary>A failure the module did not expect (not a FashnException).</summary>
        public const string UnexpectedError = "UnexpectedError";

        // The API's error codes (the "error" of an HTTP error answer).
        public const string BadRequest = "BadRequest";
        public const string UnauthorizedAccess = "UnauthorizedAccess";
        public const string NotFound = "NotFound";
        public const string RateLimitExceeded = "RateLimitExceeded";
        public const string ConcurrencyLimitExceeded = "ConcurrencyLimitExceeded";
        public const string OutOfCredits = "OutOfCredits";
        public const string InternalServerError = "InternalServerError";

        // The runtime error names of a failed prediction (its "error.name").
        public const string ImageLoadError = "ImageLoadError";
        public const string ContentModerationError = "ContentModerationError";
        public const string InputValidationError = "InputValidationError";
        public const string UnavailableError = "UnavailableError";
        public const string PipelineError = "PipelineError";
        public const string ThirdPartyError = "ThirdPartyError";
    }
}
