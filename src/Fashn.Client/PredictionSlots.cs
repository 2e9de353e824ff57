using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Places for predictions that are running at the service (its concurrency limit). A place is taken before
    /// the input is even read, and given back when the prediction is seen finished. After a 429
    /// ConcurrencyLimitExceeded the ceiling drops to what this process runs at the service, and climbs back one place per
    /// finish: quickly, since another machine's batch that held places may have ended (measured: a slower climb, one place
    /// per round as TCP's window, left the places empty for seconds after the other machine finished).
    /// With <see cref="Machine"/>, a place taken here is then taken among the user's processes too (<see cref="SlotLease"/>).
    /// </summary>
    public sealed class PredictionSlots
    {
        private readonly object _gate = new object();
        private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new LinkedList<TaskCompletionSource<bool>>();
        private readonly LinkedList<TaskCompletionSource<bool>> _refusedRuns = new LinkedList<TaskCompletionSource<bool>>();
        private readonly int _limit;
        private int _ceiling;
        private int _inUse;
        private int _peak;

        public PredictionSlots(int limit) : this(limit, null)
        {
        }

        internal PredictionSlots(int limit, MachinePlaces? machine)
        {
            if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
            _limit = limit;
            _ceiling = limit;
            Machine = machine;
        }

        /// <summary>The same places as seen by every process of the user on the machine; null when this process has its own.</summary>
        internal MachinePlaces? Machine { get; }

        public int Limit => _limit;

        public int InUse { get { lock (_gate) return _inUse; } }

        public int Peak { get { lock (_gate) return _peak; } }

        /// <summary>How many may run now: the limit, or fewer after the service refused one.</summary>
        public int Ceiling { get { lock (_gate) return _ceiling; } }

        public async Task AcquireAsync(CancellationToken cancellationToken)
        {
            TaskCompletionSource<bool> waiter;
            LinkedListNode<TaskCompletionSource<bool>> node;
            lock (_gate)
            {
                if (_inUse < _ceiling && _waiters.Count == 0)
                {
                    Take();
                    return;
                }
                waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                node = _waiters.AddLast(waiter);
            }
            using (cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List != null) _waiters.Remove(node);
                }
                waiter.TrySetCanceled();
            }))
            {
                // A waiter that was handed a place and cancelled at the same moment gives the place back.
                try
                {
                    await waiter.Task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        /// <summary>Gives a place back; <paramref name="finished"/> says a prediction was seen finishing.</summary>
        public void Release(bool finished)
        {
            lock (_gate)
            {
                _inUse--;
                if (finished && _ceiling < _limit) _ceiling++;
                if (finished && _refusedRuns.Count > 0)
                {
                    // The place this prediction held at the service is free: one refused run may have it.
                    var refused = _refusedRuns.First!.Value;
                    _refusedRuns.RemoveFirst();
                    refused.TrySetResult(true);
                }
                WakeWaiters();
            }
        }

        /// <summary>
        /// The service said more are running than it allows (another client on the same key, say): the ceiling drops
        /// to what this process has running there, the refused runs (this one and those waiting) not counted.
        /// </summary>
        public void ServiceRefusedConcurrency()
        {
            lock (_gate)
            {
                _ceiling = Math.Max(1, Math.Min(_ceiling, _inUse - 1 - _refusedRuns.Count));
            }
        }

        /// <summary>
        /// For a run the service refused (ConcurrencyLimitExceeded): waits for the next finish of a prediction of this
        /// process, a place known to be free at the service, or at most <paramref name="atMost"/> (a probe, for when
        /// the places are held elsewhere). Each finish wakes one refused run, so they do not all ask at once.
        /// </summary>
        public async Task WaitForAFinishAsync(TimeSpan atMost, CancellationToken cancellationToken)
        {
            var finish = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            LinkedListNode<TaskCompletionSource<bool>> node;
            lock (_gate) node = _refusedRuns.AddLast(finish);
            using (var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(finish.Task, Task.Delay(atMost, probe.Token)).ConfigureAwait(false);
                probe.Cancel();
            }
            lock (_gate)
            {
                if (node.List != null) _refusedRuns.Remove(node);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }

        private void Take()
        {
            _inUse++;
            if (_inUse > _peak) _peak = _inUse;
        }

        private void WakeWaiters()
        {
            while (_inUse < _ceiling && _waiters.Count > 0)
            {
                var next = _waiters.First!.Value;
                _waiters.RemoveFirst();
                Take();
                if (!next.TrySetResult(true))
                {
                    _inUse--; // it was cancelled meanwhile
                }
            }
        }
    }
}
