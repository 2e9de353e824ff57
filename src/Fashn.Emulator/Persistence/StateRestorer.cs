using Fashn.Emulator.Models;
using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Persistence
{
    /// <summary>Takes back the predictions of an earlier run at start: finished ones are served again, running ones resume.</summary>
    internal static class StateRestorer
    {
        public static void Restore(
            SavedState state, DataFolder folder, ModelCatalogue models, OutputLifetimes lifetimes, PredictionStore store, PredictionLifecycle lifecycle, StateKeeper keeper)
        {
            DateTime now = DateTime.UtcNow;
            foreach (SavedPrediction saved in state.Predictions)
            {
                Prediction prediction = SavedPredictionMapping.FromSaved(saved, models);
                if (prediction.IsFinished)
                {
                    prediction.OutputPath = folder.ExistingOutput(saved.Id, saved.OutputFile);
                    if (!lifetimes.IsCdnExpired(prediction, now))
                    {
                        store.Add(prediction);
                    }
                    else
                    {
                        folder.DeletePredictionFiles(saved.Id);
                    }

                    continue;
                }

                if (saved.ImageUrl is null && saved.InputProblem is null)
                {
                    prediction.InputBytes = folder.TryReadInput(saved.Id);
                    if (prediction.InputBytes is null)
                    {
                        prediction.InputProblem = "The input was lost while the emulator was stopped (input.bin is missing from its data folder).";
                    }
                }

                lifecycle.Resume(prediction);
            }

            keeper.TrySave();
        }
    }
}
