using System.Diagnostics;

namespace Fashn.Emulator.Requests
{
    /// <summary>Reads request bodies through the simulated uplink.</summary>
    internal static class RequestBodyReader
    {
        /// <summary>Reads the whole body, no faster than the simulated uplink allows.</summary>
        public static async Task<byte[]> ReadAsync(HttpRequest request, long bytesPerSecond, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            if (bytesPerSecond <= 0)
            {
                await request.Body.CopyToAsync(buffer, cancellationToken);
                return buffer.ToArray();
            }

            // Read in chunks of about 1/20 s of uplink and wait until the clock catches up with the bytes read.
            var chunk = new byte[(int)Math.Clamp(bytesPerSecond / 20, 1, 1 << 20)];
            var clock = Stopwatch.StartNew();
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                total += read;
                TimeSpan due = TimeSpan.FromSeconds((double)total / bytesPerSecond);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
            }

            return buffer.ToArray();
        }
    }
}
