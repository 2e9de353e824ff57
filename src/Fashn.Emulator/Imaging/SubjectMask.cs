using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>Separates the subject from its backdrop: a soft colour-distance key against the border's colour.</summary>
    internal static class SubjectMask
    {
        internal static float[] Estimate(RgbaPixels photo)
        {
            byte[] p = photo.Data;
            (int br, int bg, int bb) = BorderMedian(photo);
            var alpha = new float[photo.PixelCount];
            for (int i = 0; i < alpha.Length; i++)
            {
                int dr = p[4 * i] - br, dg = p[4 * i + 1] - bg, db = p[4 * i + 2] - bb;
                float distance = MathF.Sqrt(dr * dr + dg * dg + db * db);
                float key = Math.Clamp((distance - 20f) / 40f, 0f, 1f);
                alpha[i] = key * (p[4 * i + 3] / 255f);
            }

            return alpha;
        }

        private static (int R, int G, int B) BorderMedian(RgbaPixels photo)
        {
            var histograms = new int[3, 256];
            int count = 0;
            int w = photo.Width, h = photo.Height;
            byte[] p = photo.Data;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    if (y != 0 && y != h - 1 && x != 0 && x != w - 1) continue;
                    int i = 4 * (y * w + x);
                    histograms[0, p[i]]++;
                    histograms[1, p[i + 1]]++;
                    histograms[2, p[i + 2]]++;
                    count++;
                }
            }

            return (Median(histograms, 0, count), Median(histograms, 1, count), Median(histograms, 2, count));
        }

        private static int Median(int[,] histograms, int channel, int count)
        {
            int seen = 0;
            for (int v = 0; v < 256; v++)
            {
                seen += histograms[channel, v];
                if (seen * 2 >= count) return v;
            }

            return 255;
        }
    }
}
