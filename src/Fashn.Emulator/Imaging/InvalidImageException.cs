using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// The input bytes are not a JPEG, PNG or WebP image that can be fully decoded.
    /// The message says what is wrong with the bytes and is safe to show to an API caller.
    /// </summary>
    public sealed class InvalidImageException : Exception
    {
        public InvalidImageException(string message)
            : base(message)
        {
        }

        public InvalidImageException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
