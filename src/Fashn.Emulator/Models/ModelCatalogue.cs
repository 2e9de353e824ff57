namespace Fashn.Emulator.Models
{
    /// <summary>The models this emulator serves, by <c>model_name</c>. Serving a new model is one more entry here.</summary>
    internal sealed class ModelCatalogue
    {
        private readonly PredictionModel[] _models;

        public ModelCatalogue(EmulatorOptions options)
        {
            _models = new PredictionModel[]
            {
                new BackgroundChangeModel(options.ProcessingSeconds),
                new EditModel(options.EditProcessingSeconds, options.EditCreditsPerImage),
            };
        }

        /// <summary>The served names as a 400 for an unknown model lists them, e.g. <c>'background-change'</c>.</summary>
        public string Names => string.Join(", ", _models.Select(model => $"'{model.Name}'"));

        public PredictionModel? Find(string name) => _models.FirstOrDefault(model => model.Name == name);
    }
}
