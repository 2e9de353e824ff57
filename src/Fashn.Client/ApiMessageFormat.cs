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
    /// x-fashn-credits-used). No HTTP is sent here: that is <see cref="FashnApiClient"/>'s.
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
        internal static ApiErrorAnswer ReadErrorAnswer(HttpResponseMessage response, string text, string method, string path)
        {
            var (code, message) = ParseApiError(text, (int)response.StatusCode);
            return new ApiErrorAnswer(code, message, response.StatusCode, method, path, ReadRetryAfter(response));
        }

        private static (string code, string message) ParseApiError(string text, int status)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    var code = ReadString(root, "error");
                    if (code == null && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        code = ReadString(error, "name");
                    }
                    return (code ?? "HttpStatus" + status, ReadString(root, "message") ?? "");
                }
            }
            catch (JsonException)
            {
            }
            return ("HttpStatus" + status, "");
        }

        private static TimeSpan? ReadRetryAfter(HttpResponseMessage response)
        {
            if (response.Headers.TryGetValues("retry-after-ms", out var msValues) &&
                double.TryParse(msValues.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }
            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta is TimeSpan delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            if (retryAfter?.Date is DateTimeOffset date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
            // Some servers send fractional seconds, which the typed header does not parse.
            if (response.Headers.TryGetValues("Retry-After", out var raw) &&
                double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
            return null;
        }

        /// <summary>
        /// A server may advertise its limit as "RateLimit-Policy: 50;w=60" (IETF httpapi draft): the limit and its window,
        /// or null when the answer advertises none.
        /// </summary>
        internal static (int Limit, TimeSpan Window)? ReadRateLimitPolicy(HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("RateLimit-Policy", out var values)) return null;
            var policy = values.FirstOrDefault();
            if (string.IsNullOrEmpty(policy)) return null;
            var parts = policy!.Split(',')[0].Split(';');
            if (!int.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) || limit < 1) return null;
            (int, TimeSpan)? advertised = null;
            foreach (var part in parts.Skip(1))
            {
                var pair = part.Split('=');
                if (pair.Length == 2 && pair[0].Trim() == "w" &&
                    double.TryParse(pair[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    advertised = (limit, TimeSpan.FromSeconds(seconds));
                }
            }
            return advertised;
        }

        /// <summary>The x-fashn-credits-used header of a completed status answer.</summary>
        internal static int? ReadCreditsUsed(HttpResponseMessage response)
        {
            if (response.Headers.TryGetValues("x-fashn-credits-used", out var values) &&
                int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var credits))
            {
                return credits;
            }
            return null;
        }

        internal static string? ReadString(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        private static long ReadLong(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;
    }
}
