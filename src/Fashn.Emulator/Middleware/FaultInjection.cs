using Fashn.Emulator.Errors;
using Fashn.Emulator.Faults;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Middleware
{
    /// <summary>
    /// Applies the fault of a /v1 request (the <c>X-Emulator-Fault</c> header, or one drawn at the option rates):
    /// a 429 or 500 in place of the answer, a gateway's HTML 502 or 503, a dropped connection, a late answer. The
    /// faults that need the prediction to exist (<c>fail:</c>, <c>canceled</c>, <c>time_out</c>, <c>drop-after-create</c>,
    /// <c>slow-after-create:</c>) are left for the run handler.
    /// </summary>
    internal sealed class FaultInjection
    {
        private const string RunFaultItem = "fashn.fault";

        private readonly FaultInjector _faults;
        private readonly bool _sendRetryAfter;
        private readonly EmulatorStats _stats;

        public FaultInjection(EmulatorOptions options, EmulatorStats stats)
        {
            _faults = new FaultInjector(options);
            _sendRetryAfter = options.SendsRetryAfter;
            _stats = stats;
        }

        /// <summary>The fault the run handler applies once the prediction exists, or null.</summary>
        public static Fault? RunFault(HttpContext context) =>
            context.Items.TryGetValue(RunFaultItem, out object? item) ? item as Fault : null;

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            if (context.Request.Path.StartsWithSegments("/v1"))
            {
                bool isRun = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText == "/v1/run";
                Fault fault;
                if (context.Request.Headers.TryGetValue(FaultInjector.HeaderName, out var header))
                {
                    Fault? parsed = FaultInjector.Parse(header.ToString());
                    if (parsed is null)
                    {
                        await ApiErrors.UnknownFaultHeader().WriteAsync(context);
                        return;
                    }

                    fault = parsed;
                }
                else
                {
                    fault = _faults.Draw(isRun);
                }

                if (await ApplyTransportFaultAsync(context, fault, isRun))
                {
                    return;
                }
            }

            await next(context);
        }

        /// <summary>Applies a fault that replaces or delays the answer; true when the request is finished.</summary>
        private async Task<bool> ApplyTransportFaultAsync(HttpContext context, Fault fault, bool isRun)
        {
            switch (fault.Kind)
            {
                case FaultKind.Status429:
                    _stats.CountFault(fault.Label);
                    if (_sendRetryAfter)
                    {
                        context.Response.Headers.RetryAfter = "1";
                    }

                    await ApiErrors.InjectedRateLimit().WriteAsync(context);
                    return true;
                case FaultKind.Status500:
                    _stats.CountFault(fault.Label);
                    await ApiErrors.InjectedServerError().WriteAsync(context);
                    return true;
                case FaultKind.Gateway502:
                case FaultKind.Gateway503:
                    _stats.CountFault(fault.Label);
                    await WriteGatewayPageAsync(context, fault.Kind == FaultKind.Gateway502 ? 502 : 503);
                    return true;
                case FaultKind.Drop:
                case FaultKind.DropAfterCreate when !isRun:
                    _stats.CountFault("drop");
                    RequestCounting.DropConnection(context);
                    return true;
                case FaultKind.Slow:
                case FaultKind.SlowAfterCreate when !isRun:
                    _stats.CountFault("slow");
                    await Task.Delay(TimeSpan.FromSeconds(fault.SlowSeconds), context.RequestAborted);
                    return false;
                default:
                    if (fault.AppliesToCreatedPrediction)
                    {
                        context.Items[RunFaultItem] = fault;
                    }

                    return false;
            }
        }

        /// <summary>What a proxy in front of the service answers when it cannot reach it: an HTML page, not FASHN's JSON.</summary>
        private static Task WriteGatewayPageAsync(HttpContext context, int status)
        {
            string title = status == 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable";
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync($"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n");
        }
    }
}
