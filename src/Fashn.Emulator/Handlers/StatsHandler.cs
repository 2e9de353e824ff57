using System.Text.Json;
using Fashn.Emulator.Accounting;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;

namespace Fashn.Emulator.Handlers
{
    /// <summary><c>GET /_emulator/stats</c>: the emulator's counters, for tests and benchmarks (no key).</summary>
    internal sealed class StatsHandler
    {
        private static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web);

        private readonly EmulatorStats _stats;
        private readonly PredictionStore _store;
        private readonly CreditAccount _credits;

        public StatsHandler(EmulatorStats stats, PredictionStore store, CreditAccount credits)
        {
            _stats = stats;
            _store = store;
            _credits = credits;
        }

        public IResult Handle() => Results.Json(_stats.Snapshot(_store.Count, _credits.Balance.Total), CamelCase);
    }
}
