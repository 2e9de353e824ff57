using System.Text.Json.Serialization;
using Fashn.Emulator.Accounting;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Faults;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Middleware;
using Fashn.Emulator.Models;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Requests;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Handlers
{
    /// <summary><c>POST /v1/run</c>: reads and checks the body, admits the prediction, creates and starts it.</summary>
    internal sealed class RunHandler
    {
        private readonly EmulatorOptions _options;
        private readonly RunRequestParser _parser;
        private readonly PredictionAdmission _admission;
        private readonly PredictionLifecycle _lifecycle;
        private readonly EmulatorStats _stats;

        public RunHandler(EmulatorOptions options, ModelCatalogue models, PredictionAdmission admission, PredictionLifecycle lifecycle, EmulatorStats stats)
        {
            _options = options;
            _parser = new RunRequestParser(models, options.AllowRemoteWebhooks);
            _admission = admission;
            _lifecycle = lifecycle;
            _stats = stats;
        }

        public async Task<IResult> HandleAsync(HttpContext context)
        {
            byte[] body = await RequestBodyReader.ReadAsync(context.Request, _options.UploadBytesPerSecond, context.RequestAborted);
            if (!_parser.TryParse(body, context.Request.Query["webhook_url"].ToString(), out RunRequest? request, out string problem))
            {
                return ApiErrors.BadRequest(problem).ToResult();
            }

            var prediction = new Prediction(Prediction.NewId(), request);
            if (_admission.TryAdmit(prediction.Credits) is ApiError refusal)
            {
                _stats.CountRejected(refusal.Code);
                return refusal.ToResult();
            }

            Fault? fault = FaultInjection.RunFault(context);
            if (fault?.Kind == FaultKind.Fail)
            {
                prediction.InjectedFailure = fault.FailName;
                _stats.CountFault(fault.Label);
            }

            InputImageIntake.Read(prediction, _stats);
            _lifecycle.Start(prediction);

            if (fault?.Kind == FaultKind.DropAfterCreate)
            {
                // The dangerous case for clients: the prediction exists but the answer is lost.
                _stats.CountFault(fault.Label);
                RequestCounting.DropConnection(context);
                return Results.Empty;
            }

            if (fault?.Kind == FaultKind.SlowAfterCreate)
            {
                // As dangerous: the prediction exists, and a client whose timeout is shorter never sees its id.
                _stats.CountFault(fault.Label);
                await Task.Delay(TimeSpan.FromSeconds(fault.SlowSeconds), context.RequestAborted);
            }

            return Results.Json(new RunAnswer(prediction.Id, null));
        }
    }

    /// <summary>The JSON of a successful <c>POST /v1/run</c>.</summary>
    internal sealed record RunAnswer(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("error")] string? Error);
}
