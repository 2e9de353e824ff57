using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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
        private const long CompactAboveBytes = 1024 * 1024;

        private readonly object _gate = new object();
        private readonly Dictionary<string, JournalEntry> _latest = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PredictionJournal> Open =
            new System.Collections.Concurrent.ConcurrentDictionary<string, PredictionJournal>(StringComparer.Ordinal);

        /// <summary>One instance per journal file in the process, shared by every command that uses it.</summary>
        public static PredictionJournal OpenShared(string path) =>
            Open.GetOrAdd(System.IO.Path.GetFullPath(path), full => new PredictionJournal(full));

        public PredictionJournal(string path)
        {
            Path = System.IO.Path.GetFullPath(path);
            Load();
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

        /// <summary>The last prediction recorded for this key, if it is recent enough to still be collected.</summary>
        public JournalEntry? Find(string key)
        {
            lock (_gate)
            {
                return _latest.TryGetValue(key, out var entry) && DateTimeOffset.UtcNow - entry.SubmittedAt < Lifetime ? entry : null;
            }
        }

        public void RecordSubmitted(string key, string id, string source) =>
            Append(new JournalEntry(key, id, source, "submitted", DateTimeOffset.UtcNow));

        public void RecordFinished(string key, string id, string source, string status, DateTimeOffset submittedAt) =>
            Append(new JournalEntry(key, id, source, status, submittedAt));

        private void Append(JournalEntry entry)
        {
            var bytes = Encoding.UTF8.GetBytes(ToLine(entry));
            lock (_gate)
            {
                _latest[entry.Key] = entry;
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                // Written through at once: the point is to survive a crash right after the run request.
                using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096, FileOptions.WriteThrough);
                file.Write(bytes, 0, bytes.Length);
            }
        }

        private void Load()
        {
            if (!File.Exists(Path)) return;
            string[] lines;
            using (var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(file, Encoding.UTF8))
            {
                lines = reader.ReadToEnd().Split('\n');
            }
            foreach (var line in lines)
            {
                if (line.Trim().Length == 0) continue;
                try
                {
                    var values = JsonSerializer.Deserialize<Dictionary<string, string>>(line);
                    if (values == null || !values.TryGetValue("key", out var key) || !values.TryGetValue("id", out var id)) continue;
                    values.TryGetValue("source", out var source);
                    values.TryGetValue("status", out var status);
                    values.TryGetValue("submittedAt", out var submitted);
                    if (!DateTimeOffset.TryParse(submitted, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var submittedAt)) continue;
                    _latest[key] = new JournalEntry(key, id, source ?? "", status ?? "submitted", submittedAt);
                }
                catch (JsonException)
                {
                    // A line cut short by a crash: the entries before and after it still count.
                }
            }
            if (new FileInfo(Path).Length > CompactAboveBytes) Compact();
        }

        /// <summary>Rewrites the journal with only the entries still within their lifetime.</summary>
        private void Compact()
        {
            var temporary = Path + ".compact";
            var now = DateTimeOffset.UtcNow;
            using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false)))
            {
                foreach (var entry in _latest.Values)
                {
                    if (now - entry.SubmittedAt >= Lifetime) continue;
                    writer.Write(ToLine(entry));
                }
            }
            File.Delete(Path);
            File.Move(temporary, Path);
        }

        /// <summary>One journal line, as both appending and compacting write it.</summary>
        private static string ToLine(JournalEntry entry) =>
            JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["key"] = entry.Key,
                ["id"] = entry.Id,
                ["source"] = entry.Source,
                ["status"] = entry.Status,
                ["submittedAt"] = entry.SubmittedAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            }) + "\n";

        private static string ToHex(byte[] bytes)
        {
            var text = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
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
    }
}
