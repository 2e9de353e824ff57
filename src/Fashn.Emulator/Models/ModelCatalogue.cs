namespace Fashn.Emulator.Models
{
    /// <summary>The models this emulator serves, by <c>model_name</c>. Serving a new model is one more entry here.</summary>
    internal sealed class ModelCatalogue
    {
        private readonly PredictionModel[] _models;
        private readonly HashSet<string> _retired;

        public ModelCatalogue(EmulatorOptions options)
        {
            _retired = new HashSet<string>(options.RetiredModels, StringComparer.Ordinal);
            _models = new PredictionModel[]
            {
                new BackgroundChangeModel(options.ProcessingSeconds),
                new EditModel(options.EditProcessingSeconds, options.EditCreditsPerImage),
            };
        }

        /// <summary>The served names as a 400 for an unknown model lists them, e.g. <c>'background-change'</c>.</summary>
        public string Names => string.Join(", ", _models.Where(model => !_retired.Contains(model.Name)).Select(model => $"'{model.Name}'"));

        /// <summary>The model of an existing prediction, retired or not.</summary>
        public PredictionModel? Find(string name) => _models.FirstOrDefault(model => model.Name == name);

        /// <summary>The model for a new run; null for one not served, or retired (<c>--retired-models</c>).</summary>
        public PredictionModel? FindServed(string name) => _retired.Contains(name) ? null : Find(name);
    }
}
