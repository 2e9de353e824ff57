using System.Text.Json;

namespace Fashn.Bench;

/// <summary>One prediction of the emulator's timeline (GET /_emulator/predictions); times are UTC.</summary>
internal sealed record TimelineEntry(string Id, DateTime CreatedAt, DateTime? FinishedAt)
{
    public static List<TimelineEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(p => new TimelineEntry(
            p.GetProperty("id").GetString()!,
            p.GetProperty("createdAt").GetDateTime().ToUniversalTime(),
            p.GetProperty("finishedAt").ValueKind == JsonValueKind.Null ? null : p.GetProperty("finishedAt").GetDateTime().ToUniversalTime())).ToList();
    }
}

/// <summary>
/// How busy the key's places were, from the service's side: utilisation = sum of prediction lifetimes (created to
/// finished) / (places x span), the span from the first creation to the last finish. Each prediction takes the
/// place freed earliest, so the empty place-time splits into the first wave's start (a place not yet used), refills
/// (a place freed and not yet taken again: what a scheduler can shorten) and the last wave's end (a place with no
/// image left; with varying times the last wave finishes unevenly).
/// </summary>
internal sealed record PlaceUse(
    int Predictions, DateTime FirstCreated, double SpanSeconds, double Utilisation, double EmptySeconds,
    double FirstWaveSeconds, double RefillSeconds, double LargestRefillSeconds, double LastWaveSeconds, double LargestEmptySeconds)
{
    public const int Places = 6;

    public static PlaceUse From(IReadOnlyList<TimelineEntry> timeline)
    {
        var finished = timeline.Where(p => p.FinishedAt != null).OrderBy(p => p.CreatedAt).ToList();
        if (finished.Count == 0) return new PlaceUse(0, default, 0, 0, 0, 0, 0, 0, 0, 0);
        var start = finished[0].CreatedAt;
        var end = finished.Max(p => p.FinishedAt!.Value);
        var span = (end - start).TotalSeconds;
        var lifetimes = finished.Sum(p => (p.FinishedAt!.Value - p.CreatedAt).TotalSeconds);
        var freeSince = Enumerable.Repeat(start, Places).ToArray();
        var used = new bool[Places];
        double firstWave = 0, refill = 0, largestRefill = 0, largest = 0;
        foreach (var prediction in finished)
        {
            var place = Array.IndexOf(freeSince, freeSince.Min());
            var empty = Math.Max(0, (prediction.CreatedAt - freeSince[place]).TotalSeconds);
            if (used[place])
            {
                refill += empty;
                largestRefill = Math.Max(largestRefill, empty);
            }
            else firstWave += empty;
            largest = Math.Max(largest, empty);
            used[place] = true;
            freeSince[place] = prediction.FinishedAt!.Value;
        }
        var lastWave = freeSince.Sum(t => (end - t).TotalSeconds);
        largest = Math.Max(largest, freeSince.Max(t => (end - t).TotalSeconds));
        return new PlaceUse(finished.Count, start, span, lifetimes / (Places * span), Places * span - lifetimes,
            firstWave, refill, largestRefill, lastWave, largest);
    }

    public string Describe() =>
        $"places (emulator timeline, {Predictions} predictions over {SpanSeconds:0.00} s): utilisation {Utilisation:0.000}; " +
        $"empty {EmptySeconds:0.00} place-s in all: first wave {FirstWaveSeconds:0.00}, refills {RefillSeconds:0.00} " +
        $"(largest {LargestRefillSeconds * 1000:0} ms), last wave {LastWaveSeconds:0.00}; largest time a place stood empty {LargestEmptySeconds * 1000:0} ms";
}
