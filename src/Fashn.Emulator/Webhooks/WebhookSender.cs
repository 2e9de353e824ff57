using System.Net.Http.Json;
using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Webhooks
{
    /// <summary>
    /// POSTs the final status JSON to a prediction's webhook_url, retrying a non-2xx answer (or a failed connection)
    /// up to 5 times with a scaled delay, as the real service does. Runs in the background; never blocks a request.
    /// </summary>
    internal sealed class WebhookSender
    {
        public const int MaxRetries = 5;

        private readonly HttpClient _http;
        private readonly EmulatorOptions _options;
        private readonly CancellationToken _stopping;

        public WebhookSender(HttpClient http, EmulatorOptions options, CancellationToken stopping)
        {
            _http = http;
            _options = options;
            _stopping = stopping;
        }

        public void Send(Uri target, StatusBody body) => _ = Task.Run(() => DeliverAsync(target, body));

        private async Task DeliverAsync(Uri target, StatusBody body)
        {
            for (int attempt = 0; attempt <= MaxRetries; attempt++)
            {
                if (attempt > 0)
                {
                    try
                    {
                        await Task.Delay(_options.Scaled(_options.WebhookRetrySeconds), _stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                try
                {
                    using HttpResponseMessage response = await _http.PostAsJsonAsync(target, body, _stopping);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Counts as a failed attempt, like a non-2xx answer.
                }
                catch (OperationCanceledException)
                {
                    if (_stopping.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        }
    }
}
