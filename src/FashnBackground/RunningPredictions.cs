using System;
using System.Collections.Generic;
using System.Linq;
using Fashn.Client;

namespace FashnBackground
{
    /// <summary>
    /// The predictions of a batch still running at FASHN, so that a stop can say which ids to collect. Kept per input
    /// (one file can be in several rows with different prompts), updated from worker threads as statuses change.
    /// </summary>
    internal sealed class RunningPredictions
    {
        private readonly Dictionary<PredictionOutcome, string> _running = new Dictionary<PredictionOutcome, string>();
        private readonly object _gate = new object();

        public int Count
        {
            get { lock (_gate) return _running.Count; }
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

        /// <summary>The warning after a stop: each running id with its input; null when none is running.</summary>
        public string? StoppedMessage()
        {
            List<KeyValuePair<PredictionOutcome, string>> running;
            lock (_gate) running = _running.ToList();
            if (running.Count == 0) return null;
            var lines = string.Join(Environment.NewLine, running.Select(p => $"  {p.Value}  {p.Key.Source}"));
            return $"Stopped with {running.Count} prediction(s) still running at FASHN. Collect them with " +
                   $"Get-FashnPrediction -Id <id> -Wait | Save-FashnOutput:{Environment.NewLine}{lines}";
        }
    }
}
