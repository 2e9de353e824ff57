using System.Text.Json.Serialization;
using Fashn.Emulator.Errors;

namespace Fashn.Emulator.Predictions
{
    /// <summary>A prediction as the caller sees it now: the body of <c>GET /v1/status/{id}</c> and of its webhook.</summary>
    internal sealed class StatusAnswers
    {
        /// <summary>What the real service returns in place of a base64 output after 60 minutes.</summary>
        public const string ExpiredBase64 = "<base64>_expired";

        private readonly OutputLifetimes _lifetimes;

        public StatusAnswers(OutputLifetimes lifetimes) => _lifetimes = lifetimes;

        /// <param name="baseUri">The base of its CDN URL: the host the caller used.</param>
        public StatusBody Describe(Prediction prediction, Uri baseUri, DateTime now)
        {
            string status = prediction.Status;
            if (status == PredictionStatuses.Failed)
            {
                return new StatusBody { Id = prediction.Id, Status = status, Error = prediction.Error };
            }

            if (status != PredictionStatuses.Completed)
            {
                return new StatusBody { Id = prediction.Id, Status = status };
            }

            var outputs = new string[prediction.OutputFileNames.Count];
            string[]? paths = prediction.OutputPaths;
            bool base64Expired = paths is null || _lifetimes.IsBase64Expired(prediction, now);
            for (int i = 0; i < outputs.Length; i++)
            {
                if (prediction.Inputs.ReturnBase64)
                {
                    byte[]? bytes = base64Expired ? null : TryReadAllBytes(paths![i]);
                    outputs[i] = bytes is null ? ExpiredBase64 : $"data:{prediction.OutputContentType};base64,{Convert.ToBase64String(bytes)}";
                }
                else
                {
                    outputs[i] = new Uri(baseUri, $"cdn/{Uri.EscapeDataString(prediction.Id)}/{prediction.OutputFileNames[i]}").AbsoluteUri;
                }
            }

            return new StatusBody { Id = prediction.Id, Status = status, Output = outputs };
        }

        /// <summary>Null when the sweeper deleted the file at expiry between the check and the read.</summary>
        private static byte[]? TryReadAllBytes(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>The JSON of <c>GET /v1/status/{id}</c> and of webhooks.</summary>
    internal sealed class StatusBody
    {
        [JsonPropertyName("id")] public required string Id { get; init; }
        [JsonPropertyName("status")] public required string Status { get; init; }

        [JsonPropertyName("output")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string[]? Output { get; init; }

        [JsonPropertyName("error")] public PredictionError? Error { get; init; }
    }
}
