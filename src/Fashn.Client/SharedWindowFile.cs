using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace Fashn.Client
{
    /// <summary>
    /// A <see cref="RateWindow"/>'s state kept in a file of the key's folder (<c>run.window</c>, <c>status.window</c>,
    /// <c>credits.window</c>), so that every process of this user on this machine counts the same requests: the moments
    /// of the recent sends and a pause after a 429. Read and written only while the file is held open with no sharing
    /// (an OS lock, released by the OS if the process dies), for microseconds per request.
    /// </summary>
    internal sealed class SharedWindowFile
    {
        // The file is held for microseconds; a process stopped while holding it (Ctrl+Z) must not stop the others:
        // after this, the request is counted in this process alone.
        private static readonly TimeSpan HoldWait = TimeSpan.FromSeconds(1);
        // A pause longer than any the client accepts from a server is from a clock that jumped (a reboot): dropped.
        private static readonly TimeSpan LongestPause = TimeSpan.FromHours(1);
        private const int MaxEntries = 10_000;

        private readonly string _path;

        public SharedWindowFile(string path)
        {
            _path = path;
        }

        /// <summary>
        /// A moment on a clock every process of the machine shares (the system's monotonic clock, which
        /// <see cref="Stopwatch"/> reads), so moments written by one process mean the same to another.
        /// </summary>
        public static TimeSpan MachineNow => TimeSpan.FromTicks((long)(Stopwatch.GetTimestamp() * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));

        /// <summary>The file, held; null when it could not be had within a second (then the caller counts alone).</summary>
        public Held? Hold()
        {
            var file = OsFileLock.HoldBriefly(_path, HoldWait);
            return file == null ? null : new Held(file);
        }

        /// <summary>The file while it is held: read the state, change it, write it back.</summary>
        internal sealed class Held : IDisposable
        {
            private readonly FileStream _file;

            public Held(FileStream file)
            {
                _file = file;
            }

            /// <summary>
            /// Fills <paramref name="sent"/> with the moments in the file that are not in the future (a clock from before a
            /// reboot), oldest first, and returns the pause; anything unreadable counts as empty.
            /// </summary>
            public TimeSpan Read(Queue<TimeSpan> sent, TimeSpan now)
            {
                sent.Clear();
                var pausedUntil = TimeSpan.Zero;
                try
                {
                    _file.Position = 0;
                    using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
                    if (_file.Length < 12) return pausedUntil;
                    pausedUntil = TimeSpan.FromTicks(reader.ReadInt64());
                    var count = reader.ReadInt32();
                    if (count < 0 || count > MaxEntries || _file.Length < 12 + 8L * count) return TimeSpan.Zero;
                    for (var i = 0; i < count; i++)
                    {
                        var moment = TimeSpan.FromTicks(reader.ReadInt64());
                        if (moment <= now) sent.Enqueue(moment);
                    }
                }
                catch (EndOfStreamException)
                {
                    sent.Clear();
                    return TimeSpan.Zero;
                }
                return pausedUntil - now > LongestPause ? TimeSpan.Zero : pausedUntil;
            }

            public void Write(Queue<TimeSpan> sent, TimeSpan pausedUntil)
            {
                _file.Position = 0;
                using (var writer = new BinaryWriter(_file, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(pausedUntil.Ticks);
                    writer.Write(sent.Count);
                    foreach (var moment in sent) writer.Write(moment.Ticks);
                }
                _file.SetLength(_file.Position);
                _file.Flush();
            }

            public void Dispose() => _file.Dispose();
        }
    }
}
