using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// The three FASHN endpoints: one request each, with the retries the contract allows (connection failures, 5xx,
    /// 429 RateLimitExceeded). Every attempt first takes a place in its endpoint's rate window. Nothing else: waiting
    /// for a free prediction place (429 ConcurrencyLimitExceeded) is the runner's, see <see cref="RunSubmitter"/>;
    /// the messages' JSON and headers are read and written by <see cref="ApiMessageFormat"/>.
    /// </summary>
    public sealed class FashnApiClient : IDisposable
    {
        private const string RunPath = "v1/run";
        private const string StatusPath = "v1/status/";
        private const string CreditsPath = "v1/credits";

        // One HttpClient for the process: connections are pooled across commands. Redirects are not followed,
        // because a redirect could carry the Authorization header to another host.
        private static readonly Lazy<HttpClient> SharedHttp = new Lazy<HttpClient>(() =>
            new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 32 }) { Timeout = Timeout.InfiniteTimeSpan });

        private readonly HttpClient _http;
        private readonly bool _ownsHttp;
        private readonly RequestWindows _windows;
        private readonly RetryBackoff _backoff;
        private readonly Dictionary<RateWindow, RateWindow> _advertised = new Dictionary<RateWindow, RateWindow>();

        /// <param name="windows">The key's rate windows, shared by every client of the key (<see cref="ServiceBudget.Windows"/>).</param>
        /// <param name="handler">For tests: a handler instead of the shared connection pool.</param>
        public FashnApiClient(FashnClientOptions options, RequestWindows windows, HttpMessageHandler? handler = null)
        {
            Options = options ?? throw new ArgumentNullException(nameof(options));
            _windows = windows ?? throw new ArgumentNullException(nameof(windows));
            _backoff = new RetryBackoff(options);
            if (handler != null)
            {
                _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
                _ownsHttp = true;
            }
            else
            {
                _http = SharedHttp.Value;
            }
        }

        public FashnClientOptions Options { get; }

        /// <summary>POST /v1/run. Returns the new prediction's id.</summary>
        public async Task<string> RunAsync(RunRequest request, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var path = RunPath;
            if (request.WebhookUrl != null) path += "?webhook_url=" + Uri.EscapeDataString(request.WebhookUrl.AbsoluteUri);
            var body = ApiMessageFormat.WriteRunBody(request);
            using var answer = await SendAsync(HttpMethod.Post, path, body, _windows.Run, isRun: true, cancellationToken).ConfigureAwait(false);
            var id = ApiMessageFormat.ReadString(answer.Json.RootElement, "id");
            if (string.IsNullOrEmpty(id) || !PredictionIds.IsUsable(id!))
            {
                throw LostRunAnswer($"HTTP {(int)answer.StatusCode} without a usable prediction id", answer.StatusCode, null);
            }
            return id!;
        }

        /// <summary>GET /v1/status/{id}.</summary>
        public async Task<PredictionStatus> GetStatusAsync(string id, CancellationToken cancellationToken)
        {
            id = PredictionIds.Require(id);
            using var answer = await SendAsync(HttpMethod.Get, StatusPath + Uri.EscapeDataString(id), null, _windows.Status, isRun: false, cancellationToken, id).ConfigureAwait(false);
            return ApiMessageFormat.ReadStatus(answer.Json.RootElement, id, answer.CreditsUsed);
        }

        /// <summary>GET /v1/credits.</summary>
        public async Task<CreditsBalance> GetCreditsAsync(CancellationToken cancellationToken)
        {
            using var answer = await SendAsync(HttpMethod.Get, CreditsPath, null, _windows.Credits, isRun: false, cancellationToken).ConfigureAwait(false);
            return ApiMessageFormat.ReadCredits(answer.Json.RootElement, answer.StatusCode);
        }

        public void Dispose()
        {
            if (_ownsHttp) _http.Dispose();
        }

        private sealed class Answer : IDisposable
        {
            public Answer(HttpStatusCode statusCode, JsonDocument json, int? creditsUsed)
            {
                StatusCode = statusCode;
                Json = json;
                CreditsUsed = creditsUsed;
            }

            public HttpStatusCode StatusCode { get; }
            public JsonDocument Json { get; }
            public int? CreditsUsed { get; }
            public void Dispose() => Json.Dispose();
        }

        private async Task<Answer> SendAsync(HttpMethod method, string path, byte[]? body, RateWindow sharedWindow, bool isRun,
            CancellationToken cancellationToken, string? predictionId = null)
        {
            var logPath = "/" + (path.IndexOf('?') >= 0 ? path.Substring(0, path.IndexOf('?')) : path);
            for (var attempt = 1; ; attempt++)
            {
                var window = WindowFor(sharedWindow);
                await window.WaitAsync(cancellationToken).ConfigureAwait(false);
                var started = Stopwatch.StartNew();
                using var request = new HttpRequestMessage(method, new Uri(Options.BaseUri, path));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (body != null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Options.RequestTimeout);
                HttpResponseMessage response;
                string text;
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    text = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(ex))
                {
                    var timedOut = ex is OperationCanceledException;
                    var reason = timedOut ? $"no answer within {Options.RequestTimeout.TotalSeconds:0.#} s" : DescribeTransportFailure(ex);
                    Log(method, logPath, null, started.Elapsed, attempt, reason);
                    // A run request that may have reached the service must not be sent again: it could start and bill
                    // a second prediction. Only a connection that was never made is safe to retry.
                    if (isRun && (timedOut || !IsNotSent(ex))) throw LostRunAnswer(reason, null, ex);
                    if (attempt > Options.MaxRetries)
                    {
                        throw new FashnException(FashnErrorCodes.ServiceUnavailable,
                            $"FASHN could not be reached at {Options.BaseUri.GetLeftPart(UriPartial.Authority)} after {attempt} attempts ({reason}). " +
                            "Check the network connection and the base URI, then run the command again.", predictionId: predictionId, innerException: ex);
                    }
                    await Task.Delay(_backoff.For(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    var notes = new List<string>();
                    FollowAdvertisedLimit(ApiMessageFormat.ReadRateLimitPolicy(response, Options.MaxRetryAfter, notes), sharedWindow);
                    if (status >= 200 && status < 300)
                    {
                        Log(method, logPath, status, started.Elapsed, attempt, Join(notes));
                        JsonDocument json;
                        try
                        {
                            json = JsonDocument.Parse(text);
                        }
                        catch (JsonException ex)
                        {
                            if (isRun) throw LostRunAnswer($"HTTP {status} without FASHN's JSON answer", response.StatusCode, ex);
                            throw new FashnException(FashnErrorCodes.UnexpectedResponse,
                                $"FASHN answered {method} {logPath} with HTTP {status} but the body is not JSON.", response.StatusCode, predictionId, ex);
                        }
                        return new Answer(response.StatusCode, json, ApiMessageFormat.ReadCreditsUsed(response));
                    }

                    var answer = ApiMessageFormat.ReadErrorAnswer(response, text, method.Method, logPath, notes);
                    Log(method, logPath, status, started.Elapsed, attempt, Join(new[] { answer.Code }.Concat(notes)));
                    // A concurrency refusal is not retried here: it means "wait until a running prediction finishes",
                    // which is the runner's to wait for (RunSubmitter).
                    var retryable = status == 429 && answer.Code != FashnErrorCodes.OutOfCredits && answer.Code != FashnErrorCodes.ConcurrencyLimitExceeded ||
                                    status >= 500 && !(isRun && status == 504);
                    // Only FASHN's own error body proves that no prediction was created; a gateway's page proves nothing,
                    // and a 504 says that the gateway stopped waiting for FASHN, whatever body it came with.
                    if (isRun && (retryable && !answer.FromService || status == 504))
                    {
                        throw LostRunAnswer($"HTTP {status} from something other than FASHN", response.StatusCode, null);
                    }
                    if (!retryable || attempt > Options.MaxRetries)
                    {
                        throw FashnErrorCatalogue.ForApiAnswer(answer, predictionId, attempt);
                    }
                    var delay = answer.RetryAfter ?? _backoff.For(attempt);
                    if (delay > Options.MaxRetryAfter)
                    {
                        throw FashnErrorCatalogue.ForApiAnswer(answer, predictionId, attempt, RetryAfterTooLong(delay));
                    }
                    if (status == 429 && answer.Code == FashnErrorCodes.RateLimitExceeded) window.PauseFor(delay);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// A run request whose answer does not say whether a prediction was created (no answer, a gateway's page, no id).
        /// It is not sent again: a second request could start and bill a second prediction.
        /// </summary>
        private static FashnException LostRunAnswer(string reason, HttpStatusCode? status, Exception? inner) =>
            new FashnException(FashnErrorCodes.SubmissionOutcomeUnknown,
                $"The run request may have reached FASHN, but its answer was lost ({reason}). It was not sent again, because a second " +
                "request could start and bill a second prediction. Check with Get-FashnCredits whether credits were used; if none were, " +
                "run the command again for this input.", status, innerException: inner);

        private void Log(HttpMethod method, string path, int? status, TimeSpan elapsed, int attempt, string? note)
        {
            Options.RequestLog?.Invoke(new RequestLogEntry(method.Method, path, status, elapsed, attempt, note));
        }

        private static string? Join(IEnumerable<string> notes)
        {
            var text = string.Join("; ", notes);
            return text.Length == 0 ? null : text;
        }

        /// <summary>Said when the service asks for a longer wait than <see cref="FashnClientOptions.MaxRetryAfter"/>.</summary>
        internal string RetryAfterTooLong(TimeSpan delay) =>
            $"The service asked to wait {delay.TotalSeconds:0} s, longer than the {Options.MaxRetryAfter.TotalSeconds:0} s allowed.";

        private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            // API answers are small; a cap guards against a misbehaving server.
            const int maxBody = 4 * 1024 * 1024;
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBody)
                {
                    throw new FashnException(FashnErrorCodes.UnexpectedResponse, "FASHN's answer is larger than 4 MiB; it was not read.", response.StatusCode);
                }
                buffer.Write(chunk, 0, read);
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>The status window this client keeps to now (the poller plans within it).</summary>
        internal RateWindow StatusWindow => WindowFor(_windows.Status);

        /// <summary>
        /// The window this client keeps to for an endpoint: the key's shared one (FASHN's documented limits), or the one
        /// the server advertised to this client (the local emulator sends one). An advertised window is this client's
        /// own, so it lasts only as long as the command that saw it, never the session.
        /// </summary>
        private RateWindow WindowFor(RateWindow shared)
        {
            lock (_advertised) return _advertised.TryGetValue(shared, out var own) ? own : shared;
        }

        private void FollowAdvertisedLimit((int Limit, TimeSpan Window)? policy, RateWindow shared)
        {
            if (!(policy is { } advertised)) return;
            lock (_advertised)
            {
                if (_advertised.TryGetValue(shared, out var own))
                {
                    if (own.Limit != advertised.Limit || own.Window != advertised.Window) own.SetLimit(advertised.Limit, advertised.Window);
                }
                else if (shared.Limit != advertised.Limit || shared.Window != advertised.Window)
                {
                    _advertised[shared] = new RateWindow(advertised.Limit, advertised.Window);
                }
            }
        }

        private static bool IsTransportFailure(Exception ex) =>
            ex is HttpRequestException || ex is IOException || ex is OperationCanceledException || ex is SocketException;

        /// <summary>True when the connection was never made, so the service cannot have seen the request.</summary>
        private static bool IsNotSent(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                        case SocketError.HostNotFound:
                        case SocketError.HostUnreachable:
                        case SocketError.NetworkUnreachable:
                        case SocketError.TryAgain:
                        case SocketError.NoData:
                            return true;
                    }
                }
                if (e is WebException web && (web.Status == WebExceptionStatus.ConnectFailure || web.Status == WebExceptionStatus.NameResolutionFailure))
                {
                    return true;
                }
            }
            return false;
        }

        private static string DescribeTransportFailure(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException socket) return "connection failed: " + socket.SocketErrorCode;
            }
            return "connection failed: " + ex.GetType().Name;
        }

    }
}
