using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Places for predictions that are running at the service (its concurrency limit). A place is taken before
    /// the input is even read, and given back when the prediction is seen finished. After a 429
    /// ConcurrencyLimitExceeded the ceiling drops below what is running, and climbs back one place per finish.
    /// With <see cref="Machine"/>, a place taken here is then taken among the user's processes too (<see cref="SlotLease"/>).
    /// </summary>
    public sealed class PredictionSlots
    {
        private readonly object _gate = new object();
        private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new LinkedList<TaskCompletionSource<bool>>();
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
                WakeWaiters();
            }
        }

        /// <summary>The service said more are running than it allows (another client on the same key, say).</summary>
        public void ServiceRefusedConcurrency()
        {
            lock (_gate)
            {
                _ceiling = Math.Max(1, Math.Min(_ceiling, _inUse - 1));
            }
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
