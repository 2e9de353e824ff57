using Fashn.Emulator.Persistence;

namespace Fashn.Emulator.Predictions
{
    /// <summary>
    /// Keeps memory and disk bounded: forgets finished predictions whose output lifetime has ended (404 from then on)
    /// and deletes their files, and deletes base64 outputs once they read "&lt;base64&gt;_expired".
    /// </summary>
    internal sealed class ExpirySweeper
    {
        private readonly PredictionStore _store;
        private readonly OutputLifetimes _lifetimes;
        private readonly DataFolder _folder;
        private readonly StateKeeper _state;
        private readonly CancellationTokenSource _stopping = new();
        private Task _loop = Task.CompletedTask;

        public ExpirySweeper(PredictionStore store, OutputLifetimes lifetimes, DataFolder folder, StateKeeper state)
        {
            _store = store;
            _lifetimes = lifetimes;
            _folder = folder;
            _state = state;
        }

        public void Start() => _loop = Task.Run(SweepLoopAsync);

        public async Task StopAsync()
        {
            _stopping.Cancel();
            await _loop;
            _stopping.Dispose();
        }

        private async Task SweepLoopAsync()
        {
            // Sweep often enough for tiny scaled lifetimes, never more than a few times a second.
            double shortest = Math.Min(_lifetimes.Cdn.TotalSeconds, _lifetimes.Base64.TotalSeconds);
            var interval = TimeSpan.FromSeconds(Math.Clamp(shortest / 4, 0.05, 5));
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stopping.Token))
                {
                    Sweep(DateTime.UtcNow);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Sweep(DateTime now)
        {
            bool changed = false;
            foreach (Prediction prediction in _store.All)
            {
                if (!prediction.IsFinished)
                {
                    continue;
                }

                if (_lifetimes.IsCdnExpired(prediction, now))
                {
                    _store.Remove(prediction);
                    DeleteOutput(prediction);
                    changed = true;
                }
                else if (prediction.Inputs.ReturnBase64 && prediction.OutputPaths is not null && _lifetimes.IsBase64Expired(prediction, now))
                {
                    // Base64 outputs are not kept once they read "<base64>_expired".
                    DeleteOutput(prediction);
                    changed = true;
                }
            }

            if (changed)
            {
                _state.TrySave();
            }
        }

        private void DeleteOutput(Prediction prediction)
        {
            prediction.OutputPaths = null;
            _folder.DeletePredictionFiles(prediction.Id);
        }
    }
}
