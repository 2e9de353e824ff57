using System;
using System.IO;

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

        /// <summary>The lock, held until the stream is disposed; null when another open holds it now.</summary>
        public static FileStream? TryTake(string path)
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

        /// <summary>How long to wait before trying again: from 5 ms, doubling up to 100 ms.</summary>
        public static TimeSpan NextDelay(TimeSpan previous) =>
            previous < TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5)
                : previous.TotalMilliseconds >= 50 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(previous.Ticks * 2);
    }
}
