using System.Globalization;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Handlers
{
    /// <summary><c>GET /v1/status/{id}</c>: the prediction as it stands, or 404 once it is unknown or expired.</summary>
    internal sealed class StatusHandler
    {
        private readonly PredictionStore _store;
        private readonly OutputLifetimes _lifetimes;
        private readonly StatusAnswers _answers;

        public StatusHandler(PredictionStore store, OutputLifetimes lifetimes, StatusAnswers answers)
        {
            _store = store;
            _lifetimes = lifetimes;
            _answers = answers;
        }

        public IResult Handle(HttpContext context, string id)
        {
            DateTime now = DateTime.UtcNow;
            if (!_store.TryGet(id, out Prediction prediction) || _lifetimes.IsCdnExpired(prediction, now))
            {
                return ApiErrors.PredictionNotFound().ToResult();
            }

            var requestBase = new Uri($"{context.Request.Scheme}://{context.Request.Host}/");
            StatusBody body = _answers.Describe(prediction, requestBase, now);
            if (body.Status == PredictionStatuses.Completed)
            {
                context.Response.Headers["x-fashn-credits-used"] = prediction.Credits.ToString(CultureInfo.InvariantCulture);
            }

            return Results.Json(body);
        }
    }
}
