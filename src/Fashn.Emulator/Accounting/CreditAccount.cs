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

        /// <summary>Reserves again the credits of a prediction resumed after a restart (it was admitted before the stop).</summary>
        public void ReserveResumed(int credits)
        {
            lock (_lock)
            {
                _reserved += credits;
            }
        }

        /// <summary>Reserves the credits of a prediction that may complete; false when not that many are left.</summary>
        public bool TryReserve(int credits)
        {
            lock (_lock)
            {
                if (_subscription + _onDemand - _reserved < credits)
                {
                    return false;
                }

                _reserved += credits;
                return true;
            }
        }

        /// <summary>Ends a reservation, spending the credits (subscription first) only when the prediction completed.</summary>
        public void Release(int credits, bool spent)
        {
            lock (_lock)
            {
                _reserved -= credits;
                if (!spent)
                {
                    return;
                }

                long fromSubscription = Math.Min(credits, _subscription);
                _subscription -= fromSubscription;
                _onDemand -= credits - fromSubscription;
            }
        }
    }
}
