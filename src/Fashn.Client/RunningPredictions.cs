using System;
using System.Collections.Generic;
using System.Linq;

namespace Fashn.Client
{
    /// <summary>
    /// The runner's predictions still running at FASHN, so that a stop can say which ids to collect. Kept per input
    /// (one file can be in several rows with different prompts), updated from worker threads as statuses change.
    /// </summary>
    internal sealed class RunningPredictions
    {
        private readonly Dictionary<PredictionOutcome, string> _running = new Dictionary<PredictionOutcome, string>();
        private readonly object _gate = new object();

        public int Count
        {
            get { lock (_gate) return _running.Values.Distinct(StringComparer.Ordinal).Count(); }
        }

        public void Track(PredictionOutcome outcome)
        {
            if (outcome.Id != null && outcome.Status != null && !outcome.Status.IsFinished)
            {
                lock (_gate) _running[outcome] = outcome.Id;
            }
        }

        public void Remove(PredictionOutcome outcome)
        {
            lock (_gate) _running.Remove(outcome);
        }

        /// <summary>
        /// Each prediction once: inputs with the same content and settings share one (the others collect it), and it
        /// is named with each of their sources.
        /// </summary>
        public IReadOnlyList<RunningPrediction> Snapshot()
        {
            lock (_gate)
            {
                return _running.GroupBy(p => p.Value, StringComparer.Ordinal)
                    .Select(g => new RunningPrediction(g.Key, string.Join(", ", g.Select(p => p.Key.Source).Distinct(StringComparer.Ordinal))))
                    .ToList();
            }
        }
    }

    /// <summary>A prediction still running at FASHN, and the input it was made for.</summary>
    public sealed class RunningPrediction
    {
        public RunningPrediction(string id, string source)
        {
            Id = id;
            Source = source;
        }

        public string Id { get; }
        public string Source { get; }
    }
}
