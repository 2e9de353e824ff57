namespace Fashn.Emulator.Persistence
{
    /// <summary>
    /// The emulator's folder on disk: a sub-folder per prediction for its outputs and, while it runs, its decoded
    /// data-URI inputs (kept only when the state is). A given folder is locked for this emulator and keeps
    /// <c>state.json</c> across restarts; without one, a fresh temporary folder is used and deleted on dispose.
    /// </summary>
    internal sealed class DataFolder : IDisposable
    {
        /// <summary>Decoded data-URI <c>image</c> of a running prediction, kept only when the state is persisted; other image inputs are <c>&lt;field&gt;.bin</c>.</summary>
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

        /// <summary>Keeps a running prediction's decoded image input until it finishes, so that a restart can still render it.</summary>
        public void WriteInput(string id, string field, byte[] input)
        {
            Directory.CreateDirectory(PredictionFolder(id));
            File.WriteAllBytes(InputFile(id, field), input);
        }

        /// <summary>The kept image input of a prediction resumed after a restart; null when it is missing.</summary>
        public byte[]? TryReadInput(string id, string field)
        {
            string path = InputFile(id, field);
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }

        /// <summary>The file name an image input is kept under while its prediction runs.</summary>
        public static string InputFileNameOf(string field) => field == Inputs.InputImage.MainField ? InputFileName : field + ".bin";

        public void DeleteInputs(string id, IEnumerable<string> fields)
        {
            foreach (string field in fields)
            {
                try
                {
                    File.Delete(InputFile(id, field));
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
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

        /// <summary>The paths of a prediction's outputs kept from an earlier run, or null when one of them is not on disk.</summary>
        public string[]? ExistingOutputs(string id, IEnumerable<string> fileNames)
        {
            string[] paths = fileNames.Select(name => Path.Combine(PredictionFolder(id), name)).ToArray();
            return paths.All(File.Exists) ? paths : null;
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

        private string InputFile(string id, string field) => Path.Combine(PredictionFolder(id), InputFileNameOf(field));

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
