using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Fashn.Client
{
    /// <summary>
    /// What one API key may spend at one service: the rate windows of the three endpoints, the prediction slots
    /// and the learned processing time. One instance per key and base URI in the process, shared by every command
    /// of a PowerShell session, so that two batches at once still stay inside the limits together.
    /// </summary>
    public sealed class ServiceBudget
    {
        private static readonly ConcurrentDictionary<string, ServiceBudget> SharedBudgets = new ConcurrentDictionary<string, ServiceBudget>();

        public ServiceBudget(ServiceLimits limits)
        {
            if (limits == null) throw new ArgumentNullException(nameof(limits));
            RunWindow = new RateWindow(limits.RunRequests, limits.RunWindow);
            StatusWindow = new RateWindow(limits.StatusRequests, limits.StatusWindow);
            CreditsWindow = new RateWindow(limits.CreditsRequests, limits.CreditsWindow);
            Slots = new PredictionSlots(limits.ConcurrentPredictions);
            Durations = new DurationEstimator();
        }

        internal RateWindow RunWindow { get; }
        internal RateWindow StatusWindow { get; }
        internal RateWindow CreditsWindow { get; }

        public PredictionSlots Slots { get; }

        public DurationEstimator Durations { get; }

        /// <summary>The budget for this key at this base URI; the key is held only as a hash.</summary>
        public static ServiceBudget GetShared(Uri baseUri, string apiKey, ServiceLimits limits)
        {
            string keyHash;
            using (var sha = SHA256.Create())
            {
                keyHash = Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(apiKey)));
            }
            return SharedBudgets.GetOrAdd(baseUri.AbsoluteUri + "|" + keyHash, _ => new ServiceBudget(limits));
        }
    }
}
