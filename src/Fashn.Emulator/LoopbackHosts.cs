using System.Net;

namespace Fashn.Emulator
{
    /// <summary>What counts as loopback: where the emulator listens, fetches image URLs and delivers webhooks unless told otherwise.</summary>
    internal static class LoopbackHosts
    {
        /// <summary>localhost or a loopback address, with or without the brackets of an IPv6 host.</summary>
        public static bool IsLoopback(string host)
        {
            string bare = host.Trim('[', ']');
            return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(bare, out IPAddress? address) && IPAddress.IsLoopback(address));
        }
    }
}
