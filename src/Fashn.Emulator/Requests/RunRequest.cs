using Fashn.Emulator.Imaging;

namespace Fashn.Emulator.Requests
{
    /// <summary>A validated <c>POST /v1/run</c> body.</summary>
    internal sealed record RunRequest(string Image, string Prompt, long Seed, OutputImageFormat OutputFormat, bool ReturnBase64, Uri? WebhookUrl);
}
