using Fashn.Emulator.Inputs;
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
                    prediction.OutputPaths = saved.OutputFile is null ? null : folder.ExistingOutputs(saved.Id, prediction.OutputFileNames);
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

                foreach (InputImage image in prediction.Images.Where(image => !image.IsUrl && image.Problem is null))
                {
                    image.Bytes = folder.TryReadInput(saved.Id, image.Field);
                    if (image.Bytes is null)
                    {
                        image.Problem = $"The input was lost while the emulator was stopped ({DataFolder.InputFileNameOf(image.Field)} is missing from its data folder).";
                    }
                }

                lifecycle.Resume(prediction);
            }

            keeper.TrySave();
        }
    }
}
