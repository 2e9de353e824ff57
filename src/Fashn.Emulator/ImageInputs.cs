using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator
{
    /// <summary>Reads the <c>image</c> input: a data URI with its prefix, or an http(s) URL fetched at processing time.</summary>
    internal static partial class ImageInputs
    {
        [GeneratedRegex(@"^data:image/[A-Za-z0-9.+-]+;base64,", RegexOptions.CultureInvariant)]
        private static partial Regex DataUriPrefix();

        public static bool IsUrl(string image) =>
            image.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || image.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

        /// <summary>Fills the prediction's input fields at submission: decoded bytes for data URIs, the problem otherwise.</summary>
        public static void ReadAtSubmission(Prediction prediction, EmulatorStats stats)
        {
            string image = prediction.Request.Image;
            if (IsUrl(image))
            {
                // URLs are identified by their text; their bytes are known only once fetched.
                prediction.InputKey = Sha256Hex(Encoding.UTF8.GetBytes(image));
                stats.PredictionCreated(prediction.InputKey, 0, null);
                return;
            }

            Match prefix = DataUriPrefix().Match(image);
            if (!prefix.Success)
            {
                prediction.InputProblem = "The image must be a URL or a data URI starting with data:image/<format>;base64, (the prefix is required).";
                prediction.InputKey = Sha256Hex(Encoding.UTF8.GetBytes(image));
                stats.PredictionCreated(prediction.InputKey, 0, null);
                return;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(image.Substring(prefix.Length));
            }
            catch (FormatException)
            {
                prediction.InputProblem = "The data URI does not hold valid base64.";
                prediction.InputKey = Sha256Hex(Encoding.UTF8.GetBytes(image));
                stats.PredictionCreated(prediction.InputKey, 0, null);
                return;
            }

            prediction.InputBytes = bytes;
            prediction.InputKey = Sha256Hex(bytes);
            stats.PredictionCreated(prediction.InputKey, bytes.Length, TryProbe(bytes));
        }

        /// <summary>Returns the input bytes, fetching a URL input; throws <see cref="ImageLoadException"/> on failure.</summary>
        public static async Task<byte[]> LoadAsync(Prediction prediction, HttpClient http, EmulatorOptions options, EmulatorStats stats, CancellationToken cancellationToken)
        {
            if (prediction.InputProblem is string problem)
            {
                throw new ImageLoadException(problem);
            }

            if (prediction.InputBytes is byte[] bytes)
            {
                return bytes;
            }

            var url = new Uri(prediction.Request.Image);
            if (!options.AllowRemoteUrls && !IsLoopbackHost(url.Host))
            {
                throw new ImageLoadException($"The emulator fetches image URLs only from loopback hosts (start it with --allow-remote-urls); host: {url.Host}");
            }

            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                throw new ImageLoadException("The URL could not be fetched: " + exception.Message);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ImageLoadException("Fetching the URL timed out.");
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new ImageLoadException($"The URL answered HTTP {(int)response.StatusCode}.");
                }

                string? mediaType = response.Content.Headers.ContentType?.MediaType;
                if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImageLoadException("The URL's Content-Type is not an image. Content-Type: " + (response.Content.Headers.ContentType?.ToString() ?? "(none)"));
                }

                byte[] fetched = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                stats.InputFetched(prediction.InputKey, fetched.Length, TryProbe(fetched));
                return fetched;
            }
        }

        public static bool IsLoopbackHost(string host)
        {
            string bare = host.Trim('[', ']');
            return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(bare, out IPAddress? address) && IPAddress.IsLoopback(address));
        }

        private static InputImageFacts? TryProbe(byte[] bytes)
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

        public static string Sha256Hex(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }

    /// <summary>The input image could not be loaded; becomes a failed prediction with <c>ImageLoadError</c>.</summary>
    internal sealed class ImageLoadException : Exception
    {
        public ImageLoadException(string message) : base(message)
        {
        }
    }
}
