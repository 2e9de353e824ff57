using Fashn.Emulator.Handlers;
using Fashn.Emulator.Middleware;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator
{
    /// <summary>The handler of each endpoint.</summary>
    internal sealed record EmulatorEndpoints(RunHandler Run, StatusHandler Status, CreditsHandler Credits, CdnHandler Cdn, StatsHandler Stats, TimelineHandler Timeline);

    /// <summary>
    /// The HTTP side in one place: Kestrel's limits, the middleware every request passes through in order, and the
    /// route table with what each endpoint requires.
    /// </summary>
    internal static class EmulatorApp
    {
        public static WebApplication Build(EmulatorOptions options, EmulatorStats stats, EmulatorEndpoints endpoints)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = Array.Empty<string>(),
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(options.Urls);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                // Large base64 payloads are exactly what the real service struggles with: bodies up to 64 MB are read, so that
                // --max-run-body-bytes can answer them as FASHN does (500); larger ones get Kestrel's 413.
                kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
                kestrel.AddServerHeader = !options.DocumentedHeadersOnly;
            });

            WebApplication app = builder.Build();

            // The path of a request. The route is matched first, so that every step knows the endpoint.
            app.UseRouting();
            // 1. Counted by route and final status, whoever answers it (drops and 401s included).
            app.Use(new RequestCounting(stats).InvokeAsync);
            // 2. Only /v1: an injected fault answers 429 or 500, drops the connection or answers late.
            app.Use(new FaultInjection(options, stats).InvokeAsync);
            // 3. Endpoints that require the API key: 401 UnauthorizedAccess without it.
            app.Use(new ApiKeyAuthentication(options.ApiKey).InvokeAsync);
            // 4. Endpoints with a rate limit: 429 RateLimitExceeded once their group's window is full.
            app.Use(new RateLimiting(options, stats).InvokeAsync);
            // 5. The endpoint's handler. (Delegate): as a RequestDelegate, the IResult of the run handler would be dropped.
            app.MapPost("/v1/run", (Delegate)endpoints.Run.HandleAsync)
                .RequireApiKey().WithRateLimit("run", options.RunLimit, options.RunWindowSeconds);
            app.MapGet("/v1/status/{id}", endpoints.Status.Handle)
                .RequireApiKey().WithRateLimit("status", options.StatusLimit, options.StatusWindowSeconds);
            app.MapGet("/v1/credits", endpoints.Credits.Handle)
                .RequireApiKey().WithRateLimit("credits", options.CreditsLimit, options.CreditsWindowSeconds);
            app.MapGet("/cdn/{id}/{file}", (Delegate)endpoints.Cdn.HandleAsync);
            app.MapGet("/_emulator/stats", endpoints.Stats.Handle);
            app.MapGet("/_emulator/predictions", endpoints.Timeline.Handle);
            return app;
        }
    }
}
