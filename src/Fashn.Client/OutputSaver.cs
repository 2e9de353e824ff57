using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Writes prediction outputs to disk: a CDN URL is streamed, a data URI decoded. Either way the bytes go to a
    /// temporary file in the destination folder, renamed into place only when complete, so no half-written file
    /// is ever left under the final name.
    /// </summary>
    public sealed class OutputSaver
    {
        public const string FashnCdnHost = "cdn.fashn.ai";
        private const string TemporarySuffix = ".partial";

        /// <summary>The largest output file accepted, downloaded or decoded from a data URI (a 4k PNG is about 40 MB).</summary>
        public const long DefaultMaxBytes = 100L * 1024 * 1024;

        // Downloads never carry the API key, and do not follow redirects to hosts that were not checked.
        private static readonly Lazy<HttpClient> SharedDownloadHttp = new Lazy<HttpClient>(() =>
            new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan });

        private readonly HttpClient _http;
        private readonly Uri? _baseUri;
        private readonly long _maxBytes;
        private readonly TimeSpan _timeout;

        /// <param name="baseUri">The API base URI: its host may serve outputs too (the local emulator does).</param>
        public OutputSaver(Uri? baseUri, long maxBytes, TimeSpan timeout, HttpMessageHandler? handler = null)
        {
            _baseUri = baseUri;
            _maxBytes = maxBytes;
            _timeout = timeout;
            _http = handler != null ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan } : SharedDownloadHttp.Value;
        }

        /// <summary>Retries of one download after a broken connection, a timeout or a transient answer (408, 429, 5xx).</summary>
        public int MaxRetries { get; set; } = 3;

        /// <summary>The first wait before a retry; it doubles per retry up to three times this, with jitter.</summary>
        public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Told of every download (its URL without the query, the status, the time), for -Verbose; never the key, which downloads do not carry.</summary>
        public Action<RequestLogEntry>? RequestLog { get; set; }

        /// <summary>".png" or ".jpg", from the data URI's type or the URL's path; png when nothing says.</summary>
        public static string GetExtension(string output)
        {
            if (output.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                return output.StartsWith("data:image/jpeg", StringComparison.OrdinalIgnoreCase) ||
                       output.StartsWith("data:image/jpg", StringComparison.OrdinalIgnoreCase) ? ".jpg" : ".png";
            }
            if (Uri.TryCreate(output, UriKind.Absolute, out var uri))
            {
                var extension = Path.GetExtension(uri.AbsolutePath).ToLowerInvariant();
                if (extension == ".jpg" || extension == ".jpeg") return ".jpg";
                if (extension == ".webp") return ".webp";
            }
            return ".png";
        }

        /// <summary>
        /// Keeps letters, digits, '-', '_' and '.', replacing anything else, so that server text (an id) can never name
        /// a path outside the destination.
        /// </summary>
        public static string ToSafeFileName(string text)
        {
            var chars = text.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) chars[i] = '_';
            }
            var safe = new string(chars);
            while (safe.Contains("..")) safe = safe.Replace("..", "_");
            safe = safe.Trim('.', '_');
            if (safe.Length == 0) safe = "output";
            return safe.Length > 120 ? safe.Substring(0, 120) : safe;
        }

        /// <summary>Writes one output to <paramref name="destinationPath"/>; an existing file is replaced only with <paramref name="overwrite"/>.</summary>
        public async Task<FileInfo> SaveAsync(string output, string destinationPath, bool overwrite, CancellationToken cancellationToken)
        {
            if (output.EndsWith("_expired", StringComparison.Ordinal))
            {
                throw new FashnException(FashnErrorCodes.OutputExpired,
                    "This base64 output has expired: FASHN keeps base64 outputs for 60 minutes only. Run the prediction again " +
                    "(without -ReturnBase64 the output is kept 72 hours on FASHN's CDN).");
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(destinationPath))!;
            var temporary = Path.Combine(folder, "." + Path.GetFileName(destinationPath) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + TemporarySuffix);
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    if (output.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        var bytes = DecodeDataUri(output);
                        await file.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await DownloadAsync(output, file, cancellationToken).ConfigureAwait(false);
                    }
                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                MoveIntoPlace(temporary, destinationPath, overwrite);
                return new FileInfo(destinationPath);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }

        private static void MoveIntoPlace(string temporary, string destinationPath, bool overwrite)
        {
            if (File.Exists(destinationPath))
            {
                if (!overwrite)
                {
                    throw new FashnException(FashnErrorCodes.OutputNotSaved,
                        $"The file '{destinationPath}' already exists. Use -Force to overwrite it, or choose another -Destination.");
                }
                File.Replace(temporary, destinationPath, null);
                return;
            }
            File.Move(temporary, destinationPath);
        }

        private byte[] DecodeDataUri(string output)
        {
            var comma = output.IndexOf(',');
            if (comma < 0 || output.IndexOf(";base64", 0, comma, StringComparison.OrdinalIgnoreCase) < 0)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved, "The output is a data URI without base64 data; it cannot be saved.");
            }
            // base64 takes 4 characters for 3 bytes: refuse before decoding what would exceed the cap.
            if ((output.Length - comma - 1) / 4L * 3 > _maxBytes)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved, $"The output is larger than the {_maxBytes / (1024 * 1024)} MiB allowed; it was not saved.");
            }
            try
            {
                return Convert.FromBase64String(output.Substring(comma + 1));
            }
            catch (FormatException ex)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved, "The output's base64 data is broken; it cannot be saved. Run the prediction again.", innerException: ex);
            }
        }

        private async Task DownloadAsync(string output, Stream file, CancellationToken cancellationToken)
        {
            var uri = CheckDownloadUri(output);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            HttpResponseMessage response;
            var elapsed = Stopwatch.StartNew();
            var logged = uri.GetLeftPart(UriPartial.Path);
            try
            {
                response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                RequestLog?.Invoke(new RequestLogEntry("GET", logged, (int)response.StatusCode, elapsed.Elapsed, 1, null));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is HttpRequestException || ex is IOException || ex is OperationCanceledException))
            {
                RequestLog?.Invoke(new RequestLogEntry("GET", logged, null, elapsed.Elapsed, 1, ex.GetType().Name));
                throw new FashnException(FashnErrorCodes.OutputNotSaved, $"The output could not be downloaded from {uri.Host}: {ex.GetType().Name}. Run Save-FashnOutput again.", innerException: ex);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var advice = (int)response.StatusCode == 404 || (int)response.StatusCode == 410
                        ? " FASHN keeps CDN outputs for 72 hours; an older output is gone and the prediction must be run again."
                        : " Run Save-FashnOutput again.";
                    throw new FashnException(FashnErrorCodes.OutputNotSaved, $"Downloading the output from {uri.Host} answered HTTP {(int)response.StatusCode}." + advice, response.StatusCode);
                }
                if (response.Content.Headers.ContentLength > _maxBytes)
                {
                    throw new FashnException(FashnErrorCodes.OutputNotSaved, $"The output is larger than the {_maxBytes / (1024 * 1024)} MiB allowed; it was not saved.");
                }
                using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var buffer = new byte[81920];
                long total = 0;
                int read;
                try
                {
                    while ((read = await body.ReadAsync(buffer, 0, buffer.Length, timeout.Token).ConfigureAwait(false)) > 0)
                    {
                        total += read;
                        if (total > _maxBytes)
                        {
                            throw new FashnException(FashnErrorCodes.OutputNotSaved, $"The output is larger than the {_maxBytes / (1024 * 1024)} MiB allowed; it was not saved.");
                        }
                        await file.WriteAsync(buffer, 0, read, timeout.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is IOException || ex is OperationCanceledException || ex is HttpRequestException))
                {
                    throw new FashnException(FashnErrorCodes.OutputNotSaved, $"The download from {uri.Host} broke off after {total} bytes. Run Save-FashnOutput again.", innerException: ex);
                }
            }
        }

        /// <summary>Only FASHN's CDN over https, or the API's own host (the emulator serves its outputs itself).</summary>
        private Uri CheckDownloadUri(string output)
        {
            if (!Uri.TryCreate(output, UriKind.Absolute, out var uri))
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved, "The output is neither a URL nor a data URI; it cannot be saved.");
            }
            var fromCdn = uri.Scheme == Uri.UriSchemeHttps && string.Equals(uri.Host, FashnCdnHost, StringComparison.OrdinalIgnoreCase);
            var fromApiHost = _baseUri != null && string.Equals(uri.Host, _baseUri.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == _baseUri.Port &&
                              (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == _baseUri.Scheme && _baseUri.IsLoopback);
            if (!fromCdn && !fromApiHost)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The output URL's host '{uri.Host}' is neither FASHN's CDN ({FashnCdnHost}, https) nor the API host; it was not downloaded.");
            }
            return uri;
        }
    }
}
