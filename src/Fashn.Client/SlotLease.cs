using System;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// One taken place in the key's <see cref="PredictionSlots"/> (and, when they are shared, in the user's machine-wide
    /// <see cref="MachinePlaces"/>), given back exactly once: when its prediction is seen finished, at once when it
    /// started none, or, for a prediction left running (not waited for, timed out, Ctrl+C), by a background watcher
    /// once that prediction finishes. So every way out of a run hands it on alike.
    /// </summary>
    internal sealed class SlotLease : IDisposable
    {
        private readonly PredictionSlots _slots;
        private readonly IDisposable? _machinePlace;
        private readonly PredictionPoller _poller;
        private string? _predictionId;
        private bool _given;

        private SlotLease(PredictionSlots slots, IDisposable? machinePlace, PredictionPoller poller)
        {
            _slots = slots;
            _machinePlace = machinePlace;
            _poller = poller;
        }

        /// <param name="machineWait">How long a place taken by the user's other processes is waited for before the input fails.</param>
        public static async Task<SlotLease> TakeAsync(PredictionSlots slots, PredictionPoller poller, TimeSpan machineWait, CancellationToken cancellationToken)
        {
            await slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
            if (slots.Machine == null) return new SlotLease(slots, null, poller);
            try
            {
                var machinePlace = await slots.Machine.TakeAsync(machineWait,
                    () => FashnErrorCatalogue.ForMachinePlacesHeld(slots.Machine.Count, machineWait), cancellationToken).ConfigureAwait(false);
                return new SlotLease(slots, machinePlace, poller);
            }
            catch
            {
                slots.Release(finished: false);
                throw;
            }
        }

        /// <summary>The place now belongs to this running prediction.</summary>
        public void Holds(string predictionId) => _predictionId = predictionId;

        /// <summary>Its prediction was seen finished: the place is free, and the ceiling may climb back.</summary>
        public void Finished()
        {
            if (_given) return;
            _given = true;
            Release(finished: true);
        }

        public void Dispose()
        {
            if (_given) return;
            _given = true;
            if (_predictionId == null)
            {
                Release(finished: false);
                return;
            }
            // The prediction runs on at the service: its place stays taken until a watcher sees it finish.
            _poller.WatchInBackground(_predictionId, () => Release(finished: true));
        }

        private void Release(bool finished)
        {
            // The machine's place first: a process waiting for it may be quicker than this process's next input.
            _machinePlace?.Dispose();
            _slots.Release(finished);
        }
    }
}
