using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Fashn.Client
{
    /// <summary>
    /// The learned durations of a key's predictions, kept in its folder (<c>durations.log</c>) so that every process of the
    /// user on the machine learns from every finish: four processes on one key each see a quarter of the finishes, and a
    /// new command starts with what the last one learned. One line per finished prediction: when it was recorded (UTC),
    /// its bounds and its kind. Read and written only while held with no sharing (an OS lock), for microseconds.
    /// </summary>
    internal sealed class SharedDurationsFile
    {
        private static readonly TimeSpan HoldWait = TimeSpan.FromSeconds(1);
        // Older samples say little about the service now (its load changes over the day).
        private static readonly TimeSpan Forgotten = TimeSpan.FromHours(1);
        // Past this many lines the file is rewritten with the recent samples of each kind only.
        private const int CompactAbove = 2000;

        private readonly string _path;
        private readonly object _gate = new object();
        private long _lengthRead = -1;

        public SharedDurationsFile(string path)
        {
            _path = path;
        }

        /// <summary>Adds one finished prediction of <paramref name="durationKey"/>; false when the file could not be had.</summary>
        public bool Append(string durationKey, DurationSample sample)
        {
            using var file = OsFileLock.HoldBriefly(_path, HoldWait);
            if (file == null) return false;
            try
            {
                file.Seek(0, SeekOrigin.End);
                var bytes = Encoding.UTF8.GetBytes(Line(DateTime.UtcNow.Ticks, sample, durationKey));
                file.Write(bytes, 0, bytes.Length);
                file.Flush();
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>
        /// The recent samples of every kind (at most <paramref name="perKind"/> each, oldest first) when the file changed since
        /// the last read; null when it did not, or could not be read (then what the caller has stays).
        /// </summary>
        public Dictionary<string, Queue<DurationSample>>? ReadIfChanged(int perKind)
        {
            lock (_gate) return ReadIfChangedNow(perKind);
        }

        private Dictionary<string, Queue<DurationSample>>? ReadIfChangedNow(int perKind)
        {
            // Asked before every poll: an unchanged file costs one stat, not a lock.
            try
            {
                var info = new FileInfo(_path);
                if (!info.Exists || info.Length == _lengthRead) return null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
            using var file = OsFileLock.HoldBriefly(_path, HoldWait);
            if (file == null) return null;
            try
            {
                if (file.Length == _lengthRead) return null;
                file.Position = 0;
                var byKind = new Dictionary<string, Queue<(long Recorded, DurationSample Sample)>>(StringComparer.Ordinal);
                var lines = 0;
                var since = DateTime.UtcNow - Forgotten;
                using (var reader = new StreamReader(file, Encoding.UTF8, false, 4096, leaveOpen: true))
                {
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        lines++;
                        if (!TryParse(line, out var recorded, out var key, out var sample) || recorded < since) continue;
                        if (!byKind.TryGetValue(key, out var recent)) byKind[key] = recent = new Queue<(long, DurationSample)>();
                        recent.Enqueue((recorded.Ticks, sample));
                        while (recent.Count > perKind) recent.Dequeue();
                    }
                }
                if (lines > CompactAbove) Rewrite(file, byKind);
                _lengthRead = file.Length;
                var samples = new Dictionary<string, Queue<DurationSample>>(StringComparer.Ordinal);
                foreach (var kind in byKind) samples[kind.Key] = new Queue<DurationSample>(System.Linq.Enumerable.Select(kind.Value, entry => entry.Sample));
                return samples;
            }
            catch (IOException)
            {
                return null;
            }
        }

        /// <summary>One sample as a line: when it was recorded (UTC ticks), its bounds (ticks) and its kind, last (it may hold spaces).</summary>
        private static string Line(long recordedTicks, DurationSample sample, string durationKey) =>
            string.Join(" ", recordedTicks.ToString(CultureInfo.InvariantCulture), sample.LowerBound.Ticks.ToString(CultureInfo.InvariantCulture),
                sample.UpperBound.Ticks.ToString(CultureInfo.InvariantCulture), durationKey) + "\n";

        private static bool TryParse(string line, out DateTime recorded, out string key, out DurationSample sample)
        {
            recorded = default;
            key = "";
            sample = default;
            var parts = line.Split(new[] { ' ' }, 4);
            if (parts.Length != 4 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lower)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var upper)
                || ticks > DateTime.MaxValue.Ticks || lower > TimeSpan.FromDays(1).Ticks || upper > TimeSpan.FromDays(1).Ticks)
            {
                // A torn or foreign line: skipped, the rest is still read.
                return false;
            }
            recorded = new DateTime(ticks, DateTimeKind.Utc);
            key = parts[3];
            sample = new DurationSample(TimeSpan.FromTicks(lower), TimeSpan.FromTicks(upper));
            return true;
        }

        /// <summary>Keeps only the samples just read (the recent ones of each kind), with their moments.</summary>
        private static void Rewrite(FileStream file, Dictionary<string, Queue<(long Recorded, DurationSample Sample)>> byKind)
        {
            var text = new StringBuilder();
            foreach (var kind in byKind)
            {
                foreach (var (recorded, sample) in kind.Value) text.Append(Line(recorded, sample, kind.Key));
            }
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            file.Position = 0;
            file.Write(bytes, 0, bytes.Length);
            file.SetLength(bytes.Length);
            file.Flush();
        }
    }
}
