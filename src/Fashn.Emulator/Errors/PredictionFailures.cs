using System.Text.Json.Serialization;
using Fashn.Emulator.Faults;

namespace Fashn.Emulator.Errors
{
    /// <summary>
    /// The runtime errors of a failed prediction (the prediction exists; <c>status: failed</c>, not charged), next to
    /// the API-level errors of <see cref="ApiErrors"/>: each error name and the message it carries.
    /// </summary>
    internal static class PredictionFailures
    {
        public const string ImageLoadError = "ImageLoadError";
        public const string ContentModerationError = "ContentModerationError";
        public const string InputValidationError = "InputValidationError";

        /// <summary>
        /// An input image could not be read, fetched or decoded; <paramref name="reason"/> says why, and
        /// <paramref name="field"/> which input it was when not <c>image</c>.
        /// </summary>
        public static PredictionError ImageLoad(string reason, string? field = null) =>
            new(ImageLoadError, "Error loading input image" + (field is null or "image" ? "" : $" ({field})") + ": " + reason);

        /// <summary>Inputs that do not go together, found only once URL inputs were fetched (e.g. a mask of another size).</summary>
        public static PredictionError InputValidation(string problem) => new(InputValidationError, problem);

        public static PredictionError BlockedWord(string word) =>
            new(ContentModerationError, $"The prompt was rejected by content moderation (blocked word: \"{word}\").");

        /// <summary>A <c>fail:</c> fault: the prediction fails with the name the fault asked for.</summary>
        public static PredictionError Injected(string name) =>
            new(name, $"Injected failure ({FaultInjector.HeaderName}: fail:{name}).");
    }

    /// <summary>The runtime error of a failed prediction: <c>{"name": ..., "message": ...}</c>.</summary>
    internal sealed record PredictionError(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("message")] string Message);
}
