using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Inputs
{
    /// <summary>
    /// Reads a prediction's image inputs when it is created: a data URI (its prefix is required) is decoded and probed at
    /// once, a URL waits to be fetched at processing time. The <c>image</c> input is keyed and counted in the stats.
    /// </summary>
    internal static partial class InputImageIntake
    {
        [GeneratedRegex(@"^data:image/[A-Za-z0-9.+-]+;base64,", RegexOptions.CultureInvariant)]
        private static partial Regex DataUriPrefix();

        public static bool IsUrl(string image) =>
            image.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || image.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

        /// <summary>Decodes every image input: bytes and their format and size for a data URI, the problem of one that cannot be read.</summary>
        public static void Decode(Prediction prediction)
        {
            foreach (InputImage input in prediction.Images)
            {
                (input.Bytes, input.Problem) = Decode(input.Source);
                input.Info = input.Bytes is null ? null : TryProbe(input.Bytes);
            }

            // A URL, or a data URI that cannot be decoded, is identified by its text.
            InputImage main = prediction.Image;
            prediction.InputKey = Sha256Hex(main.Bytes ?? Encoding.UTF8.GetBytes(main.Source));
        }

        /// <summary>Counts the created prediction under its <c>image</c> input.</summary>
        public static void Count(Prediction prediction, EmulatorStats stats)
        {
            InputImage main = prediction.Image;
            stats.PredictionCreated(prediction.InputKey, main.Bytes?.Length ?? 0, Facts(main.Info));
        }

        /// <summary>Format and size of an image, or null when the bytes are not one the renderer reads.</summary>
        public static InputImageInfo? TryProbe(byte[] bytes)
        {
            try
            {
                return BackgroundChanger.Probe(bytes);
            }
            catch (InvalidImageException)
            {
                return null;
            }
        }

        /// <summary>What the stats keep of an image's format and size.</summary>
        public static InputImageFacts? Facts(InputImageInfo? info) => info is null ? null : new InputImageFacts(info.Format, info.Width, info.Height);

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
