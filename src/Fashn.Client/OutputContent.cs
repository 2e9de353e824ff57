using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Fashn.Client.Imaging;

namespace Fashn.Client
{
    /// <summary>
    /// The check that a saved output is the image its name says (.png, .jpg, .webp), made on the written bytes before
    /// the file gets its name: the server, a proxy or a CDN controls what is sent, and an HTML page, a gzip-encoded
    /// body or a data:text/html output must not become photo.png.
    /// </summary>
    internal static class OutputContent
    {
        public static async Task RequireImageAsync(FileStream file, string destinationPath, CancellationToken cancellationToken)
        {
            var expected = ExpectedType(Path.GetExtension(destinationPath));
            var head = new byte[512];
            file.Position = 0;
            var length = 0;
            int read;
            while (length < head.Length && (read = await file.ReadAsync(head, length, head.Length - length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
            if (length < head.Length) Array.Resize(ref head, length);
            var actual = ImageSignature.AcceptedMimeType(head);
            if (actual == expected.Mime) return;
            throw new FashnException(FashnErrorCodes.OutputNotSaved,
                $"The output is not a {expected.Name} image as its name '{Path.GetFileName(destinationPath)}' says: {Describe(head, actual)}. " +
                "It was not saved. If this repeats, the service or something between it and you (a proxy, a captive portal) " +
                "is sending something else; check with Get-FashnPrediction and run Save-FashnOutput again.");
        }

        private static (string Mime, string Name) ExpectedType(string extension)
        {
            var lower = extension.ToLowerInvariant();
            var mime = lower == ".jpg" || lower == ".jpeg" ? "image/jpeg" : lower == ".webp" ? "image/webp" : "image/png";
            return (mime, NameOf(mime));
        }

        private static string NameOf(string mime) => mime == "image/jpeg" ? "JPEG" : mime == "image/webp" ? "WebP" : "PNG";

        private static string Describe(byte[] head, string? actual)
        {
            if (head.Length == 0) return "it is empty";
            if (actual != null) return "it is a " + NameOf(actual) + " image";
            if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B) return "it is gzip-compressed data";
            var other = ImageSignature.UnsupportedFormatName(head);
            if (other != null) return "it is " + other;
            return ImageSignature.LooksLikeText(head) ? "it is text (an error or web page?)" : "its bytes are not of any image format";
        }
    }
}
