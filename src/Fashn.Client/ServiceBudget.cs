using System;
using System.Collections.Concurrent;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Fashn.Client
{
    /// <summary>
    /// What one API key may spend at one service: the rate windows of the three endpoints (handed to the HTTP client),
    /// the prediction slots and the learned processing time (the runner's). One instance per key and base URI in the
    /// process, shared by every command of a PowerShell session; with a key folder (<see cref="GetShared"/>), the
    /// places and windows are shared by every process of the user on the machine too, so that two batches at once, in
    /// one session or in two, still stay inside the limits together.
    /// </summary>
    public sealed class ServiceBudget
    {
        private static readonly ConcurrentDictionary<string, ServiceBudget> SharedBudgets = new ConcurrentDictionary<string, ServiceBudget>();

        /// <param name="keyFolder">
        /// The key's folder for the machine-wide places and windows (<see cref="KeyFolder"/>); null to keep them in this
        /// process alone, as the client's own tests do.
        /// </param>
        public ServiceBudget(ServiceLimits limits, string? keyFolder = null)
        {
            if (limits == null) throw new ArgumentNullException(nameof(limits));
            var places = keyFolder == null ? null : MachinePlaces.Open(keyFolder, limits.ConcurrentPredictions);
            // A profile where the folder cannot be made (read-only, full) still runs, each process on its own budget.
            var shared = places != null ? keyFolder : null;
            Windows = new RequestWindows(limits, shared);
            Slots = new PredictionSlots(limits.ConcurrentPredictions, places);
            Durations = shared == null ? new DurationEstimator()
                : new DurationEstimator(new SharedWindowFile(Path.Combine(shared, "polls.window")), new SharedDurationsFile(Path.Combine(shared, "durations.log")));
            SharedFolder = shared;
        }

        public RequestWindows Windows { get; }

        public PredictionSlots Slots { get; }

        public DurationEstimator Durations { get; }

        /// <summary>The folder shared with the user's other processes, or null when this budget is the process's own.</summary>
        public string? SharedFolder { get; }

        /// <summary>The budget for this key at this base URI, shared with the user's other processes on this machine.</summary>
        public static ServiceBudget GetShared(FashnClientOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var folder = KeyFolder(options, out var hash);
            return SharedBudgets.GetOrAdd(hash, _ => new ServiceBudget(options.Limits, folder));
        }

        /// <summary>
        /// The per-user folder of a key at a base URI: LocalApplicationData/FashnBackground/keys/&lt;hash&gt; (or
        /// $env:FASHN_KEYS_FOLDER/&lt;hash&gt;), named by a SHA-256 of the two, so the key itself is never written anywhere;
        /// null when the user has no such folder.
        /// </summary>
        public static string? KeyFolder(FashnClientOptions options) => KeyFolder(options, out _);

        private static string? KeyFolder(FashnClientOptions options, out string hash)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            using (var sha = SHA256.Create())
            {
                var digest = sha.ComputeHash(Encoding.UTF8.GetBytes(options.BaseUri.AbsoluteUri + "\n" + options.ApiKey));
                hash = BitConverter.ToString(digest, 0, 16).Replace("-", "").ToLowerInvariant();
            }
            var chosen = Environment.GetEnvironmentVariable(FashnClientOptions.KeysFolderVariable);
            if (!string.IsNullOrWhiteSpace(chosen)) return Path.Combine(Path.GetFullPath(chosen!.Trim()), hash);
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            // No profile at all (HOME unset in a service account): a relative folder would land in the current one.
            return string.IsNullOrEmpty(data) ? null : Path.Combine(data, "FashnBackground", "keys", hash);
        }
    }
}
