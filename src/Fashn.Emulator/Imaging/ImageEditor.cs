using System;
using System.Collections.Generic;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>What the edit stand-in is asked for: the image, the prompt and seed, the output's pixels and format.</summary>
    /// <param name="OutputPixels">About how many pixels each output has (the aspect ratio is the image's).</param>
    public sealed record EditRequest(byte[] Image, string Prompt, long Seed, int OutputPixels, OutputImageFormat Format)
    {
        /// <summary>The new background, scaled and cropped to cover the frame; null paints one from the prompt.</summary>
        public byte[]? Context { get; init; }

        /// <summary>White = change here, black = keep the image; grey blends. Null changes the whole background.</summary>
        public byte[]? Mask { get; init; }

        /// <summary>How many outputs, each with its own seed (the seed, the seed + 1, ...), so no two are alike.</summary>
        public int Count { get; init; } = 1;
    }

    /// <summary>
    /// The emulator's stand-in for FASHN's edit model, built on the background-change pipeline: the subject is keyed
    /// off its backdrop once, and each output lays it on a new background (the image_context, or a scene painted from
    /// the prompt), keeps the image outside a mask, and is encoded at the requested size. The work is done at most at
    /// 1.05 megapixels and only the finished output is scaled, so a 16-megapixel output costs little more than a 1.
    /// Deterministic and thread-safe.
    /// </summary>
    public static class ImageEditor
    {
        /// <exception cref="InvalidImageException">An input cannot be fully decoded as JPEG, PNG or WebP.</exception>
        public static IReadOnlyList<byte[]> Render(EditRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            RgbaPixels photo = ImageDecoder.Decode(request.Image);
            SubjectMatte subject = SubjectMask.Extract(photo);
            RgbaPixels? context = request.Context is null ? null : ImageDecoder.Decode(request.Context);
            float[]? mask = request.Mask is null ? null : EditLayers.MaskWeights(ImageDecoder.Decode(request.Mask), photo.Width, photo.Height);
            SKSizeI outputSize = ImageDecoder.ScaleToPixels(new SKSizeI(photo.Width, photo.Height), request.OutputPixels);

            var outputs = new byte[Math.Max(1, request.Count)][];
            for (int i = 0; i < outputs.Length; i++)
            {
                long seed = request.Seed + i;
                Scene scene = PromptInterpreter.Interpret(request.Prompt, seed);
                (RgbaPixels background, float lightFromLeft) = context is null
                    ? (ScenePainter.Paint(photo.Width, photo.Height, scene), scene.LightFromLeft)
                    : EditLayers.CoverWith(context, photo.Width, photo.Height, seed);
                RgbaPixels edited = Compositor.Compose(subject, background, lightFromLeft);
                if (mask is not null)
                {
                    EditLayers.KeepOutsideMask(photo, edited, mask);
                }

                outputs[i] = ImageEncoder.Encode(edited, request.Format, outputSize);
            }

            return outputs;
        }
    }

    /// <summary>The layers the edit stand-in adds to background-change's: a given background, and a mask.</summary>
    internal static class EditLayers
    {
        /// <summary>
        /// The context image scaled to cover <paramref name="width"/> by <paramref name="height"/> and cropped, a little
        /// zoomed and panned by the seed (so outputs differ even when the aspect ratios match), with a seeded light direction.
        /// </summary>
        internal static (RgbaPixels Background, float LightFromLeft) CoverWith(RgbaPixels context, int width, int height, long seed)
        {
            var random = new SeededRandom(SeededRandom.Hash("image_context") ^ (ulong)seed);
            float zoom = 1f + random.NextFloat(0.02f, 0.1f);
            float scale = Math.Max((float)width / context.Width, (float)height / context.Height) * zoom;
            int cropWidth = Math.Clamp((int)MathF.Round(width / scale), 1, context.Width);
            int cropHeight = Math.Clamp((int)MathF.Round(height / scale), 1, context.Height);
            int x = (int)MathF.Round((context.Width - cropWidth) * random.NextFloat(0f, 1f));
            int y = (int)MathF.Round((context.Height - cropHeight) * random.NextFloat(0f, 1f));
            RgbaPixels background = context.Crop(x, y, cropWidth, cropHeight).Resized(width, height);
            return (background, random.NextFloat(-0.8f, 0.8f));
        }

        /// <summary>How much to change each pixel, 0 (black: keep) to 1 (white: change), the mask fitted to the image's size.</summary>
        internal static float[] MaskWeights(RgbaPixels mask, int width, int height)
        {
            RgbaPixels fitted = mask.Width == width && mask.Height == height ? mask : mask.Resized(width, height);
            byte[] m = fitted.Data;
            var weights = new float[width * height];
            for (int i = 0; i < weights.Length; i++)
            {
                // Transparent counts as black: nothing marked for change.
                float luma = 0.299f * m[4 * i] + 0.587f * m[4 * i + 1] + 0.114f * m[4 * i + 2];
                weights[i] = luma / 255f * (m[4 * i + 3] / 255f);
            }

            return weights;
        }

        /// <summary>Blends the edit back towards the original where the mask is dark.</summary>
        internal static void KeepOutsideMask(RgbaPixels original, RgbaPixels edited, float[] weights)
        {
            byte[] o = original.Data, e = edited.Data;
            for (int i = 0; i < weights.Length; i++)
            {
                float w = weights[i];
                for (int c = 0; c < 3; c++)
                {
                    e[4 * i + c] = Colour.ToByte(o[4 * i + c] * (1 - w) + e[4 * i + c] * w);
                }
            }
        }
    }
}
