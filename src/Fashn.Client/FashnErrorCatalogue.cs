using System;
using System.Collections.Generic;
using System.Net;

namespace Fashn.Client
{
    /// <summary>
    /// The kind of a failure. The names are those of PowerShell's ErrorCategory, which the cmdlets map them to by
    /// name: the core has no PowerShell types.
    /// </summary>
    public enum FashnErrorCategory
    {
        NotSpecified,
        OpenError,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        InvalidType,
        ObjectNotFound,
        OperationTimeout,
        PermissionDenied,
        ResourceUnavailable,
        ResourceBusy,
        ReadError,
        WriteError,
        ProtocolError,
        ConnectionError,
        AuthenticationError,
        LimitsExceeded,
        QuotaExceeded,
    }

    /// <summary>What a failure means for the rest of a batch.</summary>
    public enum BatchStop
    {
        /// <summary>The failure concerns its input alone; the batch goes on.</summary>
        None,
        /// <summary>No new prediction can start (no credits); those already running are paid for and still collected.</summary>
        NewPredictions,
        /// <summary>Nothing more can succeed (no key, key refused): everything stops.</summary>
        Everything,
    }

    /// <summary>
    /// The one list of error codes and what each means: its category, what to do about it, whether it stops the batch
    /// and whether FASHN advises trying again. The failures the service names are made into exceptions here too.
    /// </summary>
    public static class FashnErrorCatalogue
    {
        private enum Origin { Client, Api, Prediction }

        private sealed class Entry
        {
            public Entry(Origin origin, FashnErrorCategory category, Func<AdviceContext, string>? advice = null,
                BatchStop batchStop = BatchStop.None, bool retryAdvised = false)
            {
                Origin = origin;
                Category = category;
                Advice = advice;
                BatchStop = batchStop;
                RetryAdvised = retryAdvised;
            }

            public Origin Origin { get; }
            public FashnErrorCategory Category { get; }
            public Func<AdviceContext, string>? Advice { get; }
            public BatchStop BatchStop { get; }
            public bool RetryAdvised { get; }
        }

        /// <summary>What the advice may depend on.</summary>
        private sealed class AdviceContext
        {
            public AdviceContext(int? attempts, bool aboutPrediction, HttpStatusCode? status)
            {
                Attempts = attempts;
                AboutPrediction = aboutPrediction;
                Status = status;
            }

            public int? Attempts { get; }
            public bool AboutPrediction { get; }
            public HttpStatusCode? Status { get; }
        }

        private static readonly Entry Unknown = new Entry(Origin.Client, FashnErrorCategory.NotSpecified, KeptFailing);

        private static readonly Dictionary<string, Entry> Entries = new Dictionary<string, Entry>(StringComparer.Ordinal)
        {
            // The client's own codes: their messages say what to do.
            [FashnErrorCodes.InvalidInputImage] = new Entry(Origin.Client, FashnErrorCategory.InvalidData),
            [FashnErrorCodes.InputNotReadable] = new Entry(Origin.Client, FashnErrorCategory.ReadError),
            [FashnErrorCodes.InvalidArgument] = new Entry(Origin.Client, FashnErrorCategory.InvalidArgument),
            [FashnErrorCodes.MissingApiKey] = new Entry(Origin.Client, FashnErrorCategory.AuthenticationError, batchStop: BatchStop.Everything),
            [FashnErrorCodes.JournalNotOpened] = new Entry(Origin.Client, FashnErrorCategory.OpenError),
            [FashnErrorCodes.JournalNotWritten] = new Entry(Origin.Client, FashnErrorCategory.WriteError),
            [FashnErrorCodes.JournalBusy] = new Entry(Origin.Client, FashnErrorCategory.ResourceBusy),
            [FashnErrorCodes.SubmissionOutcomeUnknown] = new Entry(Origin.Client, FashnErrorCategory.OperationTimeout),
            [FashnErrorCodes.ServiceUnavailable] = new Entry(Origin.Client, FashnErrorCategory.ConnectionError),
            [FashnErrorCodes.UnexpectedResponse] = new Entry(Origin.Client, FashnErrorCategory.ProtocolError),
            [FashnErrorCodes.PollingTimeout] = new Entry(Origin.Client, FashnErrorCategory.OperationTimeout),
            // The places stay held for the inputs after it too: they are not sent, rather than each waiting as long again.
            [FashnErrorCodes.KeyPlacesHeld] = new Entry(Origin.Client, FashnErrorCategory.LimitsExceeded, batchStop: BatchStop.NewPredictions),
            [FashnErrorCodes.OutputExpired] = new Entry(Origin.Client, FashnErrorCategory.ResourceUnavailable),
            [FashnErrorCodes.OutputNotSaved] = new Entry(Origin.Client, FashnErrorCategory.WriteError),
            [FashnErrorCodes.PredictionNotFinished] = new Entry(Origin.Client, FashnErrorCategory.InvalidOperation),
            [FashnErrorCodes.PredictionFailed] = new Entry(Origin.Client, FashnErrorCategory.NotSpecified),
            [FashnErrorCodes.UnexpectedError] = new Entry(Origin.Client, FashnErrorCategory.NotSpecified),
            // No prediction of a retired model can start: the rest of the batch is not sent to be refused the same way.
            [FashnErrorCodes.ModelDiscontinued] = new Entry(Origin.Client, FashnErrorCategory.InvalidArgument, batchStop: BatchStop.NewPredictions),

            // The API's error answers.
            [FashnErrorCodes.BadRequest] = new Entry(Origin.Api, FashnErrorCategory.InvalidArgument, _ => "Check the inputs."),
            [FashnErrorCodes.UnauthorizedAccess] = new Entry(Origin.Api, FashnErrorCategory.AuthenticationError,
                _ => "Check the API key (-ApiKey or FASHN_API_KEY).", BatchStop.Everything),
            [FashnErrorCodes.NotFound] = new Entry(Origin.Api, FashnErrorCategory.ObjectNotFound,
                c => c.AboutPrediction ? "The prediction id is unknown or no longer tracked by FASHN." : "Check the base URI."),
            [FashnErrorCodes.RateLimitExceeded] = new Entry(Origin.Api, FashnErrorCategory.LimitsExceeded, LimitStillHit),
            [FashnErrorCodes.ConcurrencyLimitExceeded] = new Entry(Origin.Api, FashnErrorCategory.LimitsExceeded, LimitStillHit),
            [FashnErrorCodes.OutOfCredits] = new Entry(Origin.Api, FashnErrorCategory.QuotaExceeded,
                _ => "Buy credits on fashn.ai, then run the command again; the batch was stopped.", BatchStop.NewPredictions),
            [FashnErrorCodes.InternalServerError] = new Entry(Origin.Api, FashnErrorCategory.NotSpecified, KeptFailing),

            // The runtime errors of a failed prediction (failed predictions are not billed).
            [FashnErrorCodes.ImageLoadError] = new Entry(Origin.Prediction, FashnErrorCategory.InvalidData,
                _ => "Check that the input is a JPEG, PNG or WebP image (a URL must be public and answer with an image content type)."),
            [FashnErrorCodes.ContentModerationError] = new Entry(Origin.Prediction, FashnErrorCategory.PermissionDenied,
                _ => "Use a different image or prompt."),
            [FashnErrorCodes.InputValidationError] = new Entry(Origin.Prediction, FashnErrorCategory.InvalidArgument,
                _ => "Check the prompt, seed and output format."),
            [FashnErrorCodes.UnavailableError] = new Entry(Origin.Prediction, FashnErrorCategory.ResourceUnavailable, RetryAdvice, retryAdvised: true),
            [FashnErrorCodes.PipelineError] = new Entry(Origin.Prediction, FashnErrorCategory.NotSpecified, RetryAdvice, retryAdvised: true),
            [FashnErrorCodes.ThirdPartyError] = new Entry(Origin.Prediction, FashnErrorCategory.NotSpecified,
                _ => "A service FASHN depends on failed; run the command again later."),
        };

        public static FashnErrorCategory CategoryOf(string errorCode) => Find(errorCode).Category;

        public static BatchStop BatchStopFor(string errorCode) => Find(errorCode).BatchStop;

        /// <summary>True for the runtime errors FASHN advises submitting again (failed predictions are not billed).</summary>
        public static bool IsRetryAdvised(string errorName) => Find(errorName).RetryAdvised;

        /// <summary>
        /// What to do about a prediction that failed at the service with <paramref name="errorName"/>; "" for a name that
        /// is not one of FASHN's runtime errors. <paramref name="attempts"/> (when known) says how often it was tried.
        /// </summary>
        public static string PredictionFailureAdvice(string? errorName, int? attempts = null)
        {
            var entry = errorName != null ? Find(errorName) : Unknown;
            return entry.Origin == Origin.Prediction ? Advise(entry, new AdviceContext(attempts, true, null)) : "";
        }

        /// <summary>
        /// The failure for an HTTP error answer of the API after <paramref name="attempts"/> tries, its message ending with
        /// what to do; <paramref name="note"/> is said after the service's own message.
        /// </summary>
        internal static FashnException ForApiAnswer(ApiErrorAnswer answer, string? predictionId, int attempts, string? note = null)
        {
            var advice = Advise(Find(answer.Code), new AdviceContext(attempts, predictionId != null, answer.Status));
            var said = note == null ? answer.Message : answer.Message + " " + note;
            var text = $"FASHN answered {answer.Method} {answer.Path} with HTTP {(int)answer.Status} {answer.Code}" +
                       (string.IsNullOrEmpty(said) ? "." : ": " + said.TrimEnd('.') + ".");
            if (advice.Length > 0) text += " " + advice;
            return new FashnException(answer.Code, text, answer.Status, predictionId) { Answer = answer };
        }

        /// <summary>
        /// Above this many bytes of inline images a run body is larger than FASHN's advice (2000 px JPEG at quality 95)
        /// makes, so a 500 answer to it is most likely the size.
        /// </summary>
        internal const long LargeRunBodyBytes = 4_000_000;

        /// <summary>The failure for a 500 answer to a run whose body held more than <see cref="LargeRunBodyBytes"/> of images.</summary>
        internal static FashnException ForLargeRunRefused(ApiErrorAnswer answer, long inlineBytes)
        {
            var said = string.IsNullOrEmpty(answer.Message) ? "." : ": " + answer.Message.TrimEnd('.') + ".";
            var text = $"FASHN answered {answer.Method} {answer.Path} with HTTP {(int)answer.Status} {answer.Code}{said} The request carried " +
                       $"{inlineBytes / 1e6:0.0} MB of images, and FASHN names oversized payloads as the most common cause of HTTP 500. " +
                       "Send less: leave out -NoResize, choose a lower -Resolution (2k or 1k), or give -ImageContext as a URL.";
            return new FashnException(answer.Code, text, answer.Status) { Answer = answer };
        }

        /// <summary>No place of the key came free on this machine within <paramref name="waited"/>: other processes held all of them.</summary>
        internal static FashnException ForMachinePlacesHeld(int places, TimeSpan waited) =>
            new FashnException(FashnErrorCodes.KeyPlacesHeld,
                $"All {places} places of this API key were held by other PowerShell processes of yours on this machine for " +
                (waited.TotalMinutes >= 1 ? $"{waited.TotalMinutes:0.#} min" : $"{waited.TotalSeconds:0.#} s") + ", so neither this input nor the ones after it were sent. Let " +
                "their batches finish (or stop one that hangs), then run the command again.");

        /// <summary>The failure for a prediction that ended with a runtime error (or without completing).</summary>
        internal static FashnException ForFailedPrediction(PredictionError error, string predictionId, int attempts)
        {
            var advice = PredictionFailureAdvice(error.Name, attempts);
            var message = string.IsNullOrEmpty(error.Message) ? "" : ": " + error.Message.TrimEnd('.') + ".";
            return new FashnException(error.Name,
                $"Prediction {predictionId} failed with {error.Name}{message}" + (advice.Length > 0 ? " " + advice : "") + " Failed predictions are not billed.",
                predictionId: predictionId);
        }

        private static Entry Find(string code) => Entries.TryGetValue(code, out var entry) ? entry : Unknown;

        private static string Advise(Entry entry, AdviceContext context) => entry.Advice?.Invoke(context) ?? "";

        private static string LimitStillHit(AdviceContext c) => $"The service's limit was still hit after {c.Attempts} attempts; run the command again later.";

        private static string KeptFailing(AdviceContext c) =>
            c.Status >= HttpStatusCode.InternalServerError ? $"The service kept failing after {c.Attempts} attempts; run the command again later." : "";

        private static string RetryAdvice(AdviceContext c) =>
            "FASHN advises retrying" + (c.Attempts.HasValue ? $"; it was tried {c.Attempts} time(s)" : "") + ". Run the command again later.";
    }
}
