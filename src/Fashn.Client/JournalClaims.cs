using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// One command at a time, on the whole machine, decides whether an input is submitted: it holds the input's claim
    /// while it looks in the journal and, when nothing there can be collected, submits and records the new prediction.
    /// A second command (another pwsh running the same batch, or the same file given twice) waits for the claim, then
    /// finds that prediction in the journal and collects it instead of paying again.
    /// A claim is an <see cref="OsFileLock"/> on one of 256 files in the journal's locks folder (journal.jsonl.locks),
    /// chosen by the input's key: a fixed set, so nothing piles up, and two inputs that share a file only take turns
    /// for their submission. It dies with its process, so a crashed command never leaves an input claimed.
    /// </summary>
    internal sealed class JournalClaims
    {
        private const int Buckets = 256;

        private readonly string _folder;
        private readonly SemaphoreSlim[] _inProcess = new SemaphoreSlim[Buckets];

        public JournalClaims(string locksFolder)
        {
            _folder = locksFolder;
            for (var i = 0; i < Buckets; i++) _inProcess[i] = new SemaphoreSlim(1, 1);
        }

        /// <summary>
        /// Waits for the claim on <paramref name="key"/>, at most <paramref name="wait"/> (then <see cref="FashnErrorCodes.JournalBusy"/>
        /// for <paramref name="source"/>); disposing the result gives it up.
        /// </summary>
        public Task<IDisposable> TakeAsync(string key, string source, TimeSpan wait, CancellationToken cancellationToken)
        {
            var bucket = BucketOf(key);
            var path = Path.Combine(_folder, bucket.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + ".claim");
            return OsFileLock.TakeAsync(path, _inProcess[bucket], wait, () => Busy(source, wait), cancellationToken);
        }

        private static FashnException Busy(string source, TimeSpan wait) =>
            new FashnException(FashnErrorCodes.JournalBusy,
                $"The journal's claim on '{source}' has been held for over {wait.TotalMinutes:0.#} minutes by another submission (of the same input, in this " +
                "or another command, or of an input that shares its lock file), so nothing was sent for it here: that could pay for it twice. " +
                "Run the command again once the other one has finished: it then collects what was started.");

        private static int BucketOf(string key)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(Encoding.UTF8.GetBytes(key))[0];
        }
    }
}
