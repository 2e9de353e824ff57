using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Fashn.Client.Imaging;

namespace Fashn.Client.ContactSheet
{
    /// <summary>
    /// Writes the small copies the page shows, with the module's own image code (<see cref="ImagePreparer"/>): scaled
    /// to fit <see cref="LongEdge"/> pixels (twice the shown size, sharp on high-density screens), upright, as JPEG
    /// (PNG when transparent); an image already that small is copied as it is.
    /// </summary>
    internal sealed class Thumbnailer
    {
        /// <summary>The longest edge of a thumbnail, in pixels.</summary>
        internal const int LongEdge = 480;

        private static readonly ImagePreparationOptions Options = new ImagePreparationOptions
        {
            MaxLongEdge = LongEdge,
            MaxPixels = LongEdge * LongEdge,
            JpegQuality = 85,
        };

        private readonly string _folder;

        internal Thumbnailer(string folder)
        {
            _folder = folder;
        }

        /// <summary>The thumbnail's path; throws <see cref="FashnException"/> when the image cannot be read or decoded.</summary>
        internal string Make(string imagePath, CancellationToken cancellationToken)
        {
            var image = ImagePreparer.Prepare(imagePath, Options, cancellationToken);
            Directory.CreateDirectory(_folder);
            var path = Path.Combine(_folder, NameFor(imagePath, image.MimeType));
            File.WriteAllBytes(path, image.Bytes);
            return path;
        }

        /// <summary>
        /// The file's name and a hash of its full path: stable across runs (a new sheet replaces its old thumbnails) and
        /// distinct for photo.png in two folders, or for an original and its output of the same name.
        /// </summary>
        private static string NameFor(string imagePath, string mimeType)
        {
            byte[] hash;
            using (var sha = SHA256.Create())
            {
                hash = sha.ComputeHash(Encoding.UTF8.GetBytes(Path.GetFullPath(imagePath)));
            }
            var tag = BitConverter.ToString(hash, 0, 4).Replace("-", "").ToLowerInvariant();
            var stem = OutputSaver.ToSafeFileName(Path.GetFileNameWithoutExtension(imagePath));
            if (stem.Length > 60) stem = stem.Substring(0, 60);
            var extension = mimeType == "image/png" ? ".png" : mimeType == "image/webp" ? ".webp" : ".jpg";
            return stem + "-" + tag + extension;
        }
    }
}
