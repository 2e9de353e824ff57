using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace FashnBackground
{
    /// <summary>
    /// The predictions this PowerShell process has seen, so that Get-FashnPrediction can say which file an id came
    /// from (Save-FashnOutput names files after it) and -Id can be tab-completed. Bounded: the oldest are forgotten.
    /// </summary>
    internal static class PredictionHistory
    {
        private const int Capacity = 5000;
        private static readonly ConcurrentDictionary<string, FashnPrediction> ById = new ConcurrentDictionary<string, FashnPrediction>();
        private static readonly ConcurrentQueue<string> Order = new ConcurrentQueue<string>();

        public static void Remember(FashnPrediction prediction)
        {
            if (string.IsNullOrEmpty(prediction.Id)) return;
            if (ById.TryAdd(prediction.Id!, prediction))
            {
                Order.Enqueue(prediction.Id!);
                while (Order.Count > Capacity && Order.TryDequeue(out var oldest)) ById.TryRemove(oldest, out _);
            }
            else
            {
                ById[prediction.Id!] = prediction;
            }
        }

        public static FashnPrediction? Find(string id) => ById.TryGetValue(id, out var prediction) ? prediction : null;

        /// <summary>Newest first.</summary>
        public static IReadOnlyList<FashnPrediction> All() =>
            Order.Reverse().Select(Find).Where(p => p != null).Select(p => p!).ToList();
    }
}
