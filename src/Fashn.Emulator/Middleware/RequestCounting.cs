using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Middleware
{
    /// <summary>Counts every request by method, route and final status, connections dropped on purpose included.</summary>
    internal sealed class RequestCounting
    {
        private const string DroppedItem = "fashn.dropped";

        private readonly EmulatorStats _stats;

        public RequestCounting(EmulatorStats stats) => _stats = stats;

        /// <summary>Aborts the connection with no answer; the request is counted as dropped.</summary>
        public static void DropConnection(HttpContext context)
        {
            context.Items[DroppedItem] = true;
            context.Abort();
        }

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            string method = context.Request.Method;
            string path = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
            try
            {
                await next(context);
            }
            finally
            {
                bool dropped = context.Items.ContainsKey(DroppedItem);
                _stats.CountRequest(method, path, dropped ? EmulatorStats.DroppedStatus : context.Response.StatusCode);
            }
        }
    }
}
