using System;

namespace Fashn.Client
{
    /// <summary>How to reach the FASHN API and how patiently.</summary>
    public sealed class FashnClientOptions
    {
        public const string DefaultBaseUri = "https://api.fashn.ai";
        public const string ApiKeyVariable = "FASHN_API_KEY";
        public const string BaseUriVariable = "FASHN_BASE_URL";
        /// <summary>Where each key's machine-wide places and rate windows are kept, instead of LocalApplicationData/FashnBackground/keys.</summary>
        public const string KeysFolderVariable = "FASHN_KEYS_FOLDER";

        public FashnClientOptions(string apiKey, Uri baseUri)
        {
            if (string.IsNullOrWhiteSpace(apiKey))
            {
                throw new FashnException(FashnErrorCodes.MissingApiKey,
                    "No FASHN API key was given. Pass -ApiKey, or set the environment variable FASHN_API_KEY.");
            }
            ApiKey = ValidateApiKey(apiKey);
            BaseUri = ValidateBaseUri(baseUri);
        }

        /// <summary>
        /// The key as it is sent: surrounding white space (a line break read from a file) is dropped; a character that
        /// cannot go into an HTTP header is refused here, before anything is sent. The key itself is never quoted.
        /// </summary>
        public static string ValidateApiKey(string apiKey)
        {
            var key = apiKey.Trim();
            for (var i = 0; i < key.Length; i++)
            {
                if (key[i] < 0x21 || key[i] > 0x7E)
                {
                    throw new FashnException(FashnErrorCodes.InvalidArgument,
                        $"The API key holds a character that cannot be sent (U+{(int)key[i]:X4}, character {i + 1} of {key.Length}), so nothing was sent. " +
                        "FASHN keys are plain ASCII: copy the key again from your FASHN account and set -ApiKey or FASHN_API_KEY to it.");
                }
            }
            return key;
        }

        /// <summary>A base URI as it may be shown: without a user name or password, which may be a key.</summary>
        public static string Display(Uri? uri)
        {
            if (uri == null) return "";
            if (!uri.IsAbsoluteUri) return "(a relative URI)";
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        }

        /// <summary>Sent only in the Authorization header of requests to <see cref="BaseUri"/>.</summary>
        public string ApiKey { get; }

        public Uri BaseUri { get; }

        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Retries of one request after a connection failure, a retryable 429 or a 5xx.</summary>
        public int MaxRetries { get; set; } = 3;

        /// <summary>First backoff step; doubles per retry up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
        public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

        public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(6);

        /// <summary>A Retry-After longer than this is not waited for; the request fails instead.</summary>
        public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How long a request keeps waiting while the service answers 429 ConcurrencyLimitExceeded.</summary>
        public TimeSpan MaxConcurrencyWait { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>The service's documented limits per key; a server that advertises others (RateLimit-Policy) wins.</summary>
        public ServiceLimits Limits { get; set; } = new ServiceLimits();

        /// <summary>Called after every HTTP exchange, for -Verbose. Never carries the key.</summary>
        public Action<RequestLogEntry>? RequestLog { get; set; }

        /// <summary>
        /// The key goes only to this host. Plain http would send it readable on the wire, so it is accepted
        /// only for loopback (the local emulator).
        /// </summary>
        public static Uri ValidateBaseUri(Uri baseUri)
        {
            if (baseUri == null || !baseUri.IsAbsoluteUri)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    "The base URI must be an absolute URI such as https://api.fashn.ai.");
            }
            // First, so that no message below shows what may be a key.
            if (!string.IsNullOrEmpty(baseUri.UserInfo))
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    $"The base URI must not contain a user name or password (the part before '@'), which would be sent and shown; it was not used. " +
                    $"Give the address alone, such as {DefaultBaseUri}, and the key with -ApiKey or FASHN_API_KEY.");
            }
            if (baseUri.Scheme == Uri.UriSchemeHttp && !baseUri.IsLoopback)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    $"The base URI '{baseUri.GetLeftPart(UriPartial.Authority)}' uses plain http, which would send the API key unencrypted. " +
                    "Use https, or http only for a local emulator on 127.0.0.1 or localhost.");
            }
            if (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    $"The base URI scheme '{baseUri.Scheme}' is not supported. Use https (or http for a local emulator).");
            }
            // Normalise to end with '/', so relative paths such as "v1/run" append to it.
            var text = baseUri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
        }
    }

    /// <summary>Per-key limits: the documented ones by default.</summary>
    public sealed class ServiceLimits
    {
        public int ConcurrentPredictions { get; set; } = 6;
        public int RunRequests { get; set; } = 50;
        public TimeSpan RunWindow { get; set; } = TimeSpan.FromSeconds(60);
        public int StatusRequests { get; set; } = 50;
        public TimeSpan StatusWindow { get; set; } = TimeSpan.FromSeconds(10);
        public int CreditsRequests { get; set; } = 30;
        public TimeSpan CreditsWindow { get; set; } = TimeSpan.FromSeconds(10);
    }

    /// <summary>One HTTP exchange, as shown by -Verbose.</summary>
    public sealed class RequestLogEntry
    {
        public RequestLogEntry(string method, string path, int? statusCode, TimeSpan elapsed, int attempt, string? note)
        {
            Method = method;
            Path = path;
            StatusCode = statusCode;
            Elapsed = elapsed;
            Attempt = attempt;
            Note = note;
        }

        public string Method { get; }
        public string Path { get; }
        public int? StatusCode { get; }
        public TimeSpan Elapsed { get; }
        public int Attempt { get; }
        public string? Note { get; }

        public override string ToString()
        {
            var status = StatusCode.HasValue ? StatusCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer";
            var text = $"{Method} {Path} -> {status} in {Elapsed.TotalMilliseconds:0} ms";
            if (Attempt > 1) text += $" (attempt {Attempt})";
            if (!string.IsNullOrEmpty(Note)) text += ": " + Note;
            return text;
        }
    }
}
