using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// An exclusive lock shared by every process on the machine: a lock file opened with no sharing. .NET takes it with
    /// flock(LOCK_EX) on Unix and a share-none open on Windows, so two opens conflict even within one process, and the
    /// operating system drops it when its process ends, a crash or a kill included: a lock can never be left stale.
    /// The lock file itself is never deleted (deleting it would let two processes lock two different files).
    /// </summary>
    internal static class OsFileLock
    {
        // What .NET reports when another open holds the lock: EWOULDBLOCK (11 on Linux, 35 on macOS), or Windows'
        // ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION.
        private static readonly int[] HeldElsewhere = { 11, 35, unchecked((int)0x80070020), unchecked((int)0x80070021) };

        /// <summary>
        /// Waits for the lock on <paramref name="path"/>: first <paramref name="inProcess"/> (this process's turn), then the
        /// file; at most <paramref name="wait"/> in all, then throws what <paramref name="timedOut"/> makes. Disposing the
        /// result lets go of both.
        /// </summary>
        public static async Task<IDisposable> TakeAsync(string path, SemaphoreSlim inProcess, TimeSpan wait, Func<Exception> timedOut,
            CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            if (!await inProcess.WaitAsync(wait, cancellationToken).ConfigureAwait(false)) throw timedOut();
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var delay = TimeSpan.Zero;
                while (true)
                {
                    var held = TryHold(path);
                    if (held != null) return new Held(held, inProcess);
                    if (waited.Elapsed > wait) throw timedOut();
                    // From 5 ms, doubling up to 100 ms: a lock is held for milliseconds, a claim for seconds.
                    delay = delay < TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5)
                        : delay.TotalMilliseconds >= 50 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(delay.Ticks * 2);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                inProcess.Release();
                throw;
            }
        }

        /// <summary>
        /// <see cref="TakeAsync"/>, waited for on this thread: for the journal's short reads and writes. A free lock is
        /// taken without waiting; nothing here needs the caller's context.
        /// </summary>
        public static IDisposable Take(string path, SemaphoreSlim inProcess, TimeSpan wait, Func<Exception> timedOut) =>
            TakeAsync(path, inProcess, wait, timedOut, CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>
        /// The lock on a small shared file that others hold for microseconds, waited for on this thread for at most
        /// <paramref name="wait"/>; null then, or when the file cannot be opened (the caller goes on alone).
        /// </summary>
        public static FileStream? HoldBriefly(string path, TimeSpan wait)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    var file = TryHold(path);
                    if (file != null) return file;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    return null;
                }
                if (waited.Elapsed > wait) return null;
                Thread.Sleep(1);
            }
        }

        /// <summary>The lock, held until the stream is disposed; null when another open holds it now.</summary>
        public static FileStream? TryHold(string path)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException ex) when (ex.GetType() == typeof(IOException) && Array.IndexOf(HeldElsewhere, ex.HResult) >= 0)
            {
                return null;
            }
        }

        private sealed class Held : IDisposable
        {
            private FileStream? _file;
            private readonly SemaphoreSlim _inProcess;

            public Held(FileStream file, SemaphoreSlim inProcess)
            {
                _file = file;
                _inProcess = inProcess;
            }

            public void Dispose()
            {
                if (_file == null) return;
                _file.Dispose();
                _file = null;
                _inProcess.Release();
            }
        }
    }
}
