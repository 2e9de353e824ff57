using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Middleware
{
    /// <summary>
    /// Counts every request by method, route and the status really answered: connections dropped on purpose (0),
    /// requests the client abandoned (499), Kestrel's refusals (413) and failures (500) included.
    /// </summary>
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
            int? status = null;
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
            {
                // Kestrel's own refusals (a body over the size limit is 413) get the API's JSON error, and their status.
                status = exception.StatusCode;
                await new Errors.ApiError(exception.StatusCode, Errors.ApiErrorCodes.BadRequest, exception.Message).WriteAsync(context);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away before the answer was sent.
                status = EmulatorStats.AbandonedStatus;
            }
            catch (Exception)
            {
                // Any other failure is answered 500 by the server: counted as such, not as the 200 the response held.
                status = 500;
                throw;
            }
            finally
            {
                bool dropped = context.Items.ContainsKey(DroppedItem);
                _stats.CountRequest(method, path, dropped ? EmulatorStats.DroppedStatus : status ?? context.Response.StatusCode);
            }
        }
    }
}
