using Fashn.Emulator.Persistence;

namespace Fashn.Emulator.Accounting
{
    /// <summary>The account balance: subscription credits first, then on-demand; reservations for running predictions.</summary>
    internal sealed class CreditAccount
    {
        private readonly object _lock = new();
        private long _subscription;
        private long _onDemand;
        private long _reserved;

        public CreditAccount(long total, long subscription)
        {
            _subscription = Math.Clamp(subscription, 0, Math.Max(0, total));
            _onDemand = Math.Max(0, total) - _subscription;
        }

        public (long Total, long Subscription, long OnDemand) Balance
        {
            get
            {
                lock (_lock)
                {
                    return (_subscription + _onDemand, _subscription, _onDemand);
                }
            }
        }

        public void SaveTo(SavedState state)
        {
            lock (_lock)
            {
                state.SubscriptionCredits = _subscription;
                state.OnDemandCredits = _onDemand;
            }
        }

        public void LoadFrom(SavedState state)
        {
            lock (_lock)
            {
                _subscription = Math.Max(0, state.SubscriptionCredits);
                _onDemand = Math.Max(0, state.OnDemandCredits);
            }
        }

        /// <summary>Reserves again the credit of a prediction resumed after a restart (it was admitted before the stop).</summary>
        public void ReserveResumed()
        {
            lock (_lock)
            {
                _reserved++;
            }
        }

        /// <summary>Reserves one credit for a prediction that may complete; false when none is left.</summary>
        public bool TryReserve()
        {
            lock (_lock)
            {
                if (_subscription + _onDemand - _reserved <= 0)
                {
                    return false;
                }

                _reserved++;
                return true;
            }
        }

        /// <summary>Ends a reservation, spending the credit only when the prediction completed.</summary>
        public void Release(bool spent)
        {
            lock (_lock)
            {
                _reserved--;
                if (!spent)
                {
                    return;
                }

                if (_subscription > 0)
                {
                    _subscription--;
                }
                else
                {
                    _onDemand--;
                }
            }
        }
    }
}
