namespace Fashn.Emulator.Middleware
{
    /// <summary>Marks an endpoint that needs the API key (see <see cref="ApiKeyAuthentication"/>).</summary>
    internal sealed class ApiKeyRequired
    {
        public static readonly ApiKeyRequired Instance = new();
    }

    /// <summary>An endpoint's rate-limit group: at most <paramref name="Limit"/> requests per window (unscaled seconds) and key.</summary>
    internal sealed record RateLimit(string Group, int Limit, double WindowSeconds);

    /// <summary>What the route table says of each endpoint, read by the middleware.</summary>
    internal static class EndpointRules
    {
        public static RouteHandlerBuilder RequireApiKey(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(ApiKeyRequired.Instance);

        public static RouteHandlerBuilder WithRateLimit(this RouteHandlerBuilder endpoint, string group, int limit, double windowSeconds) =>
            endpoint.WithMetadata(new RateLimit(group, limit, windowSeconds));
    }
}
