using Fashn.Emulator.Models;

namespace Fashn.Emulator.Requests
{
    /// <summary>A checked <c>POST /v1/run</c>: the model, its inputs and where to send the webhook.</summary>
    internal sealed record RunRequest(PredictionModel Model, PredictionInputs Inputs, Uri? WebhookUrl);
}
