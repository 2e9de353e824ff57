using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace Fashn.Client
{
    /// <summary>
    /// The journal's file, shared by every process that uses it. Every read and write happens under
    /// <see cref="Lock"/>, an OS lock on a file in the folder beside it (journal.jsonl.locks), so an append never interleaves with
    /// another and a tidy never loses one: appends go to the end as found under the lock, one write per line, flushed
    /// to disk; a tidy writes a temporary file of its own and renames it over the journal in one step.
    /// </summary>
    internal sealed class JournalFile
    {
        /// <summary>Longer than any append or tidy holds the lock; a lock held longer is another process stuck.</summary>
        private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

        /// <summary>More than a tidied journal ever holds: a file this large is not a journal.</summary>
        private const long MaxBytes = 256L * 1024 * 1024;

        /// <summary>Free space below this on the journal's disk: its next line may not fit.</summary>
        private const long MinFreeBytes = 256 * 1024;

        private const int HeadBytes = 4096;

        private readonly string _lockPath;
        private readonly SemaphoreSlim _inProcess = new SemaphoreSlim(1, 1);

        public JournalFile(string path)
        {
            Path = path;
            LocksFolder = path + ".locks";
            _lockPath = System.IO.Path.Combine(LocksFolder, "journal.lock");
        }

        public string Path { get; }

        /// <summary>The folder beside the journal that holds its lock files (the journal's, and the input claims').</summary>
        public string LocksFolder { get; }

        /// <summary>The exclusive lock on the journal: within this process, then among processes.</summary>
        public IDisposable Lock()
        {
            // Said before anything is created beside it: the most likely mistake with -JournalPath.
            if (Directory.Exists(Path)) throw new IOException("It is a folder; give the path of a file, such as " + System.IO.Path.Combine(Path, "journal.jsonl") + ".");
            return OsFileLock.Take(_lockPath, _inProcess, LockWait,
                () => new IOException($"Another process has held the journal's lock ({_lockPath}) for over {LockWait.TotalSeconds:0} s."));
        }

        /// <summary>
        /// Under the lock: throws (IOException, UnauthorizedAccessException) when the journal could not take a line now,
        /// so that is known before anything is paid for: a folder, a file that cannot be opened for writing, a full disk.
        /// </summary>
        public void CheckWritable()
        {
            using (var file = OpenForAppend()) RequireRegularFile(file);
            long free;
            try
            {
                free = new DriveInfo(System.IO.Path.GetDirectoryName(Path)!).AvailableFreeSpace;
            }
            catch (Exception ex) when (ex is IOException || ex is ArgumentException || ex is UnauthorizedAccessException)
            {
                return; // Not every file system tells its free space; the writes themselves will say.
            }
            if (free < MinFreeBytes) throw new IOException($"The disk holding it is full ({free / 1024} KiB free).");
        }

        /// <summary>
        /// Under the lock: the whole lines written since <paramref name="position"/>, or every line when the file was
        /// replaced since (a tidy, in any process, starts the file with a line of its own). A line still being written
        /// is left for the next read.
        /// </summary>
        public IReadOnlyList<string> ReadNewLines(ref ReadPosition position)
        {
            FileStream file;
            try
            {
                file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                position = ReadPosition.Start;
                return Array.Empty<string>();
            }
            using (file)
            {
                RequireRegularFile(file);
                var length = file.Length;
                if (length > MaxBytes)
                {
                    throw new IOException($"It is {length / (1024 * 1024)} MiB, more than a journal ever grows to; it is not a journal.");
                }
                var head = ReadHead(file, length);
                var from = head == position.Head && length >= position.Offset ? position.Offset : 0;
                var bytes = new byte[length - from];
                file.Position = from;
                ReadFully(file, bytes);
                var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
                position = new ReadPosition(head, from + complete);
                return Encoding.UTF8.GetString(bytes, 0, complete).Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
            }
        }

        /// <summary>Under the lock: adds one line at the end, after a newline if a crash left the last line cut short.</summary>
        public void AppendLine(string line)
        {
            using var file = OpenForAppend();
            RequireRegularFile(file);
            var needsNewline = false;
            if (file.Length > 0)
            {
                file.Position = file.Length - 1;
                needsNewline = file.ReadByte() != '\n';
            }
            var bytes = Encoding.UTF8.GetBytes((needsNewline ? "\n" : "") + line + "\n");
            file.Position = file.Length;
            file.Write(bytes, 0, bytes.Length);
            // On disk before the caller goes on: the point is to survive a crash right after the run request.
            file.Flush(flushToDisk: true);
        }

        /// <summary>Under the lock: replaces the whole file with these lines, in one rename.</summary>
        public void Replace(IEnumerable<string> lines)
        {
            // A name no other process uses, in the journal's folder, so the rename stays on one disk.
            var temporary = Path + "." + Guid.NewGuid().ToString("N") + ".compact";
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    var text = new StringBuilder();
                    foreach (var line in lines) text.Append(line).Append('\n');
                    var bytes = new UTF8Encoding(false).GetBytes(text.ToString());
                    file.Write(bytes, 0, bytes.Length);
                    file.Flush(flushToDisk: true);
                }
                File.Replace(temporary, Path, null);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }

        private FileStream OpenForAppend()
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        }

        /// <summary>A FIFO or a device is refused: reading it could block or never end.</summary>
        private void RequireRegularFile(FileStream file)
        {
            if (!file.CanSeek) throw new IOException("It is not a regular file.");
        }

        /// <summary>The first line (at most 4 KiB of it): what tells this file from one that replaced it.</summary>
        private static string ReadHead(FileStream file, long length)
        {
            var bytes = new byte[Math.Min(HeadBytes, length)];
            file.Position = 0;
            ReadFully(file, bytes);
            var end = Array.IndexOf(bytes, (byte)'\n');
            return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
        }

        private static void ReadFully(Stream stream, byte[] buffer)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0) throw new IOException("It was cut short while being read.");
                total += read;
            }
        }
    }

    /// <summary>How far one reader has read the journal: its first line (the file's identity) and the offset after the last whole line.</summary>
    internal readonly struct ReadPosition
    {
        public static readonly ReadPosition Start = new ReadPosition(null, 0);

        public ReadPosition(string? head, long offset)
        {
            Head = head;
            Offset = offset;
        }

        public string? Head { get; }
        public long Offset { get; }
    }
}
