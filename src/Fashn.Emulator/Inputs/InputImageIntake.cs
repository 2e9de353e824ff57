using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Inputs
{
    /// <summary>
    /// Reads the <c>image</c> input when a prediction is created: a data URI (its prefix is required) is decoded at
    /// once, a URL waits to be fetched at processing time. Either way the input is keyed and counted in the stats.
    /// </summary>
    internal static partial class InputImageIntake
    {
        [GeneratedRegex(@"^data:image/[A-Za-z0-9.+-]+;base64,", RegexOptions.CultureInvariant)]
        private static partial Regex DataUriPrefix();

        public static bool IsUrl(string image) =>
            image.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || image.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

        /// <summary>Fills the prediction's input fields: decoded bytes for a data URI, the problem of one that cannot be read.</summary>
        public static void Read(Prediction prediction, EmulatorStats stats)
        {
            string image = prediction.Inputs.Image;
            (byte[]? bytes, string? problem) = Decode(image);
            prediction.InputBytes = bytes;
            prediction.InputProblem = problem;
            // A URL, or a data URI that cannot be decoded, is identified by its text.
            prediction.InputKey = Sha256Hex(bytes ?? Encoding.UTF8.GetBytes(image));
            stats.PredictionCreated(prediction.InputKey, bytes?.Length ?? 0, bytes is null ? null : TryProbe(bytes));
        }

        /// <summary>Format and size of an image, or null when the bytes are not one the renderer reads.</summary>
        public static InputImageFacts? TryProbe(byte[] bytes)
        {
            try
            {
                InputImageInfo info = BackgroundChanger.Probe(bytes);
                return new InputImageFacts(info.Format, info.Width, info.Height);
            }
            catch (InvalidImageException)
            {
                return null;
            }
        }

        private static (byte[]? Bytes, string? Problem) Decode(string image)
        {
            if (IsUrl(image))
            {
                // Its bytes are known only once fetched.
                return (null, null);
            }

            Match prefix = DataUriPrefix().Match(image);
            if (!prefix.Success)
            {
                return (null, "The image must be a URL or a data URI starting with data:image/<format>;base64, (the prefix is required).");
            }

            try
            {
                return (Convert.FromBase64String(image.Substring(prefix.Length)), null);
            }
            catch (FormatException)
            {
                return (null, "The data URI does not hold valid base64.");
            }
        }

        private static string Sha256Hex(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }
}
