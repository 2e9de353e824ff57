using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;
using Xunit;

namespace Fashn.Emulator.Tests
{
    /// <summary>Bodies, images and downloads for the tests of the edit model.</summary>
    internal static class EditTestKit
    {
        public const string Prompt = "replace the background with a beach at sunset";

        /// <summary>An edit run body; <paramref name="inputs"/> adds or overrides input fields.</summary>
        public static string EditBody(string image, Action<JsonObject>? inputs = null)
        {
            var fields = new JsonObject { ["image"] = image, ["prompt"] = Prompt };
            inputs?.Invoke(fields);
            return new JsonObject { ["model_name"] = "edit", ["inputs"] = fields }.ToJsonString();
        }

        /// <summary>One colour all over, as a PNG.</summary>
        public static byte[] SolidPng(int width, int height, SKColor colour)
        {
            using var bitmap = new SKBitmap(width, height);
            bitmap.Erase(colour);
            using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            return data.ToArray();
        }

        /// <summary>A mask: white (change) right of <paramref name="splitX"/>, black (keep) left of it.</summary>
        public static byte[] RightHalfMask(int width, int height, int splitX)
        {
            using var bitmap = new SKBitmap(width, height);
            bitmap.Erase(SKColors.Black);
            using (var canvas = new SKCanvas(bitmap))
            using (var white = new SKPaint { Color = SKColors.White })
            {
                canvas.DrawRect(splitX, 0, width - splitX, height, white);
            }

            using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            return data.ToArray();
        }

        public static string PngDataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

        public static async Task<byte[]> DownloadAsync(string url)
        {
            using var anonymous = new HttpClient();
            using HttpResponseMessage response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync();
        }

        /// <summary>The outputs of a finished prediction, downloaded from the CDN.</summary>
        public static async Task<byte[][]> OutputsAsync(JsonElement final) =>
            await Task.WhenAll(final.GetProperty("output").EnumerateArray().Select(url => DownloadAsync(url.GetString()!)));

        /// <summary>Width and height from the encoded image's header, without decoding its pixels.</summary>
        public static (int Width, int Height) SizeOf(byte[] encoded)
        {
            using SKCodec codec = SKCodec.Create(new MemoryStream(encoded));
            return (codec.Info.Width, codec.Info.Height);
        }

        /// <summary>The mean colour of a square around a point given as fractions of the width and height.</summary>
        public static (double R, double G, double B) ColourAt(SKBitmap bitmap, double fx, double fy)
        {
            int half = Math.Max(1, Math.Min(bitmap.Width, bitmap.Height) / 40);
            int cx = (int)(bitmap.Width * fx), cy = (int)(bitmap.Height * fy);
            return ImagingMeasures.MeanColour(bitmap, new SKRectI(cx - half, cy - half, cx + half, cy + half));
        }
    }
}
