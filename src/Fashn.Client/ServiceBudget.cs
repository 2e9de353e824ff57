using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Fashn.Client
{
    /// <summary>
    /// What one API key may spend at one service: the rate windows of the three endpoints (handed to the HTTP client),
    /// the prediction slots and the learned processing time (the runner's). One instance per key and base URI in the
    /// process, shared by every command of a PowerShell session, so that two batches at once still stay inside the
    /// limits together.
    /// </summary>
    public sealed class ServiceBudget
    {
        private static readonly ConcurrentDictionary<string, ServiceBudget> SharedBudgets = new ConcurrentDictionary<string, ServiceBudget>();

        public ServiceBudget(ServiceLimits limits)
        {
            if (limits == null) throw new ArgumentNullException(nameof(limits));
            Windows = new RequestWindows(limits);
            Slots = new PredictionSlots(limits.ConcurrentPredictions);
            Durations = new DurationEstimator();
        }

        public RequestWindows Windows { get; }

        public PredictionSlots Slots { get; }

        public DurationEstimator Durations { get; }

        /// <summary>The budget for this key at this base URI; the key is held only as a hash.</summary>
        public static ServiceBudget GetShared(FashnClientOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            string keyHash;
            using (var sha = SHA256.Create())
            {
                keyHash = Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(options.ApiKey)));
            }
            return SharedBudgets.GetOrAdd(options.BaseUri.AbsoluteUri + "|" + keyHash, _ => new ServiceBudget(options.Limits));
        }
    }
}
