using System.Text.Json;
using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Handlers
{
    /// <summary>
    /// <c>GET /_emulator/predictions</c>: every tracked prediction in the order of creation, with when it was created,
    /// entered processing and finished, so benchmarks and tests can see how long a place stood empty (no key).
    /// </summary>
    internal sealed class TimelineHandler
    {
        private static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web);

        private readonly PredictionStore _store;

        public TimelineHandler(PredictionStore store) => _store = store;

        public IResult Handle() => Results.Json(
            _store.All
                .OrderBy(prediction => prediction.CreatedTicks)
                .ThenBy(prediction => prediction.Id, StringComparer.Ordinal)
                .Select(Describe)
                .ToArray(),
            CamelCase);

        private static TimelineEntry Describe(Prediction prediction)
        {
            // Read the finish first: a prediction seen finished has its processing time set.
            long finished = Interlocked.Read(ref prediction.FinishedTicks);
            return new TimelineEntry(
                prediction.Id,
                prediction.Model.Name,
                prediction.Status,
                Utc(prediction.CreatedTicks)!.Value,
                Utc(Interlocked.Read(ref prediction.ProcessingTicks)),
                Utc(finished),
                prediction.Times.ProcessingSeconds,
                prediction.Times.QueueDelaySeconds,
                prediction.Credits);
        }

        /// <summary>Null while the moment has not come (ticks 0). Serialised as ISO 8601 with a Z.</summary>
        private static DateTime? Utc(long ticks) => ticks == 0 ? null : new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>One prediction in the timeline; the drawn times are unscaled seconds, as the options give them.</summary>
    internal sealed record TimelineEntry(
        string Id,
        string Model,
        string Status,
        DateTime CreatedAt,
        DateTime? ProcessingAt,
        DateTime? FinishedAt,
        double PlannedProcessingSeconds,
        double QueueDelaySeconds,
        int Credits);
}
