using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Fashn.Emulator.Imaging;

namespace Fashn.Emulator.Models
{
    /// <summary>
    /// Readers of the input fields that models share (the spec's edit takes image, prompt, seed, output_format and
    /// return_base64 "as for background-change"). Each returns false with the message of the 400 BadRequest.
    /// </summary>
    internal static class InputFields
    {
        private const long DefaultSeed = 42;
        private const long MaxSeed = uint.MaxValue;

        /// <summary>The inputs every model takes: image, prompt, seed, output_format and return_base64.</summary>
        public static bool TryReadShared(JsonElement inputs, [NotNullWhen(true)] out PredictionInputs? shared, out string problem)
        {
            shared = null;
            if (!TryReadImage(inputs, out string image, out problem)
                || !TryReadPrompt(inputs, out string prompt, out problem)
                || !TryReadSeed(inputs, out long seed, out problem)
                || !TryReadOutputFormat(inputs, out OutputImageFormat format, out problem)
                || !TryReadReturnBase64(inputs, out bool returnBase64, out problem))
            {
                return false;
            }

            shared = new PredictionInputs(image, prompt, seed, format, returnBase64);
            return true;
        }

        public static bool TryReadImage(JsonElement inputs, out string image, out string problem)
        {
            image = inputs.TryGetProperty("image", out JsonElement element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : "";
            return Check(image.Length > 0, "inputs.image is required (a URL or a data URI).", out problem);
        }

        public static bool TryReadPrompt(JsonElement inputs, out string prompt, out string problem)
        {
            bool given = inputs.TryGetProperty("prompt", out JsonElement element) && element.ValueKind == JsonValueKind.String;
            prompt = given ? element.GetString()! : "";
            return Check(given, "inputs.prompt is required.", out problem);
        }

        public static bool TryReadSeed(JsonElement inputs, out long seed, out string problem)
        {
            seed = DefaultSeed;
            bool valid = !IsGiven(inputs, "seed", out JsonElement element)
                || (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out seed) && seed is >= 0 and <= MaxSeed);
            return Check(valid, "inputs.seed must be an integer from 0 to 4294967295.", out problem);
        }

        public static bool TryReadOutputFormat(JsonElement inputs, out OutputImageFormat format, out string problem)
        {
            bool valid = TryReadChoice(inputs, "output_format", new[] { "png", "jpeg" }, out string text, out problem);
            format = text == "jpeg" ? OutputImageFormat.Jpeg : OutputImageFormat.Png;
            return valid;
        }

        /// <summary>An optional text field that must be one of <paramref name="choices"/>; absent or null takes the first.</summary>
        public static bool TryReadChoice(JsonElement inputs, string name, string[] choices, out string value, out string problem)
        {
            string? text = IsGiven(inputs, name, out JsonElement element)
                ? (element.ValueKind == JsonValueKind.String ? element.GetString() : null)
                : choices[0];
            value = text is not null && choices.Contains(text) ? text : choices[0];
            string listed = string.Join(", ", choices[..^1].Select(choice => $"'{choice}'")) + $" or '{choices[^1]}'";
            return Check(text is not null && choices.Contains(text), $"inputs.{name} must be {listed}.", out problem);
        }

        /// <summary>An optional further image (a URL or a data URI); null when absent.</summary>
        public static bool TryReadOptionalImage(JsonElement inputs, string name, out string? image, out string problem)
        {
            bool given = IsGiven(inputs, name, out JsonElement element);
            image = given && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            return Check(!given || image is { Length: > 0 }, $"inputs.{name} must be a URL or a data URI.", out problem);
        }

        /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>; absent or null takes <paramref name="min"/>.</summary>
        public static bool TryReadCount(JsonElement inputs, string name, int min, int max, out int count, out string problem)
        {
            count = min;
            bool valid = !IsGiven(inputs, name, out JsonElement element)
                || (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out count) && count >= min && count <= max);
            if (!valid)
            {
                count = min;
            }

            return Check(valid, $"inputs.{name} must be an integer from {min} to {max}.", out problem);
        }

        public static bool TryReadReturnBase64(JsonElement inputs, out bool returnBase64, out string problem)
        {
            bool given = IsGiven(inputs, "return_base64", out JsonElement element);
            returnBase64 = given && element.ValueKind == JsonValueKind.True;
            return Check(!given || element.ValueKind is JsonValueKind.True or JsonValueKind.False, "inputs.return_base64 must be true or false.", out problem);
        }

        /// <summary>An optional field that is there and not null (absent or null takes the default).</summary>
        private static bool IsGiven(JsonElement inputs, string name, out JsonElement element) =>
            inputs.TryGetProperty(name, out element) && element.ValueKind != JsonValueKind.Null;

        private static bool Check(bool valid, string problemIfNot, out string problem)
        {
            problem = valid ? "" : problemIfNot;
            return valid;
        }
    }
}
