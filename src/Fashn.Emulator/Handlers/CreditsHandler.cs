using Fashn.Emulator.Accounting;

namespace Fashn.Emulator.Handlers
{
    /// <summary><c>GET /v1/credits</c>: the balance, subscription credits apart.</summary>
    internal sealed class CreditsHandler
    {
        private readonly CreditAccount _credits;

        public CreditsHandler(CreditAccount credits) => _credits = credits;

        public IResult Handle()
        {
            (long total, long subscription, long onDemand) = _credits.Balance;
            return Results.Json(new { credits = new { total, subscription, on_demand = onDemand } });
        }
    }
}
