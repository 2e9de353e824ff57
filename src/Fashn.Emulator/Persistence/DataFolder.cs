namespace Fashn.Emulator.Persistence
{
    /// <summary>
    /// The emulator's folder on disk: a sub-folder per prediction for its output and, while it runs, its decoded
    /// data-URI input (kept only when the state is). A given folder is locked for this emulator and keeps
    /// <c>state.json</c> across restarts; without one, a fresh temporary folder is used and deleted on dispose.
    /// </summary>
    internal sealed class DataFolder : IDisposable
    {
        /// <summary>Decoded data-URI input of a running prediction, kept only when the state is persisted.</summary>
        private const string InputFileName = "input.bin";

        private readonly DataFolderLock? _lock;

        private DataFolder(string root, DataFolderLock? folderLock, StateFile? stateFile)
        {
            Root = root;
            _lock = folderLock;
            StateFile = stateFile;
        }

        public string Root { get; }

        /// <summary>Where the state is saved after every change; null for a temporary folder, whose state is forgotten.</summary>
        public StateFile? StateFile { get; }

        public bool KeepsState => StateFile is not null;

        /// <summary>
        /// Opens <paramref name="given"/> (created if missing, locked, its <c>state.json</c> read into
        /// <paramref name="saved"/>), or a fresh temporary folder when it is null.
        /// </summary>
        public static DataFolder Open(string? given, out SavedState? saved)
        {
            saved = null;
            if (given is null)
            {
                string temporary = Path.Combine(Path.GetTempPath(), "fashn-emulator-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(temporary);
                return new DataFolder(temporary, folderLock: null, stateFile: null);
            }

            Directory.CreateDirectory(given);
            // A given folder keeps the state across restarts; only one emulator may use it at a time.
            DataFolderLock folderLock = DataFolderLock.Acquire(given);
            try
            {
                var stateFile = new StateFile(given);
                saved = stateFile.Load();
                return new DataFolder(given, folderLock, stateFile);
            }
            catch
            {
                folderLock.Dispose();
                throw;
            }
        }

        /// <summary>Keeps a running prediction's decoded input until it finishes, so that a restart can still render it.</summary>
        public void WriteInput(string id, byte[] input)
        {
            Directory.CreateDirectory(PredictionFolder(id));
            File.WriteAllBytes(InputFile(id), input);
        }

        /// <summary>The kept input of a prediction resumed after a restart; null when it is missing.</summary>
        public byte[]? TryReadInput(string id)
        {
            string path = InputFile(id);
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }

        public void DeleteInput(string id)
        {
            try
            {
                File.Delete(InputFile(id));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>Writes an output and returns its path.</summary>
        public async Task<string> WriteOutputAsync(string id, string fileName, byte[] output, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(PredictionFolder(id));
            string path = Path.Combine(PredictionFolder(id), fileName);
            await File.WriteAllBytesAsync(path, output, cancellationToken);
            return path;
        }

        /// <summary>The path of an output kept from an earlier run, or null when it is not on disk.</summary>
        public string? ExistingOutput(string id, string? fileName)
        {
            string? path = fileName is null ? null : Path.Combine(PredictionFolder(id), fileName);
            return path is not null && File.Exists(path) ? path : null;
        }

        /// <summary>Deletes a prediction's files; one that cannot be deleted now goes when a temporary folder is removed whole.</summary>
        public void DeletePredictionFiles(string id) => TryDeleteFolder(PredictionFolder(id));

        /// <summary>Releases a given folder; deletes a temporary one.</summary>
        public void Dispose()
        {
            _lock?.Dispose();
            if (!KeepsState)
            {
                TryDeleteFolder(Root);
            }
        }

        private string PredictionFolder(string id) => Path.Combine(Root, id);

        private string InputFile(string id) => Path.Combine(PredictionFolder(id), InputFileName);

        private static void TryDeleteFolder(string folder)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
