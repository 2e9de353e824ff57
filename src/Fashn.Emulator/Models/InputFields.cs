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
            string? text = IsGiven(inputs, "output_format", out JsonElement element)
                ? (element.ValueKind == JsonValueKind.String ? element.GetString() : null)
                : "png";
            format = text == "jpeg" ? OutputImageFormat.Jpeg : OutputImageFormat.Png;
            return Check(text is "png" or "jpeg", "inputs.output_format must be 'png' or 'jpeg'.", out problem);
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
