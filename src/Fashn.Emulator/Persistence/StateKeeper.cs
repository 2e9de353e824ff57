using Fashn.Emulator.Accounting;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Persistence
{
    /// <summary>
    /// Writes the whole state (the balance, the counters that survive a restart, every tracked prediction) to
    /// <c>state.json</c> after every change, when the data folder keeps it; does nothing for a temporary folder.
    /// </summary>
    internal sealed class StateKeeper
    {
        private readonly StateFile? _file;
        private readonly PredictionStore _store;
        private readonly CreditAccount _credits;
        private readonly EmulatorStats _stats;
        private readonly object _lock = new();
        private bool _closed;

        public StateKeeper(StateFile? file, PredictionStore store, CreditAccount credits, EmulatorStats stats)
        {
            _file = file;
            _store = store;
            _credits = credits;
            _stats = stats;
        }

        /// <summary>Saves the whole state. Throws when it cannot be written.</summary>
        public void Save()
        {
            if (_file is null)
            {
                return;
            }

            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }

                var state = new SavedState();
                _credits.SaveTo(state);
                _stats.SaveTo(state);
                state.Predictions = _store.All
                    .OrderBy(prediction => prediction.CreatedTicks)
                    .Select(SavedPredictionMapping.ToSaved)
                    .ToList();
                _file.Save(state);
            }
        }

        /// <summary>Saves from a background task; a failed write is made good by the next save.</summary>
        public void TrySave()
        {
            try
            {
                Save();
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>
        /// The last word at the stop: running predictions with the time they have run, so a restart resumes them from
        /// there. Nothing is saved after it.
        /// </summary>
        public void SaveLastAndClose()
        {
            TrySave();
            lock (_lock)
            {
                _closed = true;
            }
        }
    }
}
