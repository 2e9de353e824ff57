using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;

namespace Fashn.Client
{
    /// <summary>
    /// How the API's messages are written and read (docs: /v1/run, /v1/status, /v1/credits): the run body, the status,
    /// credits and error answers, and the headers that come with them (Retry-After, RateLimit-Policy,
    /// x-fashn-credits-used). No HTTP is sent here: that is <see cref="FashnApiClient"/>'s. The headers are read as
    /// hints within sane bounds: a server (or anything between it and the client) controls them, so a value that is
    /// negative, not finite, absurdly large or in the past is ignored, and why is kept as a note for -Verbose.
    /// </summary>
    internal static class ApiMessageFormat
    {
        /// <summary>
        /// The JSON body as UTF-8 bytes: one copy of the (possibly megabytes of) image data, not several strings.
        /// The relaxed encoder writes base64's '+' as it is instead of "\u002B" (7-8 % fewer bytes); the body is not
        /// embedded in HTML, where that escaping would matter.
        /// </summary>
        internal static byte[] WriteRunBody(RunRequest request)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("model_name", request.ModelName);
                writer.WriteStartObject("inputs");
                writer.WriteString("image", request.Image);
                writer.WriteString("prompt", request.Prompt);
                if (request.ImageContext != null) writer.WriteString("image_context", request.ImageContext);
                if (request.Resolution != null) writer.WriteString("resolution", request.Resolution);
                if (request.GenerationMode != null) writer.WriteString("generation_mode", request.GenerationMode);
                if (request.NumImages.HasValue) writer.WriteNumber("num_images", request.NumImages.Value);
                if (request.Seed.HasValue) writer.WriteNumber("seed", request.Seed.Value);
                if (request.OutputFormat != null) writer.WriteString("output_format", request.OutputFormat);
                if (request.ReturnBase64) writer.WriteBoolean("return_base64", true);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            return stream.ToArray();
        }

        /// <summary>A status answer (GET /v1/status/{id}).</summary>
        internal static PredictionStatus ReadStatus(JsonElement root, string requestedId, int? creditsUsed)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FashnException(FashnErrorCodes.UnexpectedResponse, "FASHN's status answer is not a JSON object.", predictionId: requestedId);
            }
            var id = ReadString(root, "id") ?? requestedId;
            var status = ReadString(root, "status");
            if (string.IsNullOrEmpty(status))
            {
                throw new FashnException(FashnErrorCodes.UnexpectedResponse, $"FASHN's status answer for prediction {id} holds no status.", predictionId: id);
            }
            var outputs = new List<string>();
            if (root.TryGetProperty("output", out var output))
            {
                if (output.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in output.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String) outputs.Add(item.GetString()!);
                    }
                }
                else if (output.ValueKind == JsonValueKind.String)
                {
                    outputs.Add(output.GetString()!);
                }
            }
            PredictionError? error = null;
            if (root.TryGetProperty("error", out var errorElement))
            {
                if (errorElement.ValueKind == JsonValueKind.Object)
                {
                    error = new PredictionError(ReadString(errorElement, "name") ?? "UnknownError", ReadString(errorElement, "message") ?? "");
                }
                else if (errorElement.ValueKind == JsonValueKind.String)
                {
                    error = new PredictionError(errorElement.GetString()!, ReadString(root, "message") ?? "");
                }
            }
            return new PredictionStatus(id, status!, outputs, error, creditsUsed);
        }

        /// <summary>A credits answer (GET /v1/credits).</summary>
        internal static CreditsBalance ReadCredits(JsonElement root, HttpStatusCode statusCode)
        {
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("credits", out var credits) || credits.ValueKind != JsonValueKind.Object)
            {
                throw new FashnException(FashnErrorCodes.UnexpectedResponse, "FASHN's credits answer holds no 'credits' object.", statusCode);
            }
            return new CreditsBalance(ReadLong(credits, "total"), ReadLong(credits, "subscription"), ReadLong(credits, "on_demand"));
        }

        /// <summary>An answer outside 2xx: its error code (or HttpStatus&lt;n&gt;), message and the wait it asks for.</summary>
        internal static ApiErrorAnswer ReadErrorAnswer(HttpResponseMessage response, string text, string method, string path, ICollection<string> notes)
        {
            var (code, message, fromService) = ParseApiError(text, (int)response.StatusCode);
            return new ApiErrorAnswer(code, message, response.StatusCode, method, path, ReadRetryAfter(response, notes), fromService);
        }

        private static (string code, string message, bool fromService) ParseApiError(string text, int status)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    var code = ReadString(root, "error");
                    var fromService = !string.IsNullOrEmpty(code);
                    if (code == null && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        code = ReadString(error, "name");
                    }
                    return (code ?? "HttpStatus" + status, ReadString(root, "message") ?? "", fromService);
                }
            }
            catch (JsonException)
            {
            }
            return ("HttpStatus" + status, "", false);
        }

        /// <summary>No header is taken to mean a longer delay than this; beyond it a value is nonsense, not a request.</summary>
        internal static readonly TimeSpan LongestPlausibleDelay = TimeSpan.FromDays(1);

        // A window shorter than this cannot be kept by any clock; a limit above this means none.
        private static readonly TimeSpan ShortestWindow = TimeSpan.FromMilliseconds(1);
        private const int LargestLimit = 1_000_000;

        /// <summary>
        /// The delay asked for by <c>retry-after-ms</c> (read first, as FASHN's SDKs do) or <c>Retry-After</c> (seconds
        /// or an HTTP date), or null when neither holds a usable one; <paramref name="notes"/> gets why a value was ignored.
        /// </summary>
        private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, ICollection<string> notes)
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
        internal static (int Limit, TimeSpan Window)? ReadRateLimitPolicy(HttpResponseMessage response, TimeSpan longestWindow, ICollection<string> notes)
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
        internal static int? ReadCreditsUsed(HttpResponseMessage response) =>
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

        internal static string? ReadString(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        private static long ReadLong(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;
    }
}
