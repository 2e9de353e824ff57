using SkiaSharp;

namespace Fashn.Demo;

/// <summary>Product-style photos drawn by the demo itself: an object on a plain studio backdrop.</summary>
internal static class SampleImages
{
    public static IReadOnlyList<string> Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>
        {
            Draw(folder, "sneaker.jpg", new SKColor(236, 236, 240), DrawSneaker),
            Draw(folder, "handbag.jpg", new SKColor(225, 228, 232), DrawHandbag),
            Draw(folder, "bottle.jpg", new SKColor(240, 238, 232), DrawBottle),
            Draw(folder, "mug.jpg", new SKColor(230, 232, 236), DrawMug),
            Draw(folder, "lamp.jpg", new SKColor(238, 236, 236), DrawLamp),
            Draw(folder, "backpack.jpg", new SKColor(228, 232, 230), DrawBackpack),
        };
        return files;
    }

    private static string Draw(string folder, string name, SKColor backdrop, Action<SKCanvas, int, int> subject)
    {
        const int width = 960, height = 720;
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(backdrop);
            subject(canvas, width, height);
        }
        var path = Path.Combine(folder, name);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 92);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static SKPaint Fill(SKColor color) => new() { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };

    private static void DrawSneaker(SKCanvas c, int w, int h)
    {
        using var sole = Fill(new SKColor(250, 250, 250));
        using var upper = Fill(new SKColor(200, 40, 50));
        using var lace = Fill(new SKColor(30, 30, 40));
        c.DrawRoundRect(new SKRect(w * 0.18f, h * 0.62f, w * 0.84f, h * 0.72f), 30, 30, sole);
        using var outline = new SKPathBuilder();
        outline.MoveTo(w * 0.2f, h * 0.63f);
        outline.CubicTo(w * 0.22f, h * 0.38f, w * 0.42f, h * 0.34f, w * 0.5f, h * 0.45f);
        outline.CubicTo(w * 0.62f, h * 0.5f, w * 0.8f, h * 0.5f, w * 0.83f, h * 0.63f);
        outline.Close();
        using var path = outline.Detach();
        c.DrawPath(path, upper);
        for (var i = 0; i < 4; i++) c.DrawCircle(w * (0.36f + i * 0.04f), h * (0.46f + i * 0.015f), 6, lace);
    }

    private static void DrawHandbag(SKCanvas c, int w, int h)
    {
        using var body = Fill(new SKColor(120, 72, 40));
        using var strap = new SKPaint { Color = new SKColor(90, 52, 30), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 18 };
        c.DrawArc(new SKRect(w * 0.36f, h * 0.18f, w * 0.64f, h * 0.58f), 180, 180, false, strap);
        c.DrawRoundRect(new SKRect(w * 0.28f, h * 0.38f, w * 0.72f, h * 0.8f), 24, 24, body);
    }

    private static void DrawBottle(SKCanvas c, int w, int h)
    {
        using var glass = Fill(new SKColor(40, 120, 80));
        using var label = Fill(new SKColor(245, 225, 160));
        c.DrawRoundRect(new SKRect(w * 0.42f, h * 0.35f, w * 0.58f, h * 0.85f), 20, 20, glass);
        c.DrawRect(new SKRect(w * 0.47f, h * 0.15f, w * 0.53f, h * 0.36f), glass);
        c.DrawRect(new SKRect(w * 0.42f, h * 0.52f, w * 0.58f, h * 0.68f), label);
    }

    private static void DrawMug(SKCanvas c, int w, int h)
    {
        using var body = Fill(new SKColor(40, 90, 170));
        using var handle = new SKPaint { Color = new SKColor(40, 90, 170), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 26 };
        c.DrawOval(new SKRect(w * 0.6f, h * 0.42f, w * 0.74f, h * 0.66f), handle);
        c.DrawRoundRect(new SKRect(w * 0.34f, h * 0.34f, w * 0.64f, h * 0.78f), 18, 18, body);
    }

    private static void DrawLamp(SKCanvas c, int w, int h)
    {
        using var shade = Fill(new SKColor(250, 200, 60));
        using var stand = Fill(new SKColor(60, 60, 64));
        using var outline = new SKPathBuilder();
        outline.MoveTo(w * 0.38f, h * 0.42f);
        outline.LineTo(w * 0.62f, h * 0.42f);
        outline.LineTo(w * 0.56f, h * 0.2f);
        outline.LineTo(w * 0.44f, h * 0.2f);
        outline.Close();
        using var path = outline.Detach();
        c.DrawPath(path, shade);
        c.DrawRect(new SKRect(w * 0.49f, h * 0.42f, w * 0.51f, h * 0.8f), stand);
        c.DrawOval(new SKRect(w * 0.4f, h * 0.78f, w * 0.6f, h * 0.84f), stand);
    }

    private static void DrawBackpack(SKCanvas c, int w, int h)
    {
        using var body = Fill(new SKColor(70, 110, 60));
        using var pocket = Fill(new SKColor(55, 90, 48));
        c.DrawRoundRect(new SKRect(w * 0.33f, h * 0.2f, w * 0.67f, h * 0.82f), 60, 60, body);
        c.DrawRoundRect(new SKRect(w * 0.38f, h * 0.55f, w * 0.62f, h * 0.78f), 24, 24, pocket);
    }
}
