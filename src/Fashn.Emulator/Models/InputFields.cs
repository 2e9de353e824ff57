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
            image = "";
            if (!inputs.TryGetProperty("image", out JsonElement element) || element.ValueKind != JsonValueKind.String || element.GetString()!.Length == 0)
            {
                problem = "inputs.image is required (a URL or a data URI).";
                return false;
            }

            image = element.GetString()!;
            problem = "";
            return true;
        }

        public static bool TryReadPrompt(JsonElement inputs, out string prompt, out string problem)
        {
            prompt = "";
            if (!inputs.TryGetProperty("prompt", out JsonElement element) || element.ValueKind != JsonValueKind.String)
            {
                problem = "inputs.prompt is required.";
                return false;
            }

            prompt = element.GetString()!;
            problem = "";
            return true;
        }

        public static bool TryReadSeed(JsonElement inputs, out long seed, out string problem)
        {
            seed = DefaultSeed;
            problem = "";
            if (!inputs.TryGetProperty("seed", out JsonElement element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out seed) || seed < 0 || seed > MaxSeed)
            {
                problem = "inputs.seed must be an integer from 0 to 4294967295.";
                return false;
            }

            return true;
        }

        public static bool TryReadOutputFormat(JsonElement inputs, out OutputImageFormat format, out string problem)
        {
            format = OutputImageFormat.Png;
            problem = "";
            if (!inputs.TryGetProperty("output_format", out JsonElement element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            switch (element.ValueKind == JsonValueKind.String ? element.GetString() : null)
            {
                case "png":
                    return true;
                case "jpeg":
                    format = OutputImageFormat.Jpeg;
                    return true;
                default:
                    problem = "inputs.output_format must be 'png' or 'jpeg'.";
                    return false;
            }
        }

        public static bool TryReadReturnBase64(JsonElement inputs, out bool returnBase64, out string problem)
        {
            returnBase64 = false;
            problem = "";
            if (!inputs.TryGetProperty("return_base64", out JsonElement element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = "inputs.return_base64 must be true or false.";
                return false;
            }

            returnBase64 = element.GetBoolean();
            return true;
        }
    }
}
