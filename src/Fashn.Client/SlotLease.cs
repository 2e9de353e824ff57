using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// One taken place in the key's <see cref="PredictionSlots"/>, given back exactly once: when its prediction is
    /// seen finished, at once when it started none, or, for a prediction left running (not waited for, timed out,
    /// Ctrl+C), by a background watcher once that prediction finishes. So every way out of a run hands it on alike.
    /// </summary>
    internal sealed class SlotLease : System.IDisposable
    {
        private readonly PredictionSlots _slots;
        private readonly PredictionPoller _poller;
        private string? _predictionId;
        private bool _given;

        private SlotLease(PredictionSlots slots, PredictionPoller poller)
        {
            _slots = slots;
            _poller = poller;
        }

        public static async Task<SlotLease> TakeAsync(PredictionSlots slots, PredictionPoller poller, CancellationToken cancellationToken)
        {
            await slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
            return new SlotLease(slots, poller);
        }

        /// <summary>The place now belongs to this running prediction.</summary>
        public void Holds(string predictionId) => _predictionId = predictionId;

        /// <summary>Its prediction was seen finished: the place is free, and the ceiling may climb back.</summary>
        public void Finished()
        {
            if (_given) return;
            _given = true;
            _slots.Release(finished: true);
        }

        public void Dispose()
        {
            if (_given) return;
            _given = true;
            if (_predictionId == null)
            {
                _slots.Release(finished: false);
                return;
            }
            // The prediction runs on at the service: its place stays taken until a watcher sees it finish.
            _poller.WatchInBackground(_predictionId, () => _slots.Release(finished: true));
        }
    }
}
