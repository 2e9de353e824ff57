using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Fashn.Emulator.Models;

namespace Fashn.Emulator.Requests
{
    /// <summary>
    /// Reads and checks a <c>POST /v1/run</c> body and its <c>webhook_url</c>: the envelope here, the <c>inputs</c>
    /// by the model that <c>model_name</c> names. A problem becomes 400 BadRequest.
    /// </summary>
    internal sealed class RunRequestParser
    {
        private readonly ModelCatalogue _models;
        private readonly bool _allowRemoteWebhooks;

        public RunRequestParser(ModelCatalogue models, bool allowRemoteWebhooks)
        {
            _models = models;
            _allowRemoteWebhooks = allowRemoteWebhooks;
        }

        public bool TryParse(byte[] body, string webhookText, [NotNullWhen(true)] out RunRequest? request, out string problem)
        {
            request = null;
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                problem = "The request body is not valid UTF-8.";
                return false;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                problem = "The request body is not valid JSON.";
                return false;
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    problem = "The request body must be a JSON object.";
                    return false;
                }

                if (!root.TryGetProperty("model_name", out JsonElement modelName) || modelName.ValueKind != JsonValueKind.String)
                {
                    problem = "model_name is required.";
                    return false;
                }

                if (_models.FindServed(modelName.GetString()!) is not PredictionModel model)
                {
                    problem = $"Unknown model_name '{modelName.GetString()}'. This emulator serves {_models.Names}.";
                    return false;
                }

                if (!root.TryGetProperty("inputs", out JsonElement inputs) || inputs.ValueKind != JsonValueKind.Object)
                {
                    problem = "inputs is required and must be an object.";
                    return false;
                }

                if (!model.TryReadInputs(inputs, out PredictionInputs? read, out problem)
                    || !TryReadWebhook(webhookText, out Uri? webhook, out problem))
                {
                    return false;
                }

                request = new RunRequest(model, read, webhook);
                return true;
            }
        }

        private bool TryReadWebhook(string text, out Uri? webhook, out string problem)
        {
            webhook = null;
            problem = "";
            if (text.Length == 0)
            {
                return true;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out webhook) || (webhook.Scheme != Uri.UriSchemeHttp && webhook.Scheme != Uri.UriSchemeHttps))
            {
                problem = "webhook_url must be an absolute http or https URL.";
                return false;
            }

            if (!_allowRemoteWebhooks && !LoopbackHosts.IsLoopback(webhook.Host))
            {
                problem = "webhook_url must point to a loopback host (start the emulator with --allow-remote-webhooks to deliver elsewhere).";
                return false;
            }

            return true;
        }
    }
}
