using System.Text;

namespace Fashn.Client.Imaging
{
    /// <summary>
    /// Recognises an image format from the first bytes of a file: the three the service accepts (JPEG, PNG, WebP)
    /// and the common ones it does not (HEIC, HEIF, AVIF, GIF, BMP, TIFF, JPEG XL, JPEG 2000), so that a refusal
    /// can say what the file is. The file name is never consulted.
    /// </summary>
    internal static class ImageSignature
    {
        /// <summary>The MIME type of an accepted format, or null.</summary>
        internal static string? AcceptedMimeType(byte[] data)
        {
            if (StartsWith(data, 0, 0xFF, 0xD8, 0xFF))
            {
                return "image/jpeg";
            }
            if (StartsWith(data, 0, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A))
            {
                return "image/png";
            }
            if (StartsWithAscii(data, 0, "RIFF") && StartsWithAscii(data, 8, "WEBP"))
            {
                return "image/webp";
            }
            return null;
        }

        /// <summary>The name of a recognised image format the service does not accept, or null.</summary>
        internal static string? UnsupportedFormatName(byte[] data)
        {
            if (StartsWithAscii(data, 0, "GIF87a") || StartsWithAscii(data, 0, "GIF89a"))
            {
                return "GIF";
            }
            if (StartsWithAscii(data, 0, "BM") && data.Length >= 14)
            {
                return "BMP";
            }
            if (StartsWith(data, 0, 0x49, 0x49, 0x2A, 0x00) || StartsWith(data, 0, 0x4D, 0x4D, 0x00, 0x2A))
            {
                return "TIFF";
            }
            if (StartsWith(data, 0, 0xFF, 0x0A) || StartsWith(data, 0, 0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20))
            {
                return "JPEG XL";
            }
            if (StartsWith(data, 0, 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20))
            {
                return "JPEG 2000";
            }
            return IsoMediaImageFormat(data);
        }

        /// <summary>True when the start of the data is printable text (an error page or a note saved as .jpg).</summary>
        internal static bool LooksLikeText(byte[] data)
        {
            int count = data.Length < 512 ? data.Length : 512;
            int start = StartsWith(data, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0; // UTF-8 byte order mark
            for (int i = start; i < count; i++)
            {
                byte b = data[i];
                bool printable = b >= 0x20 || b == (byte)'\t' || b == (byte)'\n' || b == (byte)'\r';
                if (!printable)
                {
                    return false;
                }
            }
            return count > start;
        }

        /// <summary>HEIC, HEIF and AVIF are ISO media files: an "ftyp" box whose brands name the format.</summary>
        private static string? IsoMediaImageFormat(byte[] data)
        {
            if (data.Length < 16 || !StartsWithAscii(data, 4, "ftyp"))
            {
                return null;
            }
            int boxSize = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
            int end = boxSize >= 16 && boxSize <= data.Length ? boxSize : data.Length;
            bool heif = false;
            // The major brand is at 8; compatible brands follow the minor version, from 16.
            for (int offset = 8; offset + 4 <= end; offset = offset == 8 ? 16 : offset + 4)
            {
                string brand = Encoding.ASCII.GetString(data, offset, 4);
                switch (brand)
                {
                    case "avif":
                    case "avis":
                        return "AVIF";
                    case "heic":
                    case "heix":
                    case "heim":
                    case "heis":
                    case "hevc":
                    case "hevx":
                    case "hevm":
                    case "hevs":
                        return "HEIC";
                    case "mif1":
                    case "msf1":
                        heif = true;
                        break;
                }
            }
            return heif ? "HEIF" : null;
        }

        private static bool StartsWith(byte[] data, int offset, params byte[] signature)
        {
            if (data.Length < offset + signature.Length)
            {
                return false;
            }
            for (int i = 0; i < signature.Length; i++)
            {
                if (data[offset + i] != signature[i])
                {
                    return false;
                }
            }
            return true;
        }

        private static bool StartsWithAscii(byte[] data, int offset, string signature) =>
            StartsWith(data, offset, Encoding.ASCII.GetBytes(signature));
    }
}
