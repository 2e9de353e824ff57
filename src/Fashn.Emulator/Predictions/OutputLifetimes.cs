namespace Fashn.Emulator.Predictions
{
    /// <summary>
    /// How long a finished prediction lasts, counted from its finish (scaled): its CDN output and the prediction
    /// itself for the output lifetime, a base64 output for the base64 lifetime.
    /// </summary>
    internal sealed class OutputLifetimes
    {
        public OutputLifetimes(EmulatorOptions options)
        {
            Cdn = options.Scaled(options.OutputLifetimeHours * 3600);
            Base64 = options.Scaled(options.Base64LifetimeMinutes * 60);
        }

        public TimeSpan Cdn { get; }

        public TimeSpan Base64 { get; }

        /// <summary>Past the output lifetime: the output is gone and the prediction is no longer tracked (404).</summary>
        public bool IsCdnExpired(Prediction prediction, DateTime now) => HasOutlived(prediction, Cdn, now);

        /// <summary>Past the base64 lifetime: a base64 output reads "&lt;base64&gt;_expired".</summary>
        public bool IsBase64Expired(Prediction prediction, DateTime now) => HasOutlived(prediction, Base64, now);

        private static bool HasOutlived(Prediction prediction, TimeSpan lifetime, DateTime now)
        {
            long finished = Interlocked.Read(ref prediction.FinishedTicks);
            return finished != 0 && now - new DateTime(finished, DateTimeKind.Utc) >= lifetime;
        }
    }
}
