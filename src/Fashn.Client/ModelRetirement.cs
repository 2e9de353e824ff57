using System;
using System.Linq;

namespace Fashn.Client
{
    /// <summary>
    /// FASHN marks background-change deprecated ("will be discontinued; migrate to edit"); the date is unconfirmed, and
    /// so is what the service will answer then. A run of background-change refused with HTTP 400, 404, 410 or 422 whose
    /// message says the model is unknown, deprecated, discontinued, retired, unsupported or no longer offered is taken
    /// as the model being gone (410 Gone says so by itself), and the failure says to use edit.
    /// </summary>
    internal static class ModelRetirement
    {
        private static readonly string[] GoneWords =
            { "unknown", "deprecated", "discontinued", "retired", "no longer", "not supported", "unsupported", "not available", "invalid", "removed" };

        internal static bool SaysModelIsGone(ApiErrorAnswer answer, string modelName)
        {
            if (!string.Equals(modelName, RunRequest.BackgroundChangeModel, StringComparison.Ordinal)) return false;
            var status = (int)answer.Status;
            if (status == 410) return true;
            if (status != 400 && status != 404 && status != 422) return false;
            var message = answer.Message.ToLowerInvariant();
            var aboutTheModel = message.Contains("model") || message.Contains(RunRequest.BackgroundChangeModel);
            return aboutTheModel && GoneWords.Any(message.Contains);
        }

        /// <summary>The refusal as the user needs it: what FASHN said, and to run the command with -ModelName edit.</summary>
        internal static FashnException Failure(ApiErrorAnswer answer)
        {
            var said = string.IsNullOrEmpty(answer.Message) ? "." : ": " + answer.Message.TrimEnd('.') + ".";
            return new FashnException(FashnErrorCodes.ModelDiscontinued,
                $"FASHN answered {answer.Method} {answer.Path} with HTTP {(int)answer.Status} {answer.Code}{said} FASHN has retired background-change " +
                "in favour of edit: run the command again with -ModelName edit, which takes the same image and prompt (add -ImageContext for a " +
                "specific background). Nothing was started or billed.", answer.Status) { Answer = answer };
        }
    }
}
