using System;

namespace Fashn.Client.Imaging
{
    /// <summary>What <see cref="ImagePreparer"/> decided to upload for one image.</summary>
    public sealed class PreparedImage
    {
        internal PreparedImage(string mimeType, byte[] bytes, int width, int height,
            int originalWidth, int originalHeight, long originalLength, bool reencoded)
        {
            MimeType = mimeType;
            Bytes = bytes;
            Width = width;
            Height = height;
            OriginalWidth = originalWidth;
            OriginalHeight = originalHeight;
            OriginalLength = originalLength;
            Reencoded = reencoded;
        }

        /// <summary>image/jpeg, image/png or image/webp, taken from the bytes, never from the file name.</summary>
        public string MimeType { get; }

        /// <summary>What will be uploaded. When <see cref="Reencoded"/> is false these are the file's bytes.</summary>
        public byte[] Bytes { get; }

        /// <summary>
        /// Width of the image the service will see, upright: for a file sent unchanged with an EXIF rotation
        /// of 90 or 270 degrees this is the stored height, because the service applies the rotation.
        /// </summary>
        public int Width { get; }

        /// <summary>Height of the image the service will see, upright (see <see cref="Width"/>).</summary>
        public int Height { get; }

        /// <summary>Width as stored in the file, before any EXIF orientation.</summary>
        public int OriginalWidth { get; }

        /// <summary>Height as stored in the file, before any EXIF orientation.</summary>
        public int OriginalHeight { get; }

        /// <summary>Size of the file (or input buffer) in bytes.</summary>
        public long OriginalLength { get; }

        /// <summary>True when the image was scaled down and encoded again; false when <see cref="Bytes"/> are the original bytes.</summary>
        public bool Reencoded { get; }

        /// <summary>The upload form FASHN takes: "data:image/jpeg;base64,...".</summary>
        public string ToDataUri() => "data:" + MimeType + ";base64," + Convert.ToBase64String(Bytes);
    }
}
