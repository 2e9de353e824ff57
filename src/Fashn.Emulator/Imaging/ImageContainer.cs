using System;
using System.Buffers.Binary;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// Recognises the three accepted formats by their signature and checks, without decoding pixels,
    /// that the file is complete (a JPEG reaches its EOI marker, a PNG its IEND chunk, a WebP its RIFF size),
    /// so that <see cref="BackgroundChanger.Probe"/> rejects a truncated upload as quickly as a garbage one.
    /// </summary>
    internal static class ImageContainer
    {
        internal const string NotAnImageMessage = "The input is not a JPEG, PNG or WebP image.";
        internal const string TruncatedMessage = "The image data is truncated or corrupt.";

        private static ReadOnlySpan<byte> PngSignature => new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

        /// <summary>Returns "jpeg", "png" or "webp", or throws <see cref="InvalidImageException"/>.</summary>
        internal static string IdentifyCompleteImage(ReadOnlySpan<byte> data)
        {
            if (data.Length == 0)
            {
                throw new InvalidImageException("The input is empty: it contains no image bytes.");
            }

            if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            {
                RequireComplete(IsCompleteJpeg(data));
                return "jpeg";
            }

            if (data.StartsWith(PngSignature))
            {
                RequireComplete(IsCompletePng(data));
                return "png";
            }

            if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
            {
                RequireComplete(IsCompleteWebp(data));
                return "webp";
            }

            throw new InvalidImageException(NotAnImageMessage);
        }

        private static void RequireComplete(bool complete)
        {
            if (!complete)
            {
                throw new InvalidImageException(TruncatedMessage);
            }
        }

        /// <summary>Walks the marker segments and entropy-coded scans from SOI up to EOI.</summary>
        private static bool IsCompleteJpeg(ReadOnlySpan<byte> data)
        {
            int position = 2; // after SOI
            while (true)
            {
                if (position < data.Length && data[position] != 0xFF)
                {
                    // Stray bytes between segments: libjpeg skips them with a warning, and so do we.
                    int next = data[position..].IndexOf((byte)0xFF);
                    position = next < 0 ? data.Length : position + next;
                }

                if (position >= data.Length)
                {
                    return false;
                }

                while (position < data.Length && data[position] == 0xFF)
                {
                    position++; // fill bytes before a marker
                }

                if (position >= data.Length)
                {
                    return false;
                }

                byte marker = data[position++];
                if (marker == 0xD9)
                {
                    return true; // EOI
                }

                bool standalone = marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
                if (standalone)
                {
                    continue;
                }

                if (position + 2 > data.Length)
                {
                    return false;
                }

                int segmentLength = (data[position] << 8) | data[position + 1];
                if (segmentLength < 2)
                {
                    return false;
                }

                position += segmentLength;
                if (position > data.Length)
                {
                    return false;
                }

                if (marker == 0xDA && !TrySkipEntropyCodedData(data, ref position))
                {
                    return false;
                }
            }
        }

        /// <summary>Moves past scan data to the next real marker (0xFF not followed by 0x00, a restart marker or fill).</summary>
        private static bool TrySkipEntropyCodedData(ReadOnlySpan<byte> data, ref int position)
        {
            while (true)
            {
                int offset = data[position..].IndexOf((byte)0xFF);
                if (offset < 0)
                {
                    return false;
                }

                position += offset;
                if (position + 1 >= data.Length)
                {
                    return false;
                }

                byte next = data[position + 1];
                bool stuffedOrRestart = next == 0x00 || (next >= 0xD0 && next <= 0xD7);
                if (stuffedOrRestart)
                {
                    position += 2;
                }
                else if (next == 0xFF)
                {
                    position += 1;
                }
                else
                {
                    return true; // position is at the 0xFF of the next marker
                }
            }
        }

        /// <summary>Walks the chunks (length, type, data, CRC) up to IEND.</summary>
        private static bool IsCompletePng(ReadOnlySpan<byte> data)
        {
            long position = PngSignature.Length;
            while (position + 8 <= data.Length)
            {
                uint chunkLength = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)position, 4));
                bool isEnd = data.Slice((int)position + 4, 4).SequenceEqual("IEND"u8);
                position += 12L + chunkLength;
                if (position > data.Length)
                {
                    return false;
                }

                if (isEnd)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The RIFF header states the file's length; a shorter file was cut off.</summary>
        private static bool IsCompleteWebp(ReadOnlySpan<byte> data)
        {
            uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4));
            return riffSize >= 4 && 8L + riffSize <= data.Length;
        }
    }
}
