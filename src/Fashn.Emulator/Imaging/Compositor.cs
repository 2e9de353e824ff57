using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// Lays the subject on the new background: a soft drop shadow darkens the background behind it, and the
    /// subject is partly relit for the new scene (a colour-cast and brightness transfer, deliberately mild,
    /// so the subject stays recognisably itself).
    /// </summary>
    internal static class Compositor
    {
        /// <summary>Share of the new background's colour cast given to the subject.</summary>
        private const float CastTransfer = 0.18f;

        /// <summary>How dark the shadow is where the subject fully blocks the light.</summary>
        private const float ShadowStrength = 0.42f;

        /// <summary>The shadow is computed on a grid this many times coarser: it is blurred anyway.</summary>
        private const int ShadowGrid = 4;

        /// <param name="lightFromLeft">-1 .. 1: where the light comes from; the shadow falls the other way.</param>
        internal static RgbaPixels Compose(SubjectMatte matte, RgbaPixels background, float lightFromLeft)
        {
            int w = background.Width, h = background.Height;
            byte[] f = matte.Foreground.Data, b = background.Data;
            float[] alpha = matte.Alpha;

            (float castR, float castG, float castB, float backgroundLuma) = ColourCast(b);
            // Relight by the change in ambient brightness from the old backdrop to the new scene, softened.
            float gain = Math.Clamp(MathF.Pow(Math.Max(backgroundLuma, 1f) / Math.Max(matte.BackdropLuma, 1f), 0.3f), 0.6f, 1.15f);
            float mulR = gain * (1 + CastTransfer * (castR - 1));
            float mulG = gain * (1 + CastTransfer * (castG - 1));
            float mulB = gain * (1 + CastTransfer * (castB - 1));

            float[] shadow = Shadow.FromMatte(alpha, w, h, lightFromLeft);
            var result = new RgbaPixels(w, h);
            byte[] o = result.Data;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    float a = alpha[i];
                    float lit = 1f - ShadowStrength * shadow[i];
                    float keep = (1 - a) * lit;
                    o[4 * i] = Colour.ToByte(f[4 * i] * mulR * a + b[4 * i] * keep);
                    o[4 * i + 1] = Colour.ToByte(f[4 * i + 1] * mulG * a + b[4 * i + 1] * keep);
                    o[4 * i + 2] = Colour.ToByte(f[4 * i + 2] * mulB * a + b[4 * i + 2] * keep);
                    o[4 * i + 3] = 255;
                }
            }

            return result;
        }

        /// <summary>The background's mean colour relative to its brightness (1, 1, 1 for a neutral scene).</summary>
        private static (float R, float G, float B, float Luma) ColourCast(byte[] rgba)
        {
            long r = 0, g = 0, b = 0;
            int count = 0;
            for (int i = 0; i < rgba.Length; i += 4 * 7) // every 7th pixel is plenty for a mean
            {
                r += rgba[i];
                g += rgba[i + 1];
                b += rgba[i + 2];
                count++;
            }

            float meanR = (float)r / count, meanG = (float)g / count, meanB = (float)b / count;
            float luma = 0.299f * meanR + 0.587f * meanG + 0.114f * meanB;
            float safeLuma = Math.Max(luma, 1f);
            return (Math.Clamp(meanR / safeLuma, 0.7f, 1.4f), Math.Clamp(meanG / safeLuma, 0.7f, 1.4f), Math.Clamp(meanB / safeLuma, 0.7f, 1.4f), luma);
        }

        /// <summary>The subject's coverage, coarsened, blurred wide and shifted away from the light.</summary>
        private static class Shadow
        {
            /// <summary>Shadow density (0 .. 1) for every full-resolution pixel.</summary>
            internal static float[] FromMatte(float[] alpha, int w, int h, float lightFromLeft)
            {
                int gw = (w + ShadowGrid - 1) / ShadowGrid, gh = (h + ShadowGrid - 1) / ShadowGrid;
                var grid = new float[gw * gh];
                var counts = new int[gw * gh];
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        int g = (y / ShadowGrid) * gw + x / ShadowGrid;
                        grid[g] += alpha[y * w + x];
                        counts[g]++;
                    }
                }

                for (int g = 0; g < grid.Length; g++) grid[g] /= counts[g];
                int minSide = Math.Min(w, h);
                int radius = Math.Max(1, minSide / ShadowGrid / 30);
                float[] blurred = BoxBlur.Blur(grid, gw, gh, radius, passes: 3);
                float offsetX = lightFromLeft * minSide * 0.035f;
                float offsetY = minSide * 0.025f;

                // Bilinear upsampling of the shifted grid; the grid cell and weight of each column and row are shared.
                var (columns, columnWeights) = SampleGrid(w, offsetX);
                var (rows, rowWeights) = SampleGrid(h, offsetY);
                var density = new float[w * h];
                for (int y = 0; y < h; y++)
                {
                    int y0 = rows[y];
                    float ty = rowWeights[y];
                    for (int x = 0; x < w; x++)
                    {
                        int x0 = columns[x];
                        float tx = columnWeights[x];
                        float top = Lerp(Cell(blurred, gw, gh, x0, y0), Cell(blurred, gw, gh, x0 + 1, y0), tx);
                        float bottom = Lerp(Cell(blurred, gw, gh, x0, y0 + 1), Cell(blurred, gw, gh, x0 + 1, y0 + 1), tx);
                        density[y * w + x] = Lerp(top, bottom, ty);
                    }
                }

                return density;
            }

            private static (int[] Cells, float[] Weights) SampleGrid(int length, float offset)
            {
                var cells = new int[length];
                var weights = new float[length];
                for (int i = 0; i < length; i++)
                {
                    float position = (i - offset) / ShadowGrid - 0.5f;
                    float floor = MathF.Floor(position);
                    cells[i] = (int)floor;
                    weights[i] = position - floor;
                }

                return (cells, weights);
            }

            /// <summary>Outside the grid there is no subject, so no shadow.</summary>
            private static float Cell(float[] grid, int gw, int gh, int gx, int gy) =>
                (uint)gx >= (uint)gw || (uint)gy >= (uint)gh ? 0f : grid[gy * gw + gx];

            private static float Lerp(float a, float b, float t) => a + (b - a) * t;
        }
    }
}
