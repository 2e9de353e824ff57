namespace Fashn.Client
{
    /// <summary>
    /// The rate windows of the three endpoints for one key. The client takes a place in the right one before every
    /// request (and every retry), so that every caller sharing them stays inside the per-key limits together.
    /// </summary>
    public sealed class RequestWindows
    {
        public RequestWindows(ServiceLimits limits)
        {
            Run = new RateWindow(limits.RunRequests, limits.RunWindow);
            Status = new RateWindow(limits.StatusRequests, limits.StatusWindow);
            Credits = new RateWindow(limits.CreditsRequests, limits.CreditsWindow);
        }

        internal RateWindow Run { get; }
        internal RateWindow Status { get; }
        internal RateWindow Credits { get; }
    }
}
