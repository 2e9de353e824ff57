using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Inputs
{
    /// <summary>
    /// Hands the renderer a prediction's input bytes at processing time: the decoded data URI, or the image URL
    /// fetched now (from loopback hosts only, unless remote URLs are allowed).
    /// </summary>
    internal sealed class InputImageLoader
    {
        private readonly HttpClient _http;
        private readonly bool _allowRemoteUrls;
        private readonly EmulatorStats _stats;

        public InputImageLoader(HttpClient http, bool allowRemoteUrls, EmulatorStats stats)
        {
            _http = http;
            _allowRemoteUrls = allowRemoteUrls;
            _stats = stats;
        }

        /// <summary>Returns the input bytes; throws <see cref="ImageLoadException"/> when there are none to be had.</summary>
        public async Task<byte[]> LoadAsync(Prediction prediction, CancellationToken cancellationToken)
        {
            if (prediction.InputProblem is string problem)
            {
                throw new ImageLoadException(problem);
            }

            if (prediction.InputBytes is byte[] bytes)
            {
                return bytes;
            }

            var url = new Uri(prediction.Inputs.Image);
            if (!_allowRemoteUrls && !LoopbackHosts.IsLoopback(url.Host))
            {
                throw new ImageLoadException($"The emulator fetches image URLs only from loopback hosts (start it with --allow-remote-urls); host: {url.Host}");
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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
                _stats.InputFetched(prediction.InputKey, fetched.Length, InputImageIntake.TryProbe(fetched));
                return fetched;
            }
        }
    }

    /// <summary>The input image could not be loaded; becomes a failed prediction with <c>ImageLoadError</c>.</summary>
    internal sealed class ImageLoadException : Exception
    {
        public ImageLoadException(string message) : base(message)
        {
        }
    }
}
