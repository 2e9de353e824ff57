using Fashn.Emulator.Faults;
using Fashn.Emulator.Middleware;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Handlers
{
    /// <summary>
    /// <c>GET /cdn/{id}/{file}</c>: serves an output like FASHN's CDN: public (no key), until the output lifetime ends.
    /// At <see cref="EmulatorOptions.FaultCutDownloadRate"/> a download is cut half way, as a flaky proxy does.
    /// </summary>
    internal sealed class CdnHandler
    {
        private static readonly TimeSpan HalfSendTime = TimeSpan.FromMilliseconds(200);

        private readonly PredictionStore _store;
        private readonly OutputLifetimes _lifetimes;
        private readonly FaultInjector _faults;
        private readonly EmulatorStats _stats;

        public CdnHandler(PredictionStore store, OutputLifetimes lifetimes, EmulatorOptions options, EmulatorStats stats)
        {
            _store = store;
            _lifetimes = lifetimes;
            _faults = new FaultInjector(options);
            _stats = stats;
        }

        public async Task<IResult> HandleAsync(HttpContext context, string id, string file)
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

            if (_faults.DrawCutDownload())
            {
                await SendHalfAsync(context, paths[index], prediction.OutputContentType);
                return Results.Empty;
            }

            return Results.File(paths[index], prediction.OutputContentType);
        }

        /// <summary>Promises the whole file (Content-Length), sends the first half, then drops the connection.</summary>
        private async Task SendHalfAsync(HttpContext context, string path, string contentType)
        {
            _stats.CountFault("cut-download");
            byte[] bytes = await File.ReadAllBytesAsync(path, context.RequestAborted);
            context.Response.ContentType = contentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // Aborting at once can discard what is still queued for the socket: the half is given time to leave first.
            await Task.Delay(HalfSendTime, context.RequestAborted);
            RequestCounting.DropConnection(context);
        }
    }
}
