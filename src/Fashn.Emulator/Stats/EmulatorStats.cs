using System.Collections.Concurrent;
using Fashn.Emulator.Errors;
using Fashn.Emulator.Persistence;
using Fashn.Emulator.Predictions;

namespace Fashn.Emulator.Stats
{
    /// <summary>Counters behind <c>GET /_emulator/stats</c>. Thread-safe.</summary>
    internal sealed class EmulatorStats
    {
        /// <summary>Status recorded for a connection the emulator dropped on purpose (no HTTP answer was sent).</summary>
        public const int DroppedStatus = 0;

        /// <summary>Status recorded for a request the client abandoned before its answer was sent (nginx's 499).</summary>
        public const int AbandonedStatus = 499;

        private readonly ConcurrentDictionary<(string Method, string Path, int Status), long> _requests = new();
        private readonly ConcurrentDictionary<string, InputRecord> _inputs = new();
        private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _faults = new(StringComparer.Ordinal);
        private readonly object _runningLock = new();
        private long _created;
        private long _completed;
        private long _failed;
        private long _canceled;
        private long _timedOut;
        private int _running;
        private int _peakRunning;

        public EmulatorStats()
        {
            foreach (string code in new[] { ApiErrorCodes.RateLimitExceeded, ApiErrorCodes.ConcurrencyLimitExceeded, ApiErrorCodes.OutOfCredits })
            {
                _rejected[code] = 0;
            }
        }

        public void CountRequest(string method, string path, int status) =>
            _requests.AddOrUpdate((method, path, status), 1, (_, n) => n + 1);

        public void CountRejected(string code) => _rejected.AddOrUpdate(code, 1, (_, n) => n + 1);

        public void CountFault(string fault) => _faults.AddOrUpdate(fault, 1, (_, n) => n + 1);

        public void PredictionCreated(string inputKey, long bytes, InputImageFacts? facts)
        {
            Interlocked.Increment(ref _created);
            InputRecord record = _inputs.GetOrAdd(inputKey, _ => new InputRecord());
            lock (record)
            {
                record.Predictions++;
                record.Bytes = bytes;
                if (facts is not null)
                {
                    record.Facts = facts;
                }
            }
        }

        /// <summary>Fills in what was learnt about a URL input once it was fetched.</summary>
        public void InputFetched(string inputKey, long bytes, InputImageFacts? facts)
        {
            if (_inputs.TryGetValue(inputKey, out InputRecord? record))
            {
                lock (record)
                {
                    record.Bytes = bytes;
                    record.Facts = facts ?? record.Facts;
                }
            }
        }

        /// <summary>Counts a prediction that reached its final status.</summary>
        public void PredictionFinished(string status)
        {
            switch (status)
            {
                case PredictionStatuses.Completed: Interlocked.Increment(ref _completed); break;
                case PredictionStatuses.Canceled: Interlocked.Increment(ref _canceled); break;
                case PredictionStatuses.TimeOut: Interlocked.Increment(ref _timedOut); break;
                default: Interlocked.Increment(ref _failed); break;
            }
        }

        public void RunningChanged(int delta)
        {
            lock (_runningLock)
            {
                _running += delta;
                _peakRunning = Math.Max(_peakRunning, _running);
            }
        }

        public object Snapshot(int tracked, long credits)
        {
            int running;
            int peak;
            lock (_runningLock)
            {
                running = _running;
                peak = _peakRunning;
            }

            return new
            {
                requests = _requests
                    .OrderBy(entry => entry.Key.Path, StringComparer.Ordinal)
                    .ThenBy(entry => entry.Key.Method, StringComparer.Ordinal)
                    .ThenBy(entry => entry.Key.Status)
                    .Select(entry => new { method = entry.Key.Method, path = entry.Key.Path, status = entry.Key.Status, count = entry.Value })
                    .ToArray(),
                predictions = new
                {
                    created = Interlocked.Read(ref _created),
                    completed = Interlocked.Read(ref _completed),
                    failed = Interlocked.Read(ref _failed),
                    canceled = Interlocked.Read(ref _canceled),
                    timedOut = Interlocked.Read(ref _timedOut),
                    tracked,
                    processingNow = running,
                    peakProcessing = peak,
                },
                inputs = EachInput((sha256, input) => new
                    {
                        sha256,
                        predictions = input.Predictions,
                        bytes = input.Bytes,
                        width = input.Facts?.Width,
                        height = input.Facts?.Height,
                        format = input.Facts?.Format,
                    }).ToArray(),
                rejected = new SortedDictionary<string, long>(_rejected, StringComparer.Ordinal),
                faults = new SortedDictionary<string, long>(_faults, StringComparer.Ordinal),
                credits,
            };
        }

        /// <summary>Writes the counters that survive a restart into <paramref name="state"/>.</summary>
        public void SaveTo(SavedState state)
        {
            state.Created = Interlocked.Read(ref _created);
            state.Completed = Interlocked.Read(ref _completed);
            state.Failed = Interlocked.Read(ref _failed);
            state.Canceled = Interlocked.Read(ref _canceled);
            state.TimedOut = Interlocked.Read(ref _timedOut);
            state.Inputs = EachInput((sha256, input) => new SavedInput
            {
                Sha256 = sha256,
                Predictions = input.Predictions,
                Bytes = input.Bytes,
                Format = input.Facts?.Format,
                Width = input.Facts?.Width,
                Height = input.Facts?.Height,
            }).ToList();
        }

        /// <summary>Starts from the counters of an earlier run.</summary>
        public void LoadFrom(SavedState state)
        {
            _created = state.Created;
            _completed = state.Completed;
            _failed = state.Failed;
            _canceled = state.Canceled;
            _timedOut = state.TimedOut;
            foreach (SavedInput input in state.Inputs)
            {
                _inputs[input.Sha256] = new InputRecord
                {
                    Predictions = input.Predictions,
                    Bytes = input.Bytes,
                    Facts = input.Format is not null && input.Width is int width && input.Height is int height
                        ? new InputImageFacts(input.Format, width, height)
                        : null,
                };
            }
        }

        /// <summary>Every input in the order of its key, each described under its lock.</summary>
        private IEnumerable<T> EachInput<T>(Func<string, InputRecord, T> describe) =>
            _inputs
                .OrderBy(entry => entry.Key, StringComparer.Ordinal)
                .Select(entry =>
                {
                    lock (entry.Value)
                    {
                        return describe(entry.Key, entry.Value);
                    }
                });

        private sealed class InputRecord
        {
            public long Predictions;
            public long Bytes;
            public InputImageFacts? Facts;
        }
    }

    internal sealed record InputImageFacts(string Format, int Width, int Height);
}
