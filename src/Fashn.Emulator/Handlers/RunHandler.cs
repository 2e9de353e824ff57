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
    /// <summary><c>POST /v1/run</c>: reads and checks the body and its images, admits the prediction, creates and starts it.</summary>
    internal sealed class RunHandler
    {
        /// <summary>The stats' name for a body answered 500 for its size.</summary>
        public const string OversizedBodyFault = "oversized-body";

        private readonly EmulatorOptions _options;
        private readonly RunRequestParser _parser;
        private readonly PredictionAdmission _admission;
        private readonly PredictionLifecycle _lifecycle;
        private readonly PredictionTiming _timing;
        private readonly EmulatorStats _stats;

        public RunHandler(EmulatorOptions options, ModelCatalogue models, PredictionAdmission admission, PredictionLifecycle lifecycle, EmulatorStats stats)
        {
            _options = options;
            _parser = new RunRequestParser(models, options.AllowRemoteWebhooks);
            _admission = admission;
            _lifecycle = lifecycle;
            _timing = new PredictionTiming(options);
            _stats = stats;
        }

        public async Task<IResult> HandleAsync(HttpContext context)
        {
            byte[] body = await RequestBodyReader.ReadAsync(context.Request, _options.UploadBytesPerSecond, context.RequestAborted);
            if (_options.MaxRunBodyBytes > 0 && body.Length > _options.MaxRunBodyBytes)
            {
                _stats.CountFault(OversizedBodyFault);
                return ApiErrors.OversizedBody(body.Length, _options.MaxRunBodyBytes).ToResult();
            }

            if (!_parser.TryParse(body, context.Request.Query["webhook_url"].ToString(), out RunRequest? request, out string problem))
            {
                return ApiErrors.BadRequest(problem).ToResult();
            }

            var prediction = new Prediction(Prediction.NewId(), request);
            // Data URIs are decoded now, so that images whose sizes do not go together are refused before anything is created.
            InputImageIntake.Decode(prediction);
            var known = prediction.Images.Where(image => image.Info is not null).ToDictionary(image => image.Field, image => image.Info!);
            if (prediction.Model.ImageSizeProblem(known) is string sizeProblem)
            {
                return ApiErrors.BadRequest(sizeProblem).ToResult();
            }

            if (_admission.TryAdmit(prediction.Credits, out int alreadyRunning) is ApiError refusal)
            {
                _stats.CountRejected(refusal.Code);
                return refusal.ToResult();
            }

            prediction.Times = _timing.Draw(prediction.Model.ProcessingSeconds(prediction.Inputs), alreadyRunning);

            Fault? fault = FaultInjection.RunFault(context);
            if (fault?.Kind == FaultKind.Fail)
            {
                prediction.InjectedFailure = fault.FailName;
                _stats.CountFault(fault.Label);
            }
            else if (fault?.Kind is FaultKind.Canceled or FaultKind.TimeOut)
            {
                prediction.InjectedStatus = fault.Kind == FaultKind.Canceled ? PredictionStatuses.Canceled : PredictionStatuses.TimeOut;
                _stats.CountFault(fault.Label);
            }

            InputImageIntake.Count(prediction, _stats);
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
