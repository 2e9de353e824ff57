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
            for (int pass = 0; pass < passes; pass++)
            {
                BlurLines(current, scratch, width, height, radius, horizontal: true);
                BlurLines(scratch, current, width, height, radius, horizontal: false);
            }

            return current;
        }

        private static void BlurLines(float[] source, float[] target, int width, int height, int radius, bool horizontal)
        {
            int lines = horizontal ? height : width;
            int length = horizontal ? width : height;
            int step = horizontal ? 1 : width;
            float scale = 1f / (2 * radius + 1);
            for (int line = 0; line < lines; line++)
            {
                int start = horizontal ? line * width : line;
                float sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    sum += source[start + Math.Clamp(k, 0, length - 1) * step];
                }

                for (int i = 0; i < length; i++)
                {
                    target[start + i * step] = sum * scale;
                    int leaving = Math.Max(i - radius, 0);
                    int entering = Math.Min(i + radius + 1, length - 1);
                    sum += source[start + entering * step] - source[start + leaving * step];
                }
            }
        }
    }
}
