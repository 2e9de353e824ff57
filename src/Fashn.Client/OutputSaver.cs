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

        /// <summary>
        /// The most outputs one prediction is saved with: FASHN's models make one to four. A list longer than this did
        /// not come from FASHN as it is, and writing it would fill the folder.
        /// </summary>
        public const int MaxOutputsPerPrediction = 16;

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

        /// <summary>
        /// Writes one output to <paramref name="destinationPath"/>; an existing file is replaced only with
        /// <paramref name="overwrite"/>. The bytes must be the image type the name's extension says before the file gets it.
        /// </summary>
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
                // Unbuffered (1): a write that fails (a full disk) fails in WriteAsync, where it is named, not later in Dispose.
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, useAsync: true))
                {
                    if (output.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        var bytes = DecodeDataUri(output);
                        await WriteAsync(file, bytes, bytes.Length, destinationPath, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await DownloadWithRetriesAsync(CheckDownloadUri(output), file, destinationPath, cancellationToken).ConfigureAwait(false);
                    }
                    await FlushAsync(file, destinationPath, cancellationToken).ConfigureAwait(false);
                    await OutputContent.RequireImageAsync(file, destinationPath, cancellationToken).ConfigureAwait(false);
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
            if ((output.Length - comma - 1) / 4L * 3 > _maxBytes) throw TooLarge();
            try
            {
                return Convert.FromBase64String(output.Substring(comma + 1));
            }
            catch (FormatException ex)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved, "The output's base64 data is broken; it cannot be saved. Run the prediction again.", innerException: ex);
            }
        }

        /// <summary>
        /// Downloads into <paramref name="file"/>, starting again from nothing after a broken connection, a timeout or a
        /// transient answer (a GET is safe to repeat), <see cref="MaxRetries"/> times with backoff.
        /// </summary>
        private async Task DownloadWithRetriesAsync(Uri uri, FileStream file, string destinationPath, CancellationToken cancellationToken)
        {
            var backoff = new RetryBackoff(RetryBaseDelay, TimeSpan.FromTicks(RetryBaseDelay.Ticks * 3));
            for (var attempt = 1; ; attempt++)
            {
                file.SetLength(0);
                file.Position = 0;
                var failure = await DownloadOnceAsync(uri, file, destinationPath, attempt, cancellationToken).ConfigureAwait(false);
                if (failure == null) return;
                if (attempt > MaxRetries)
                {
                    var tries = attempt == 1 ? "" : $" ({attempt} attempts)";
                    throw new FashnException(FashnErrorCodes.OutputNotSaved, failure + tries + ". Run Save-FashnOutput again later.");
                }
                await Task.Delay(backoff.For(attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>One download; null when it is whole, else why it may succeed when tried again. Other failures throw.</summary>
        private async Task<string?> DownloadOnceAsync(Uri uri, FileStream file, string destinationPath, int attempt, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            var elapsed = Stopwatch.StartNew();
            var logged = uri.GetLeftPart(UriPartial.Path);
            HttpResponseMessage response;
            try
            {
                response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                RequestLog?.Invoke(new RequestLogEntry("GET", logged, (int)response.StatusCode, elapsed.Elapsed, attempt, null));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsBrokenTransfer(ex))
            {
                RequestLog?.Invoke(new RequestLogEntry("GET", logged, null, elapsed.Elapsed, attempt, ex.GetType().Name));
                return ex is OperationCanceledException
                    ? $"The download from {uri.Host} did not answer within {_timeout.TotalSeconds:0.#} s"
                    : $"The output could not be downloaded from {uri.Host} ({ex.GetType().Name})";
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    if (status == 408 || status == 429 || status >= 500) return $"Downloading the output from {uri.Host} answered HTTP {status}";
                    var advice = status == 404 || status == 410
                        ? " FASHN keeps CDN outputs for 72 hours; an older output is gone and the prediction must be run again."
                        : " Run Save-FashnOutput again.";
                    throw new FashnException(FashnErrorCodes.OutputNotSaved, $"Downloading the output from {uri.Host} answered HTTP {status}." + advice, response.StatusCode);
                }
                if (response.Content.Headers.ContentLength > _maxBytes) throw TooLarge();
                long total = 0;
                try
                {
                    await CopyBodyAsync(response, file, destinationPath, timeout.Token, copied => total = copied).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsBrokenTransfer(ex))
                {
                    return $"The download from {uri.Host} broke off after {total} bytes";
                }
                return null;
            }
        }

        /// <summary>Copies the body into the file; a failure to write is the disk's, never called a broken download.</summary>
        private async Task CopyBodyAsync(HttpResponseMessage response, FileStream file, string destinationPath,
            CancellationToken cancellationToken, Action<long> progress)
        {
            var buffer = new byte[81920];
            using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                progress(total);
                if (total > _maxBytes) throw TooLarge();
                await WriteAsync(file, buffer, read, destinationPath, cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task WriteAsync(FileStream file, byte[] bytes, int count, string destinationPath, CancellationToken cancellationToken)
        {
            try
            {
                await file.WriteAsync(bytes, 0, count, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                throw NotWritten(destinationPath, ex);
            }
        }

        private static async Task FlushAsync(FileStream file, string destinationPath, CancellationToken cancellationToken)
        {
            try
            {
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                throw NotWritten(destinationPath, ex);
            }
        }

        // A full disk is an IOException; a file over the size limit (EFBIG) comes as ArgumentOutOfRangeException.
        private static bool IsWriteFailure(Exception ex) => ex is IOException || ex is ArgumentOutOfRangeException;

        private static FashnException NotWritten(string destinationPath, Exception ex) =>
            new FashnException(FashnErrorCodes.OutputNotSaved,
                $"Could not write '{destinationPath}': {ex.Message} Check that the disk has space and the folder is writable, then run Save-FashnOutput again.",
                innerException: ex);

        private FashnException TooLarge() =>
            new FashnException(FashnErrorCodes.OutputNotSaved, $"The output is larger than the {_maxBytes / (1024 * 1024)} MiB allowed; it was not saved.");

        private static bool IsBrokenTransfer(Exception ex) =>
            ex is HttpRequestException || ex is IOException && !(ex is FileNotFoundException) || ex is OperationCanceledException;

        /// <summary>Only FASHN's CDN over https, or the API's own host (the emulator serves its outputs itself).</summary>
        private Uri CheckDownloadUri(string output)
        {
            if (!Uri.TryCreate(output, UriKind.Absolute, out var uri))
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved, "The output is neither a URL nor a data URI; it cannot be saved.");
            }
            var fromCdn = uri.Scheme == Uri.UriSchemeHttps && string.Equals(uri.Host, FashnCdnHost, StringComparison.OrdinalIgnoreCase);
            var onApiHost = _baseUri != null && string.Equals(uri.Host, _baseUri.Host, StringComparison.OrdinalIgnoreCase);
            var fromApiHost = onApiHost && uri.Port == _baseUri!.Port &&
                              (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == _baseUri.Scheme && _baseUri.IsLoopback);
            if (!fromCdn && onApiHost && uri.Port != _baseUri!.Port)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The output URL is on the API's host '{uri.Host}' but at port {uri.Port}, not the API's port {_baseUri.Port}; it was not downloaded, " +
                    "since only the API's own address or FASHN's CDN is trusted. Check -BaseUri (or FASHN_BASE_URL): it must be the address that made the prediction.");
            }
            if (!fromCdn && onApiHost && !fromApiHost)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The output URL on the API's host '{uri.Host}' uses plain http; it was not downloaded. Only https (or http on a local emulator) is trusted.");
            }
            if (!fromCdn && !fromApiHost)
            {
                throw new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The output URL's host '{uri.Host}' is neither FASHN's CDN ({FashnCdnHost}, https) nor the API host; it was not downloaded.");
            }
            return uri;
        }
    }
}
