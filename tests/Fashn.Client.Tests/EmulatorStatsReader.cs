using System.Text.Json;
using Fashn.Emulator;

namespace Fashn.Client.Tests;

/// <summary>What an in-process emulator counted (GET /_emulator/stats): requests by status, predictions, inputs.</summary>
internal static class EmulatorStatsReader
{
    public static async Task<JsonElement> ReadAsync(EmulatorServer emulator)
    {
        using var http = new HttpClient();
        return JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator.BaseUri, "_emulator/stats"))).RootElement;
    }
}
