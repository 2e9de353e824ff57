using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Remembers which prediction was started for which input, on disk, as soon as it is started, so that a batch
    /// run again after Ctrl+C, a crash or a closed laptop collects those predictions instead of paying for them a
    /// second time. An input is identified by its content (not its name), the prompt, seed, output format, model and
    /// the API it was sent to. Append-only JSON lines; entries older than FASHN keeps outputs (72 h) are dropped.
    /// The key is never written: only prediction ids, which are not secrets.
    /// </summary>
    public sealed class PredictionJournal
    {
        public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);

        /// <summary>A journal over this size is tidied when opened, if a quarter of its lines or more can go.</summary>
        private const long CompactAboveBytes = 1024 * 1024;

        private readonly object _gate = new object();
        private readonly Dictionary<string, JournalEntry> _latest = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        private readonly JournalFile _file;
        private readonly JournalClaims _claims;
        private ReadPosition _position = ReadPosition.Start;

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PredictionJournal> Open =
            new System.Collections.Concurrent.ConcurrentDictionary<string, PredictionJournal>(StringComparer.Ordinal);

        /// <summary>
        /// One instance per journal file in the process, shared by every command that uses it; checked again for each
        /// command (<see cref="CheckWritable"/>), since the file or its disk may have changed since the last one.
        /// </summary>
        public static PredictionJournal OpenShared(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (Open.TryGetValue(full, out var open))
            {
                open.CheckWritable();
                return open;
            }
            return Open.GetOrAdd(full, _ => new PredictionJournal(full));
        }

        /// <summary>
        /// Opens the journal: throws (IOException, UnauthorizedAccessException) when it cannot take a line, so that is
        /// known before anything is paid for. A large journal is tidied here, by one process at a time.
        /// </summary>
        public PredictionJournal(string path)
        {
            Path = System.IO.Path.GetFullPath(path);
            _file = new JournalFile(Path);
            _claims = new JournalClaims(_file.LocksFolder);
            using (_file.Lock())
            {
                _file.CheckWritable();
                var lines = Refresh();
                if (new FileInfo(Path).Length > CompactAboveBytes && LiveEntries().Count * 4 <= lines * 3) Compact();
            }
        }

        public string Path { get; }

        /// <summary>The default journal: one per user, in the local application data folder.</summary>
        public static string DefaultPath =>
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "FashnBackground", "journal.jsonl");

        /// <summary>A stable key for one input (its content) and the settings that decide its result, at one API.</summary>
        public static string CreateKey(Stream content, PredictionSettings settings, Uri baseUri)
        {
            using var sha = SHA256.Create();
            var contentHash = sha.ComputeHash(content);
            var text = settings.ToJournalText(baseUri);
            var all = new byte[contentHash.Length + Encoding.UTF8.GetByteCount(text)];
            Buffer.BlockCopy(contentHash, 0, all, 0, contentHash.Length);
            Encoding.UTF8.GetBytes(text, 0, text.Length, all, contentHash.Length);
            return ToHex(sha.ComputeHash(all));
        }

        /// <summary>The key of an input given as text (a URL or a data URI).</summary>
        public static string CreateKey(string input, PredictionSettings settings, Uri baseUri)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(input));
            return CreateKey(stream, settings, baseUri);
        }

        /// <summary>Throws when the journal cannot take a line now (a folder, not writable, a full disk).</summary>
        public void CheckWritable()
        {
            using (_file.Lock()) _file.CheckWritable();
        }

        /// <summary>
        /// The last prediction recorded for this key, if it is recent enough to still be collected; what other processes
        /// recorded since is read first.
        /// </summary>
        public JournalEntry? Find(string key)
        {
            using (_file.Lock()) Refresh();
            lock (_gate)
            {
                return _latest.TryGetValue(key, out var entry) && DateTimeOffset.UtcNow - entry.SubmittedAt < Lifetime ? entry : null;
            }
        }

        public void RecordSubmitted(string key, string id, string source) =>
            Append(new JournalEntry(key, id, source, "submitted", DateTimeOffset.UtcNow));

        public void RecordFinished(string key, string id, string source, string status, DateTimeOffset submittedAt) =>
            Append(new JournalEntry(key, id, source, status, submittedAt));

        /// <summary>
        /// The machine-wide claim on one input (see <see cref="JournalClaims"/>): held while it is looked up and, if need be,
        /// submitted and recorded, so that no two commands pay for it.
        /// </summary>
        internal Task<IDisposable> ClaimAsync(string key, string source, TimeSpan wait, CancellationToken cancellationToken) =>
            _claims.TakeAsync(key, source, wait, cancellationToken);

        private void Append(JournalEntry entry)
        {
            using (_file.Lock()) _file.AppendLine(entry.ToLine());
            lock (_gate) _latest[entry.Key] = entry;
        }

        /// <summary>Under the lock: reads what was written since the last read; returns how many entry lines were read.</summary>
        private int Refresh()
        {
            var lines = _file.ReadNewLines(ref _position);
            var entries = 0;
            lock (_gate)
            {
                foreach (var line in lines)
                {
                    // A line cut short by a crash, or the line a tidy starts with, is no entry; the others still count.
                    var entry = JournalEntry.TryParse(line);
                    if (entry == null) continue;
                    _latest[entry.Key] = entry;
                    entries++;
                }
            }
            return entries;
        }

        private List<JournalEntry> LiveEntries()
        {
            var now = DateTimeOffset.UtcNow;
            lock (_gate) return _latest.Values.Where(entry => now - entry.SubmittedAt < Lifetime).ToList();
        }

        /// <summary>
        /// Under the lock, just after a full read: rewrites the journal with only the latest entry per input still
        /// within its lifetime. Its first line is new to every tidy, which tells other processes to read it anew.
        /// </summary>
        private void Compact()
        {
            var tidied = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["tidied"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                ["tidy"] = Guid.NewGuid().ToString("N"),
            });
            _file.Replace(new[] { tidied }.Concat(LiveEntries().Select(entry => entry.ToLine())));
            Refresh();
        }

        private static string ToHex(byte[] bytes)
        {
            var text = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }
    }

    /// <summary>One journal line: the latest known state of the prediction started for one input.</summary>
    public sealed class JournalEntry
    {
        public JournalEntry(string key, string id, string source, string status, DateTimeOffset submittedAt)
        {
            Key = key;
            Id = id;
            Source = source;
            Status = status;
            SubmittedAt = submittedAt;
        }

        public string Key { get; }
        public string Id { get; }
        public string Source { get; }
        public string Status { get; }
        public DateTimeOffset SubmittedAt { get; }

        /// <summary>The entry as one journal line (without its newline): the one format written and read.</summary>
        internal string ToLine() => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["key"] = Key,
            ["id"] = Id,
            ["source"] = Source,
            ["status"] = Status,
            ["submittedAt"] = SubmittedAt.ToString("o", CultureInfo.InvariantCulture),
        });

        /// <summary>The entry a journal line holds; null for a line that is none (cut short by a crash, or a tidy's first line).</summary>
        internal static JournalEntry? TryParse(string line)
        {
            Dictionary<string, string>? values;
            try
            {
                values = JsonSerializer.Deserialize<Dictionary<string, string>>(line);
            }
            catch (JsonException)
            {
                return null;
            }
            if (values == null || !values.TryGetValue("key", out var key) || !values.TryGetValue("id", out var id)) return null;
            values.TryGetValue("source", out var source);
            values.TryGetValue("status", out var status);
            values.TryGetValue("submittedAt", out var submitted);
            if (!DateTimeOffset.TryParse(submitted, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var submittedAt)) return null;
            return new JournalEntry(key, id, source ?? "", status ?? "submitted", submittedAt);
        }
    }
}
