namespace Fashn.Client
{
    /// <summary>What to do about a prediction that failed at the service, by its runtime error name (the spec's list).</summary>
    public static class FailureAdvice
    {
        /// <summary>
        /// The advice for <paramref name="errorName"/>, or "" when the name is not one FASHN documents.
        /// <paramref name="attempts"/> (when known) says how often a retryable failure was already tried.
        /// </summary>
        public static string For(string? errorName, int? attempts = null)
        {
            switch (errorName)
            {
                case "ImageLoadError": return "Check that the input is a JPEG, PNG or WebP image (a URL must be public and answer with an image content type).";
                case "ContentModerationError": return "Use a different image or prompt.";
                case "InputValidationError": return "Check the prompt, seed and output format.";
                case "UnavailableError":
                case "PipelineError":
                    return "FASHN advises retrying" + (attempts.HasValue ? $"; it was tried {attempts} time(s)" : "") + ". Run the command again later.";
                case "ThirdPartyError": return "A service FASHN depends on failed; run the command again later.";
                default: return "";
            }
        }
    }
}
