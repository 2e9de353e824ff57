using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Handlers
{
    /// <summary><c>GET /cdn/{id}/{file}</c>: serves an output like FASHN's CDN: public (no key), until the output lifetime ends.</summary>
    internal sealed class CdnHandler
    {
        private readonly PredictionStore _store;
        private readonly OutputLifetimes _lifetimes;

        public CdnHandler(PredictionStore store, OutputLifetimes lifetimes)
        {
            _store = store;
            _lifetimes = lifetimes;
        }

        public IResult Handle(string id, string file)
        {
            if (!_store.TryGet(id, out Prediction prediction)
                || prediction.Inputs.ReturnBase64
                || _lifetimes.IsCdnExpired(prediction, DateTime.UtcNow)
                || prediction.OutputPaths is not string[] paths)
            {
                return Results.NotFound();
            }

            int index = prediction.OutputFileNames.ToList().IndexOf(file);
            if (index < 0 || !File.Exists(paths[index]))
            {
                return Results.NotFound();
            }

            return Results.File(paths[index], prediction.OutputContentType);
        }
    }
}
