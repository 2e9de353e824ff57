using Fashn.Emulator.Imaging;

namespace Fashn.Emulator.Inputs
{
    /// <summary>
    /// One image input of a prediction (<c>image</c>, or a model's further ones such as edit's <c>image_context</c> and
    /// <c>mask</c>): the text it came as and what intake made of it.
    /// </summary>
    internal sealed class InputImage
    {
        /// <summary>The field of the image every model takes, the one the stats count.</summary>
        public const string MainField = "image";

        public InputImage(string field, string source)
        {
            Field = field;
            Source = source;
        }

        /// <summary>The input field it came in, e.g. <c>image</c> or <c>mask</c>.</summary>
        public string Field { get; }

        /// <summary>A URL or a data URI.</summary>
        public string Source { get; }

        public bool IsUrl => InputImageIntake.IsUrl(Source);

        /// <summary>The decoded data URI, held only until the render has used it.</summary>
        public byte[]? Bytes { get; set; }

        /// <summary>Set when it could not even be read at submission (no prefix, bad base64).</summary>
        public string? Problem { get; set; }

        /// <summary>Format and size of the decoded bytes; null for a URL not yet fetched or bytes that are no image.</summary>
        public InputImageInfo? Info { get; set; }
    }
}
