using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// The key's places at the service, shared by every process of this user on this machine: one lock file per place
    /// (<c>place-0.lock</c> ...) in the key's folder. A running prediction holds one file open with no sharing (an OS
    /// lock, <see cref="OsFileLock"/>), so two pwsh processes on one key take six places together, not six each, and a
    /// place held by a process that dies (a crash, a kill) is free at once. The files are never deleted.
    /// </summary>
    internal sealed class MachinePlaces
    {
        // A place freed in another process is seen within this (no OS wake-up crosses processes): 5 ms on average,
        // against predictions of seconds; one seeker per process polls, so it costs a few opens every 10 ms.
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

        private readonly string[] _paths;
        private readonly SemaphoreSlim _oneSeeker = new SemaphoreSlim(1, 1);
        private int _next;

        private MachinePlaces(string[] paths)
        {
            _paths = paths;
        }

        public int Count => _paths.Length;

        /// <summary>The places in <paramref name="folder"/>, or null when the folder cannot be made (then each process keeps its own).</summary>
        public static MachinePlaces? Open(string folder, int count)
        {
            try
            {
                Directory.CreateDirectory(folder);
                var paths = new string[count];
                for (var i = 0; i < count; i++) paths[i] = Path.Combine(folder, "place-" + i + ".lock");
                // One trial open, so that a read-only or missing profile is found now, not at every prediction.
                using (var probe = OsFileLock.TryHold(paths[0]))
                {
                }
                return new MachinePlaces(paths);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>
        /// Waits for a place free on the whole machine, at most <paramref name="wait"/>, then throws what
        /// <paramref name="timedOut"/> makes. Disposing the result frees the place.
        /// </summary>
        public async Task<IDisposable> TakeAsync(TimeSpan wait, Func<Exception> timedOut, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + wait;
            // The commands of this process wait in line for their turn; only the first looks at the files.
            if (!await _oneSeeker.WaitAsync(wait, cancellationToken).ConfigureAwait(false)) throw timedOut();
            try
            {
                while (true)
                {
                    var held = TryTakeAny();
                    if (held != null) return held;
                    if (DateTime.UtcNow >= deadline) throw timedOut();
                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _oneSeeker.Release();
            }
        }

        /// <summary>A free place, trying each once from where the last search ended; null when all are held.</summary>
        private IDisposable? TryTakeAny()
        {
            for (var tried = 0; tried < _paths.Length; tried++)
            {
                var index = (_next + tried) % _paths.Length;
                try
                {
                    var held = OsFileLock.TryHold(_paths[index]);
                    if (held == null) continue;
                    _next = (index + 1) % _paths.Length;
                    return held;
                }
                catch (DirectoryNotFoundException)
                {
                    // The folder was deleted under us (a profile clean-up): made again, and the place tried next round.
                    Directory.CreateDirectory(Path.GetDirectoryName(_paths[index])!);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    // A place file that cannot be opened at all (permissions changed) counts as held.
                }
            }
            return null;
        }
    }
}
