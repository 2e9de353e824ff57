namespace Fashn.Emulator.Persistence
{
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
