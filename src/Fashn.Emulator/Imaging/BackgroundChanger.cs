using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// The emulator's stand-in for FASHN's background-change model: keeps the subject of a photo and paints a
    /// new background that follows the prompt. Deterministic: the same input, prompt, seed and format always
    /// give the same bytes. Stateless and thread-safe.
    /// </summary>
    public static class BackgroundChanger
    {
        /// <summary>
        /// Reads the header only, plus a scan of the file's structure (JPEG markers, PNG chunks, the WebP RIFF size)
        /// that catches truncated uploads without decoding pixels. Width and height are as displayed (after EXIF
        /// orientation).
        /// </summary>
        /// <exception cref="InvalidImageException">The bytes are not a complete JPEG, PNG or WebP image.</exception>
        public static InputImageInfo Probe(byte[] input)
        {
            ArgumentNullException.ThrowIfNull(input);
            return ImageDecoder.Probe(input);
        }

        /// <summary>
        /// Decodes the input (scaled down to at most 1.05 megapixels), replaces its background with one drawn
        /// from the prompt and seed, and encodes the result.
        /// </summary>
        /// <exception cref="InvalidImageException">The bytes cannot be fully decoded as JPEG, PNG or WebP.</exception>
        public static byte[] Render(byte[] input, string prompt, long seed, OutputImageFormat format)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(prompt);
            RgbaPixels photo = ImageDecoder.Decode(input);
            SubjectMatte subject = SubjectMask.Extract(photo);
            Scene scene = PromptInterpreter.Interpret(prompt, seed);
            RgbaPixels background = ScenePainter.Paint(photo.Width, photo.Height, scene);
            RgbaPixels composite = Compositor.Compose(subject, background, scene.LightFromLeft);
            return ImageEncoder.Encode(composite, format);
        }
    }
}
