using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fashn.Emulator.Persistence
{
    /// <summary>Reads and writes <c>state.json</c>; a write goes to a temporary file renamed over the old one, so a crash leaves one or the other whole.</summary>
    internal sealed class StateFile
    {
        public const string FileName = "state.json";
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        private readonly string _path;

        public StateFile(string dataDirectory) => _path = Path.Combine(dataDirectory, FileName);

        /// <summary>The saved state, or null for a folder that has none yet.</summary>
        public SavedState? Load()
        {
            if (!File.Exists(_path))
            {
                return null;
            }

            try
            {
                SavedState? state = JsonSerializer.Deserialize<SavedState>(File.ReadAllBytes(_path), Json);
                if (state is null || state.Version != 1)
                {
                    throw new InvalidOperationException($"The emulator state file {_path} has an unknown version; delete it to start afresh.");
                }

                return state;
            }
            catch (JsonException exception)
            {
                throw new InvalidOperationException($"The emulator state file {_path} is not valid JSON ({exception.Message}); delete it to start afresh.");
            }
        }

        public void Save(SavedState state)
        {
            string temporary = _path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, state, Json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
        }
    }
}
