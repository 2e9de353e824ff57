namespace Fashn.Client
{
    /// <summary>
    /// The rate windows of the three endpoints for one key. The client takes a place in the right one before every
    /// request (and every retry), so that every caller sharing them stays inside the per-key limits together: every
    /// command of the process, and with a key folder every process of the user on the machine.
    /// </summary>
    public sealed class RequestWindows
    {
        /// <param name="keyFolder">The key's folder shared by the user's processes on this machine; null to count in this process alone.</param>
        public RequestWindows(ServiceLimits limits, string? keyFolder = null)
        {
            Run = new RateWindow(limits.RunRequests, limits.RunWindow, Shared(keyFolder, "run.window"));
            Status = new RateWindow(limits.StatusRequests, limits.StatusWindow, Shared(keyFolder, "status.window"));
            Credits = new RateWindow(limits.CreditsRequests, limits.CreditsWindow, Shared(keyFolder, "credits.window"));
        }

        private static SharedWindowFile? Shared(string? keyFolder, string name) =>
            keyFolder == null ? null : new SharedWindowFile(System.IO.Path.Combine(keyFolder, name));

        internal RateWindow Run { get; }
        internal RateWindow Status { get; }
        internal RateWindow Credits { get; }
    }
}
