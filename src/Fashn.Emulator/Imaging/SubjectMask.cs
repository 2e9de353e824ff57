using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>The subject lifted off its backdrop: colours with the backdrop's spill removed, and coverage.</summary>
    internal sealed class SubjectMatte
    {
        internal SubjectMatte(RgbaPixels foreground, float[] alpha, float backdropLuma)
        {
            Foreground = foreground;
            Alpha = alpha;
            BackdropLuma = backdropLuma;
        }

        /// <summary>The subject's colours; where it is partly transparent, the backdrop's share is removed.</summary>
        internal RgbaPixels Foreground { get; }

        /// <summary>Coverage per pixel, 0 (backdrop) to 1 (subject).</summary>
        internal float[] Alpha { get; }

        /// <summary>Mean brightness of the original backdrop, so the subject can be relit for the new one.</summary>
        internal float BackdropLuma { get; }
    }

    /// <summary>
    /// Separates the subject from the backdrop without a model: the backdrop is modelled from the image's border
    /// (segment medians, interpolated across the frame, so a lit gradient backdrop is followed), each pixel's colour
    /// distance to that model gives a soft key, only backdrop regions connected to the border are removed (a white
    /// shirt on a white backdrop keeps its middle), edge pixels are unmixed from the old backdrop, and the edge is
    /// feathered inwards so no old-backdrop halo remains.
    /// A PNG or WebP that already has transparency is used as it is.
    /// </summary>
    internal static class SubjectMask
    {
        /// <summary>For a cut-out, nothing tells how bright its original surroundings were: assume mid grey.</summary>
        private const float UnknownBackdropLuma = 128f;

        internal static SubjectMatte Extract(RgbaPixels photo)
        {
            int w = photo.Width, h = photo.Height;
            byte[] p = photo.Data;
            if (HasTransparency(photo))
            {
                var alphaFromImage = new float[photo.PixelCount];
                for (int i = 0; i < alphaFromImage.Length; i++) alphaFromImage[i] = p[4 * i + 3] / 255f;
                return new SubjectMatte(photo, alphaFromImage, UnknownBackdropLuma);
            }

            int band = Math.Max(2, Math.Min(w, h) / 50);
            var backdrop = new BackdropModel(photo, band);

            float[] distance = backdrop.DistanceMap(photo);

            // Thresholds follow the backdrop's own noise, measured in the border band.
            float typical = BandMedian(distance, w, h, band);
            float keyLow = Math.Clamp(typical * 3f + 8f, 14f, 70f);
            float keyHigh = keyLow * 1.5f + 16f;

            bool[] connected = BackdropConnectedToBorder(distance, w, h, keyHigh);
            var alpha = new float[photo.PixelCount];
            for (int i = 0; i < alpha.Length; i++)
            {
                // Regions enclosed by the subject stay, even when backdrop-coloured: a white label or shirt
                // cut out of the subject looks far worse than a little old backdrop between arm and body.
                alpha[i] = connected[i] ? SmoothStep(keyLow, keyHigh, distance[i]) : 1f;
            }

            RgbaPixels foreground = UnmixEdges(photo, alpha, backdrop);
            float[] feathered = BoxBlur.Blur(alpha, w, h, Math.Max(1, Math.Min(w, h) / 400), passes: 2);
            for (int i = 0; i < alpha.Length; i++)
            {
                // Only ever lower coverage: feathering outwards would bring back a rim of the old backdrop.
                alpha[i] = Math.Min(alpha[i], feathered[i]);
            }

            return new SubjectMatte(foreground, alpha, backdrop.MeanLuma);
        }

        private static bool HasTransparency(RgbaPixels photo)
        {
            byte[] p = photo.Data;
            int transparent = 0;
            for (int i = 3; i < p.Length; i += 4)
            {
                if (p[i] < 250) transparent++;
            }

            return transparent >= photo.PixelCount / 100 + 1;
        }

        /// <summary>Median distance over the border band: how far plain backdrop pixels stray from the model.</summary>
        private static float BandMedian(float[] distance, int w, int h, int band)
        {
            var histogram = new int[256];
            int count = 0;
            void Add(int index)
            {
                histogram[Math.Min(255, (int)distance[index])]++;
                count++;
            }

            for (int y = 0; y < h; y++)
            {
                bool rowInBand = y < band || y >= h - band;
                if (rowInBand)
                {
                    for (int x = 0; x < w; x++) Add(y * w + x);
                    continue;
                }

                for (int x = 0; x < Math.Min(band, w); x++) Add(y * w + x);
                for (int x = Math.Max(band, w - band); x < w; x++) Add(y * w + x);
            }

            int seen = 0;
            for (int d = 0; d < 256; d++)
            {
                seen += histogram[d];
                if (seen * 2 >= count) return d;
            }

            return 255;
        }

        /// <summary>Flood fill (4-connected) from the outermost pixels through pixels that look like backdrop.</summary>
        private static bool[] BackdropConnectedToBorder(float[] distance, int w, int h, float threshold)
        {
            var reached = new bool[w * h];
            // Every pixel enters the queue at most once, so a plain array of the image's size holds it.
            var queue = new int[w * h];
            int head = 0, tail = 0;
            void Visit(int index)
            {
                if (!reached[index] && distance[index] < threshold)
                {
                    reached[index] = true;
                    queue[tail++] = index;
                }
            }

            for (int x = 0; x < w; x++)
            {
                Visit(x);
                Visit((h - 1) * w + x);
            }

            for (int y = 0; y < h; y++)
            {
                Visit(y * w);
                Visit(y * w + w - 1);
            }

            while (head < tail)
            {
                int i = queue[head++];
                int x = i % w;
                if (x > 0) Visit(i - 1);
                if (x < w - 1) Visit(i + 1);
                if (i >= w) Visit(i - w);
                if (i < (h - 1) * w) Visit(i + w);
            }

            return reached;
        }

        /// <summary>Pixels this far inside the key's edge are taken as pure subject colour.</summary>
        private const int EdgeReach = 2;

        /// <summary>
        /// An edge pixel is a mix C = a*F + (1-a)*B of subject and backdrop. The key alone calls a half-covered
        /// pixel on a high-contrast edge "subject", which leaves a rim of the old backdrop. So near the edge, F is
        /// taken from the nearby solid subject pixels, the coverage a from where C lies between B and F, and the
        /// colour is solved for F (the backdrop's share removed), keeping the pixel's own texture.
        /// </summary>
        private static RgbaPixels UnmixEdges(RgbaPixels photo, float[] alpha, BackdropModel backdrop)
        {
            int w = photo.Width, h = photo.Height;
            var foreground = new RgbaPixels(w, h);
            byte[] src = photo.Data, dst = foreground.Data;
            Buffer.BlockCopy(src, 0, dst, 0, src.Length);

            // Solid: fully keyed and no partly keyed pixel within EdgeReach.
            var full = new float[alpha.Length];
            for (int i = 0; i < alpha.Length; i++) full[i] = alpha[i] >= 0.999f ? 1f : 0f;
            float[] fullNearby = BoxBlur.Blur(full, w, h, EdgeReach, passes: 1);
            var solid = new bool[alpha.Length];
            for (int i = 0; i < alpha.Length; i++) solid[i] = fullNearby[i] >= 0.999f;

            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    if (solid[i] || alpha[i] <= 0f) continue;

                    backdrop.At(x, y, out float br, out float bg, out float bb);
                    float a = alpha[i];
                    if (TryMeanSolidColour(src, solid, w, h, x, y, out float fr, out float fg, out float fb))
                    {
                        // Project C onto the line from B to F: how far along it the pixel is, is its coverage.
                        float lr = fr - br, lg = fg - bg, lb = fb - bb;
                        float lengthSquared = lr * lr + lg * lg + lb * lb;
                        if (lengthSquared > 400f)
                        {
                            float along = ((src[4 * i] - br) * lr + (src[4 * i + 1] - bg) * lg + (src[4 * i + 2] - bb) * lb) / lengthSquared;
                            a = Math.Min(a, Math.Clamp(along, 0f, 1f));
                            alpha[i] = a;
                        }

                        if (a < 0.15f)
                        {
                            // Too little subject in the pixel to solve for its colour reliably.
                            dst[4 * i] = Colour.ToByte(fr);
                            dst[4 * i + 1] = Colour.ToByte(fg);
                            dst[4 * i + 2] = Colour.ToByte(fb);
                            continue;
                        }
                    }
                    else if (a < 0.15f)
                    {
                        continue;
                    }

                    dst[4 * i] = Colour.ToByte((src[4 * i] - (1 - a) * br) / a);
                    dst[4 * i + 1] = Colour.ToByte((src[4 * i + 1] - (1 - a) * bg) / a);
                    dst[4 * i + 2] = Colour.ToByte((src[4 * i + 2] - (1 - a) * bb) / a);
                }
            }

            return foreground;
        }

        /// <summary>The mean colour of the solid subject pixels in the window around (x, y), if there are any.</summary>
        private static bool TryMeanSolidColour(byte[] rgba, bool[] solid, int w, int h, int x, int y, out float r, out float g, out float b)
        {
            const int window = EdgeReach + 2;
            float sumR = 0, sumG = 0, sumB = 0;
            int count = 0;
            for (int wy = Math.Max(0, y - window); wy <= Math.Min(h - 1, y + window); wy++)
            {
                for (int wx = Math.Max(0, x - window); wx <= Math.Min(w - 1, x + window); wx++)
                {
                    int j = wy * w + wx;
                    if (!solid[j]) continue;
                    sumR += rgba[4 * j];
                    sumG += rgba[4 * j + 1];
                    sumB += rgba[4 * j + 2];
                    count++;
                }
            }

            r = count > 0 ? sumR / count : 0;
            g = count > 0 ? sumG / count : 0;
            b = count > 0 ? sumB / count : 0;
            return count > 0;
        }

        private static float SmoothStep(float edge0, float edge1, float value)
        {
            float t = Math.Clamp((value - edge0) / (edge1 - edge0), 0f, 1f);
            return t * t * (3f - 2f * t);
        }
    }
}
