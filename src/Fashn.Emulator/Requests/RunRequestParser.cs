using System.Text.Json;
using Fashn.Emulator.Imaging;

namespace Fashn.Emulator.Requests
{
    /// <summary>Reads and checks a <c>POST /v1/run</c> body and its <c>webhook_url</c>; a problem becomes 400 BadRequest.</summary>
    internal static class RunRequestParser
    {
        private const string BackgroundChangeModel = "background-change";
        private const long MaxSeed = uint.MaxValue;

        public static bool TryParse(byte[] body, string webhookText, bool allowRemoteWebhooks, out RunRequest? request, out string problem)
        {
            request = null;
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

                if (!root.TryGetProperty("model_name", out JsonElement model) || model.ValueKind != JsonValueKind.String)
                {
                    problem = "model_name is required.";
                    return false;
                }

                if (model.GetString() != BackgroundChangeModel)
                {
                    problem = $"Unknown model_name '{model.GetString()}'. This emulator serves '{BackgroundChangeModel}'.";
                    return false;
                }

                if (!root.TryGetProperty("inputs", out JsonElement inputs) || inputs.ValueKind != JsonValueKind.Object)
                {
                    problem = "inputs is required and must be an object.";
                    return false;
                }

                if (!inputs.TryGetProperty("image", out JsonElement image) || image.ValueKind != JsonValueKind.String || image.GetString()!.Length == 0)
                {
                    problem = "inputs.image is required (a URL or a data URI).";
                    return false;
                }

                if (!inputs.TryGetProperty("prompt", out JsonElement prompt) || prompt.ValueKind != JsonValueKind.String)
                {
                    problem = "inputs.prompt is required.";
                    return false;
                }

                long seed = 42;
                if (inputs.TryGetProperty("seed", out JsonElement seedElement) && seedElement.ValueKind != JsonValueKind.Null)
                {
                    if (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetInt64(out seed) || seed < 0 || seed > MaxSeed)
                    {
                        problem = "inputs.seed must be an integer from 0 to 4294967295.";
                        return false;
                    }
                }

                OutputImageFormat format = OutputImageFormat.Png;
                if (inputs.TryGetProperty("output_format", out JsonElement formatElement) && formatElement.ValueKind != JsonValueKind.Null)
                {
                    string? formatText = formatElement.ValueKind == JsonValueKind.String ? formatElement.GetString() : null;
                    if (formatText == "png")
                    {
                        format = OutputImageFormat.Png;
                    }
                    else if (formatText == "jpeg")
                    {
                        format = OutputImageFormat.Jpeg;
                    }
                    else
                    {
                        problem = "inputs.output_format must be 'png' or 'jpeg'.";
                        return false;
                    }
                }

                bool returnBase64 = false;
                if (inputs.TryGetProperty("return_base64", out JsonElement base64Element) && base64Element.ValueKind != JsonValueKind.Null)
                {
                    if (base64Element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        problem = "inputs.return_base64 must be true or false.";
                        return false;
                    }

                    returnBase64 = base64Element.GetBoolean();
                }

                Uri? webhook = null;
                if (webhookText.Length > 0)
                {
                    if (!Uri.TryCreate(webhookText, UriKind.Absolute, out webhook) || (webhook.Scheme != Uri.UriSchemeHttp && webhook.Scheme != Uri.UriSchemeHttps))
                    {
                        problem = "webhook_url must be an absolute http or https URL.";
                        return false;
                    }

                    if (!allowRemoteWebhooks && !LoopbackHosts.IsLoopback(webhook.Host))
                    {
                        problem = "webhook_url must point to a loopback host (start the emulator with --allow-remote-webhooks to deliver elsewhere).";
                        return false;
                    }
                }

                request = new RunRequest(image.GetString()!, prompt.GetString()!, seed, format, returnBase64, webhook);
                problem = "";
                return true;
            }
        }
    }
}
