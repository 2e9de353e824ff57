using System.Collections.Concurrent;

namespace Fashn.Emulator.Predictions
{
    /// <summary>The predictions the emulator tracks, by id: from their creation until their output lifetime ends.</summary>
    internal sealed class PredictionStore
    {
        private readonly ConcurrentDictionary<string, Prediction> _predictions = new(StringComparer.Ordinal);

        public int Count => _predictions.Count;

        /// <summary>A snapshot of the tracked predictions.</summary>
        public ICollection<Prediction> All => _predictions.Values;

        public bool TryGet(string id, out Prediction prediction) => _predictions.TryGetValue(id, out prediction!);

        public void Add(Prediction prediction) => _predictions[prediction.Id] = prediction;

        public void Remove(Prediction prediction) => _predictions.TryRemove(prediction.Id, out _);
    }
}
