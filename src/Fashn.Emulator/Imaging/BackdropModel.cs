using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// The backdrop's colour anywhere in the frame, interpolated from medians of border segments (a Coons-style
    /// blend of the top/bottom and left/right edges). A segment whose median is far from the whole border's median
    /// is covered by the subject (legs reaching the bottom edge) and is replaced by that overall median.
    /// </summary>
    internal sealed class BackdropModel
    {
        private const int SegmentsPerSide = 8;

        private readonly int _width;
        private readonly int _height;
        private readonly float[] _top;    // per column, RGB
        private readonly float[] _bottom; // per column, RGB
        private readonly float[] _left;   // per row, RGB
        private readonly float[] _right;  // per row, RGB

        internal BackdropModel(RgbaPixels photo, int band)
        {
            _width = photo.Width;
            _height = photo.Height;
            int w = photo.Width, h = photo.Height;
            var overall = new ChannelHistograms();
            AddRegion(overall, photo, 0, 0, w, band);
            AddRegion(overall, photo, 0, h - band, w, h);
            AddRegion(overall, photo, 0, band, band, h - band);
            AddRegion(overall, photo, w - band, band, w, h - band);
            float[] overallMedian = overall.Median();
            MeanLuma = 0.299f * overallMedian[0] + 0.587f * overallMedian[1] + 0.114f * overallMedian[2];

            _top = Profile(photo, overallMedian, w, i => (i * w / SegmentsPerSide, 0, (i + 1) * w / SegmentsPerSide, band));
            _bottom = Profile(photo, overallMedian, w, i => (i * w / SegmentsPerSide, h - band, (i + 1) * w / SegmentsPerSide, h));
            _left = Profile(photo, overallMedian, h, i => (0, i * h / SegmentsPerSide, band, (i + 1) * h / SegmentsPerSide));
            _right = Profile(photo, overallMedian, h, i => (w - band, i * h / SegmentsPerSide, w, (i + 1) * h / SegmentsPerSide));
        }

        internal float MeanLuma { get; }

        /// <summary>Each pixel's colour distance to the modelled backdrop at its position.</summary>
        internal float[] DistanceMap(RgbaPixels photo)
        {
            byte[] p = photo.Data;
            var distance = new float[photo.PixelCount];
            var u = new float[_width];
            for (int x = 0; x < _width; x++) u[x] = _width > 1 ? (float)x / (_width - 1) : 0.5f;
            for (int y = 0; y < _height; y++)
            {
                float v = _height > 1 ? (float)y / (_height - 1) : 0.5f;
                int cy = 3 * y;
                float leftR = _left[cy], leftG = _left[cy + 1], leftB = _left[cy + 2];
                float rightR = _right[cy], rightG = _right[cy + 1], rightB = _right[cy + 2];
                int row = y * _width;
                for (int x = 0; x < _width; x++)
                {
                    int cx = 3 * x, i = row + x;
                    float ux = u[x];
                    float br = 0.5f * ((1 - v) * _top[cx] + v * _bottom[cx] + (1 - ux) * leftR + ux * rightR);
                    float bg = 0.5f * ((1 - v) * _top[cx + 1] + v * _bottom[cx + 1] + (1 - ux) * leftG + ux * rightG);
                    float bb = 0.5f * ((1 - v) * _top[cx + 2] + v * _bottom[cx + 2] + (1 - ux) * leftB + ux * rightB);
                    float dr = p[4 * i] - br, dg = p[4 * i + 1] - bg, db = p[4 * i + 2] - bb;
                    distance[i] = MathF.Sqrt(dr * dr + dg * dg + db * db);
                }
            }

            return distance;
        }

        internal void At(int x, int y, out float r, out float g, out float b)
        {
            float u = _width > 1 ? (float)x / (_width - 1) : 0.5f;
            float v = _height > 1 ? (float)y / (_height - 1) : 0.5f;
            int cx = 3 * x, cy = 3 * y;
            r = 0.5f * ((1 - v) * _top[cx] + v * _bottom[cx] + (1 - u) * _left[cy] + u * _right[cy]);
            g = 0.5f * ((1 - v) * _top[cx + 1] + v * _bottom[cx + 1] + (1 - u) * _left[cy + 1] + u * _right[cy + 1]);
            b = 0.5f * ((1 - v) * _top[cx + 2] + v * _bottom[cx + 2] + (1 - u) * _left[cy + 2] + u * _right[cy + 2]);
        }

        /// <summary>Segment medians along one side, linearly interpolated to every column or row.</summary>
        private static float[] Profile(RgbaPixels photo, float[] overallMedian, int length,
            Func<int, (int X0, int Y0, int X1, int Y1)> segment)
        {
            var medians = new float[SegmentsPerSide][];
            for (int s = 0; s < SegmentsPerSide; s++)
            {
                var (x0, y0, x1, y1) = segment(s);
                var histograms = new ChannelHistograms();
                AddRegion(histograms, photo, x0, y0, Math.Max(x1, x0 + 1), Math.Max(y1, y0 + 1));
                float[] median = histograms.Median();
                float dr = median[0] - overallMedian[0], dg = median[1] - overallMedian[1], db = median[2] - overallMedian[2];
                bool coveredBySubject = MathF.Sqrt(dr * dr + dg * dg + db * db) > 60f;
                medians[s] = coveredBySubject ? overallMedian : median;
            }

            var profile = new float[3 * length];
            float segmentLength = (float)length / SegmentsPerSide;
            for (int i = 0; i < length; i++)
            {
                // Position between segment centres.
                float position = Math.Clamp((i + 0.5f) / segmentLength - 0.5f, 0f, SegmentsPerSide - 1);
                int s0 = (int)position;
                int s1 = Math.Min(s0 + 1, SegmentsPerSide - 1);
                float t = position - s0;
                for (int c = 0; c < 3; c++)
                {
                    profile[3 * i + c] = medians[s0][c] * (1 - t) + medians[s1][c] * t;
                }
            }

            return profile;
        }

        private static void AddRegion(ChannelHistograms histograms, RgbaPixels photo, int x0, int y0, int x1, int y1)
        {
            byte[] p = photo.Data;
            x1 = Math.Min(x1, photo.Width);
            y1 = Math.Min(y1, photo.Height);
            for (int y = Math.Max(0, y0); y < y1; y++)
            {
                for (int x = Math.Max(0, x0); x < x1; x++)
                {
                    histograms.Add(p, 4 * (y * photo.Width + x));
                }
            }
        }
    }

    /// <summary>Per-channel histograms of RGBA pixels, for medians.</summary>
    internal sealed class ChannelHistograms
    {
        private readonly int[] _counts = new int[3 * 256];
        private int _total;

        internal void Add(byte[] rgba, int offset)
        {
            _counts[rgba[offset]]++;
            _counts[256 + rgba[offset + 1]]++;
            _counts[512 + rgba[offset + 2]]++;
            _total++;
        }

        internal float[] Median()
        {
            var median = new float[3];
            for (int c = 0; c < 3; c++)
            {
                int seen = 0;
                median[c] = 255;
                for (int v = 0; v < 256; v++)
                {
                    seen += _counts[256 * c + v];
                    if (seen * 2 >= _total && _total > 0)
                    {
                        median[c] = v;
                        break;
                    }
                }
            }

            return median;
        }
    }
}
