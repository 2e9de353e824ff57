using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fashn.Emulator
{
    /// <summary>
    /// What an emulator with an explicit data folder keeps across a restart, written whole to <c>state.json</c>.
    /// Request counts, rejections, faults and the peak of running predictions are not kept: they restart from zero.
    /// </summary>
    internal sealed class SavedState
    {
        public int Version { get; set; } = 1;
        public long SubscriptionCredits { get; set; }
        public long OnDemandCredits { get; set; }
        public long Created { get; set; }
        public long Completed { get; set; }
        public long Failed { get; set; }
        public List<SavedInput> Inputs { get; set; } = new();
        public List<SavedPrediction> Predictions { get; set; } = new();
    }

    internal sealed class SavedInput
    {
        public string Sha256 { get; set; } = "";
        public long Predictions { get; set; }
        public long Bytes { get; set; }
        public string? Format { get; set; }
        public int? Width { get; set; }
        public int? Height { get; set; }
    }

    internal sealed class SavedPrediction
    {
        public string Id { get; set; } = "";
        public string InputSha256 { get; set; } = "";

        /// <summary>The image URL; null for a data URI, whose decoded bytes wait in <c>&lt;id&gt;/input.bin</c> until it finishes.</summary>
        public string? ImageUrl { get; set; }
        public string? InputProblem { get; set; }
        public string? InjectedFailure { get; set; }
        public string Prompt { get; set; } = "";
        public long Seed { get; set; }
        public string OutputFormat { get; set; } = "png";
        public bool ReturnBase64 { get; set; }
        public string? WebhookUrl { get; set; }
        public string Status { get; set; } = PredictionStatuses.Starting;

        /// <summary>Time the prediction has spent running (starting, in_queue, processing) in earlier runs of the emulator.</summary>
        public double ActiveSeconds { get; set; }
        public long CreatedTicks { get; set; }

        /// <summary>UTC ticks when it finished; 0 while it runs. Expiry counts from here, the stopped time included.</summary>
        public long FinishedTicks { get; set; }
        public string? ErrorName { get; set; }
        public string? ErrorMessage { get; set; }

        /// <summary>The output's file name while it is on disk (null once expired, or when it failed).</summary>
        public string? OutputFile { get; set; }
        public int CreditsSpent { get; set; }
    }

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

    /// <summary>Holds <c>emulator.lock</c> in a data folder open and locked, so a second emulator on the same folder is refused.</summary>
    internal sealed class DataFolderLock : IDisposable
    {
        public const string FileName = "emulator.lock";
        private readonly FileStream _stream;

        private DataFolderLock(FileStream stream) => _stream = stream;

        public static DataFolderLock Acquire(string dataDirectory)
        {
            string path = Path.Combine(dataDirectory, FileName);
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix and a share lock on Windows.
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                stream.SetLength(0);
                byte[] owner = System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId}\n");
                stream.Write(owner);
                stream.Flush();
                return new DataFolderLock(stream);
            }
            catch (IOException)
            {
                throw new InvalidOperationException(
                    $"The data folder {dataDirectory} is already in use by another emulator (it holds {path}). Stop that emulator or choose another --data-dir.");
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
