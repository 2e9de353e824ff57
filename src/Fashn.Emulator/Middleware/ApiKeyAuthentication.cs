using Fashn.Emulator.Errors;

namespace Fashn.Emulator.Middleware
{
    /// <summary>
    /// Answers 401 UnauthorizedAccess for an endpoint marked <see cref="EndpointRules.RequireApiKey"/> unless
    /// <c>Authorization: Bearer &lt;key&gt;</c> carries the one API key.
    /// </summary>
    internal sealed class ApiKeyAuthentication
    {
        private const string Bearer = "Bearer ";

        private readonly string _apiKey;

        public ApiKeyAuthentication(string apiKey) => _apiKey = apiKey;

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequired>() is null)
            {
                await next(context);
                return;
            }

            string header = context.Request.Headers.Authorization.ToString();
            if (header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
                && string.Equals(header.Substring(Bearer.Length).Trim(), _apiKey, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            await (header.Length == 0 ? ApiErrors.MissingApiKey() : ApiErrors.InvalidApiKey()).WriteAsync(context);
        }
    }
}
