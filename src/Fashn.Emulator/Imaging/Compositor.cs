using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>Lays the subject over the new background.</summary>
    internal static class Compositor
    {
        internal static RgbaPixels Compose(RgbaPixels photo, float[] subjectAlpha, RgbaPixels background)
        {
            var result = new RgbaPixels(photo.Width, photo.Height);
            byte[] f = photo.Data, b = background.Data, o = result.Data;
            for (int i = 0; i < subjectAlpha.Length; i++)
            {
                float a = subjectAlpha[i];
                for (int c = 0; c < 3; c++)
                {
                    o[4 * i + c] = (byte)(f[4 * i + c] * a + b[4 * i + c] * (1 - a) + 0.5f);
                }

                o[4 * i + 3] = 255;
            }

            return result;
        }
    }
}
