using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Fashn.Client.Imaging;

namespace Fashn.Client
{
    /// <summary>
    /// edit's image_context: a reference image that shows what words cannot (the background to use, a pose, a texture),
    /// given as a local file, a URL or a data URI. One per command: a file is read, checked and prepared like the image
    /// (at the same resolution tier) once, when it is given, so a bad one is refused before any input is sent. Its
    /// content (a file's bytes, a reference's text) is part of the journal key.
    /// </summary>
    public sealed class ContextImage
    {
        private ContextImage(string source, string runInput, byte[] contentHash)
        {
            Source = source;
            RunInput = runInput;
            ContentHash = contentHash;
        }

        /// <summary>The file's path, the URL, or "data URI", for messages.</summary>
        public string Source { get; }

        /// <summary>What is sent as image_context: the prepared file as a data URI, or the reference as given.</summary>
        internal string RunInput { get; }

        /// <summary>SHA-256 of the file's bytes or the reference's text.</summary>
        internal byte[] ContentHash { get; }

        /// <summary>True for text that is an image by reference (an http(s) URL or a data URI) rather than a path.</summary>
        public static bool IsReference(string text)
        {
            var trimmed = (text ?? "").TrimStart();
            return trimmed.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ||
                   trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
                   trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>A local file, prepared now with <paramref name="preparation"/> (see <see cref="ImagePreparer"/>).</summary>
        public static ContextImage FromFile(string path, ImagePreparationOptions preparation)
        {
            if (preparation == null) throw new ArgumentNullException(nameof(preparation));
            try
            {
                ImageFiles.RequireFile(path);
                var prepared = ImagePreparer.Prepare(path, preparation);
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
                using var sha = SHA256.Create();
                return new ContextImage(path, prepared.ToDataUri(), sha.ComputeHash(stream));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable, $"{Role}: cannot read '{path}': {ex.Message}", innerException: ex);
            }
            catch (FashnException ex)
            {
                throw Named(ex);
            }
        }

        /// <summary>A URL or data URI, checked now (<see cref="ImageReference.Validate"/>) and sent as it is.</summary>
        public static ContextImage FromReference(string reference)
        {
            string image;
            try
            {
                image = ImageReference.Validate(reference);
            }
            catch (FashnException ex)
            {
                throw Named(ex);
            }
            using var sha = SHA256.Create();
            var source = image.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? "data URI" : image;
            return new ContextImage(source, image, sha.ComputeHash(Encoding.UTF8.GetBytes(image)));
        }

        // Said first, so that a refusal names which image it is about: the context, not the input being changed.
        private const string Role = "The image context (-ImageContext)";

        private static FashnException Named(FashnException ex) =>
            new FashnException(ex.ErrorCode, $"{Role}: {ex.Message}", ex.HttpStatus, innerException: ex, category: ex.Category);
    }
}
