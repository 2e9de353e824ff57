using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Inputs
{
    /// <summary>
    /// Hands the renderer a prediction's input images at processing time: the decoded data URIs, or the image URLs
    /// fetched now (from loopback hosts only, unless remote URLs are allowed).
    /// </summary>
    internal sealed class InputImageLoader
    {
        /// <summary>The largest image a URL may deliver: as large as a run body may be.</summary>
        public const long MaxFetchBytes = 64L * 1024 * 1024;

        /// <summary>How long fetching one URL may take, in the real service's seconds (scaled).</summary>
        public const double FetchSeconds = 30;

        private readonly HttpClient _http;
        private readonly bool _allowRemoteUrls;
        private readonly TimeSpan _fetchTime;
        private readonly EmulatorStats _stats;

        public InputImageLoader(HttpClient http, EmulatorOptions options, EmulatorStats stats)
        {
            _http = http;
            _allowRemoteUrls = options.AllowRemoteUrls;
            _fetchTime = options.Scaled(FetchSeconds);
            _stats = stats;
        }

        /// <summary>The bytes of every image input by field; throws <see cref="ImageLoadException"/> for the first that has none to be had.</summary>
        public async Task<IReadOnlyDictionary<string, byte[]>> LoadAllAsync(Prediction prediction, CancellationToken cancellationToken)
        {
            var images = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (InputImage input in prediction.Images)
            {
                try
                {
                    images[input.Field] = await LoadAsync(prediction, input, cancellationToken);
                }
                catch (ImageLoadException exception) when (exception.Field is null)
                {
                    throw new ImageLoadException(exception.Message, input.Field);
                }
            }

            return images;
        }

        private async Task<byte[]> LoadAsync(Prediction prediction, InputImage input, CancellationToken cancellationToken)
        {
            if (input.Problem is string problem)
            {
                throw new ImageLoadException(problem);
            }

            if (input.Bytes is byte[] bytes)
            {
                return bytes;
            }

            var url = new Uri(input.Source);
            if (!_allowRemoteUrls && !LoopbackHosts.IsLoopback(url.Host))
            {
                throw new ImageLoadException($"The emulator fetches image URLs only from loopback hosts (start it with --allow-remote-urls); host: {url.Host}");
            }

            // A URL that never ends, or stops sending, must not hold the emulator: the fetch is capped in size and time.
            using var fetchTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            fetchTime.CancelAfter(_fetchTime);
            try
            {
                using HttpResponseMessage response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, fetchTime.Token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new ImageLoadException($"The URL answered HTTP {(int)response.StatusCode}.");
                }

                string? mediaType = response.Content.Headers.ContentType?.MediaType;
                if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImageLoadException("The URL's Content-Type is not an image. Content-Type: " + (response.Content.Headers.ContentType?.ToString() ?? "(none)"));
                }

                byte[] fetched = await ReadCappedAsync(response, fetchTime.Token);
                if (input.Field == InputImage.MainField)
                {
                    _stats.InputFetched(prediction.InputKey, fetched.Length, InputImageIntake.Facts(InputImageIntake.TryProbe(fetched)));
                }

                return fetched;
            }
            catch (HttpRequestException exception)
            {
                throw new ImageLoadException("The URL could not be fetched: " + exception.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ImageLoadException($"Fetching the URL timed out after {_fetchTime.TotalSeconds:0.###} s.");
            }
        }

        private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content.Headers.ContentLength > MaxFetchBytes)
            {
                throw TooLarge();
            }

            using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxFetchBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }

        private static ImageLoadException TooLarge() =>
            new($"The URL's image is larger than {MaxFetchBytes / (1024 * 1024)} MiB; it was not fetched further.");
    }

    /// <summary>An input image could not be loaded; becomes a failed prediction with <c>ImageLoadError</c>.</summary>
    internal sealed class ImageLoadException : Exception
    {
        public ImageLoadException(string message, string? field = null) : base(message) => Field = field;

        /// <summary>The input field of the image, once known.</summary>
        public string? Field { get; }
    }
}
