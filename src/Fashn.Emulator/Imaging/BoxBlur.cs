using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// Separable box blur on a single-channel float image, edges clamped. Repeated passes approach a Gaussian.
    /// Sums run in a fixed order, so results are identical on every run.
    /// </summary>
    internal static class BoxBlur
    {
        internal static float[] Blur(float[] source, int width, int height, int radius, int passes)
        {
            var current = (float[])source.Clone();
            var scratch = new float[source.Length];
            var columnSums = new float[width];
            for (int pass = 0; pass < passes; pass++)
            {
                BlurRows(current, scratch, width, height, radius);
                BlurColumns(scratch, current, width, height, radius, columnSums);
            }

            return current;
        }

        /// <summary>A running sum slides along each row.</summary>
        private static void BlurRows(float[] source, float[] target, int width, int height, int radius)
        {
            float scale = 1f / (2 * radius + 1);
            for (int y = 0; y < height; y++)
            {
                int row = y * width;
                float sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    sum += source[row + Math.Clamp(k, 0, width - 1)];
                }

                for (int x = 0; x < width; x++)
                {
                    target[row + x] = sum * scale;
                    int leaving = Math.Max(x - radius, 0);
                    int entering = Math.Min(x + radius + 1, width - 1);
                    sum += source[row + entering] - source[row + leaving];
                }
            }
        }

        /// <summary>
        /// One running sum per column, all advanced a row at a time: the same arithmetic as sliding down each
        /// column, but reading memory in order instead of striding a row's width at every step.
        /// </summary>
        private static void BlurColumns(float[] source, float[] target, int width, int height, int radius, float[] sums)
        {
            float scale = 1f / (2 * radius + 1);
            Array.Clear(sums);
            for (int k = -radius; k <= radius; k++)
            {
                int row = Math.Clamp(k, 0, height - 1) * width;
                for (int x = 0; x < width; x++) sums[x] += source[row + x];
            }

            for (int y = 0; y < height; y++)
            {
                int row = y * width;
                int leaving = Math.Max(y - radius, 0) * width;
                int entering = Math.Min(y + radius + 1, height - 1) * width;
                for (int x = 0; x < width; x++)
                {
                    target[row + x] = sums[x] * scale;
                    sums[x] += source[entering + x] - source[leaving + x];
                }
            }
        }
    }
}
