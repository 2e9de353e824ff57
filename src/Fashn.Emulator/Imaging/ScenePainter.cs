using System;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// Paints a <see cref="Scene"/>: gradients for sky and ground, then seeded soft shapes for the layout
    /// (sun, sea, trees, buildings, ridges, windows, bokeh). It paints at half resolution and scales up:
    /// four times less drawing, and the softness reads as a lens's shallow depth of field behind the subject.
    /// </summary>
    internal static class ScenePainter
    {
        internal static RgbaPixels Paint(int width, int height, Scene scene)
        {
            int paintWidth = Math.Max(1, (width + 1) / 2);
            int paintHeight = Math.Max(1, (height + 1) / 2);
            var info = new SKImageInfo(paintWidth, paintHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
            using var painted = new SKBitmap(info);
            using (var canvas = new SKCanvas(painted))
            {
                var random = new SeededRandom(scene.DetailSeed);
                Draw(canvas, paintWidth, paintHeight, scene, ref random);
            }

            using var full = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
            painted.ScalePixels(full, new SKSamplingOptions(SKFilterMode.Linear));
            var result = new RgbaPixels(width, height);
            full.GetPixelSpan().CopyTo(result.Data); // opaque, so premultiplied equals unpremultiplied
            return result;
        }

        private static void Draw(SKCanvas canvas, float w, float h, Scene scene, ref SeededRandom random)
        {
            float horizon = h * scene.Horizon;
            switch (scene.Layout)
            {
                case SceneLayout.Studio:
                    DrawStudio(canvas, w, h, scene, ref random);
                    return;
                case SceneLayout.Interior:
                    DrawInterior(canvas, w, h, horizon, scene, ref random);
                    return;
                case SceneLayout.Forest:
                    DrawForest(canvas, w, h, horizon, scene, ref random);
                    return;
            }

            FillVertical(canvas, 0, 0, w, horizon, scene.SkyTop, scene.SkyHorizon);
            DrawSkyLights(canvas, w, horizon, scene, ref random);
            switch (scene.Layout)
            {
                case SceneLayout.Beach:
                    DrawBeach(canvas, w, h, horizon, scene, ref random);
                    break;
                case SceneLayout.City:
                    DrawCity(canvas, w, h, horizon, scene, ref random);
                    break;
                case SceneLayout.Mountains:
                    DrawRidge(canvas, w, horizon, h * 0.30f, Colour.Lerp(scene.Feature, scene.SkyHorizon, 0.45f), scene.Snow, ref random);
                    DrawRidge(canvas, w, horizon, h * 0.18f, scene.Feature, scene.Snow, ref random);
                    FillVertical(canvas, 0, horizon, w, h, scene.GroundFar, scene.GroundNear);
                    break;
                case SceneLayout.Desert:
                    DrawDunes(canvas, w, h, horizon, scene, ref random);
                    break;
                default: // meadow: a soft tree line on the horizon
                    DrawTreeLine(canvas, w, horizon, h, Colour.Lerp(scene.Feature, scene.SkyHorizon, 0.25f), ref random);
                    FillVertical(canvas, 0, horizon, w, h, scene.GroundFar, scene.GroundNear);
                    break;
            }

            DrawBokeh(canvas, w, h, scene.Light, scene.Time == TimeOfDay.Night ? 10 : 5, ref random);
        }

        private static void DrawStudio(SKCanvas canvas, float w, float h, Scene scene, ref SeededRandom random)
        {
            // A seamless paper backdrop: a lit centre falling off to the edges, and a floor sweep at the bottom.
            var centre = new SKPoint(w * (0.35f + 0.3f * scene.SunX), h * random.NextFloat(0.3f, 0.5f));
            using (var paint = new SKPaint())
            {
                paint.Shader = SKShader.CreateRadialGradient(centre, Math.Max(w, h) * random.NextFloat(0.6f, 0.85f),
                    new[] { scene.SkyHorizon, scene.SkyTop }, SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, w, h, paint);
            }

            float floorTop = h * scene.Horizon;
            FillVertical(canvas, 0, floorTop - h * 0.08f, w, h,
                scene.GroundFar.WithAlpha(0), scene.GroundNear, new[] { 0f, 1f });
            DrawBokeh(canvas, w, h, scene.Light, random.NextInt(3, 7), ref random);
        }

        private static void DrawInterior(SKCanvas canvas, float w, float h, float horizon, Scene scene, ref SeededRandom random)
        {
            FillVertical(canvas, 0, 0, w, horizon, scene.SkyTop, scene.SkyHorizon);
            int windows = random.NextInt(1, 4);
            float slot = w / windows;
            using var frame = new SKPaint { Color = scene.Feature, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(1f, w * 0.008f) };
            using var glow = new SKPaint { Color = scene.Light.WithAlpha(90), IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, w * 0.03f) };
            for (int i = 0; i < windows; i++)
            {
                float left = slot * i + slot * random.NextFloat(0.1f, 0.25f);
                float right = slot * (i + 1) - slot * random.NextFloat(0.1f, 0.25f);
                float top = horizon * random.NextFloat(0.08f, 0.2f);
                float bottom = horizon * random.NextFloat(0.75f, 0.92f);
                var pane = new SKRect(left, top, right, bottom);
                canvas.DrawRect(pane, glow);
                FillVertical(canvas, left, top, right, bottom, scene.Water, Colour.Lerp(scene.Water, scene.Light, 0.5f));
                if (scene.Time == TimeOfDay.Night)
                {
                    DrawDots(canvas, pane, new SKColor(255, 214, 150), 12, ref random);
                }

                canvas.DrawRect(pane, frame);
                canvas.DrawLine((left + right) / 2, top, (left + right) / 2, bottom, frame);
                canvas.DrawLine(left, (top + bottom) / 2, right, (top + bottom) / 2, frame);
            }

            FillVertical(canvas, 0, horizon, w, h, scene.GroundFar, scene.GroundNear);
            using (var skirting = new SKPaint { Color = Colour.Scale(scene.SkyHorizon, 0.8f) })
            {
                canvas.DrawRect(0, horizon - h * 0.012f, w, h * 0.012f, skirting);
            }

            // A plant in a pot on one side, as offices and cafes have.
            float potX = random.NextFloat(0, 1) < 0.5f ? w * random.NextFloat(0.05f, 0.2f) : w * random.NextFloat(0.8f, 0.95f);
            float potSize = h * random.NextFloat(0.06f, 0.1f);
            using (var pot = new SKPaint { Color = Colour.Scale(scene.Feature, 1.4f), IsAntialias = true })
            {
                canvas.DrawRect(potX - potSize / 2, horizon + h * 0.04f - potSize, potSize, potSize, pot);
            }

            using var leaves = new SKPaint { IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, potSize * 0.1f) };
            for (int i = 0; i < 7; i++)
            {
                leaves.Color = Colour.Multiply(new SKColor(60, 130, 60), Colour.Lerp(scene.Light, SKColors.White, 0.5f));
                canvas.DrawCircle(potX + random.NextFloat(-1f, 1f) * potSize, horizon + h * 0.04f - potSize * random.NextFloat(1.3f, 3f), potSize * random.NextFloat(0.35f, 0.6f), leaves);
            }

            DrawBokeh(canvas, w, h, scene.Light, 4, ref random);
        }

        private static void DrawForest(SKCanvas canvas, float w, float h, float horizon, Scene scene, ref SeededRandom random)
        {
            // Light through the canopy at the top, darker undergrowth towards the floor.
            FillVertical(canvas, 0, 0, w, horizon, scene.SkyTop, scene.SkyHorizon);
            DrawSkyLights(canvas, w, horizon * 0.6f, scene, ref random);
            using var trunk = new SKPaint { IsAntialias = true };
            // Far trunks are hazy (mixed with the canopy light), near ones dark and wide.
            for (int layer = 0; layer < 2; layer++)
            {
                trunk.Color = layer == 0 ? Colour.Lerp(scene.Feature, scene.SkyTop, 0.55f) : scene.Feature;
                int count = layer == 0 ? random.NextInt(8, 14) : random.NextInt(3, 6);
                for (int i = 0; i < count; i++)
                {
                    float x = random.NextFloat(0, w);
                    float width = w * (layer == 0 ? random.NextFloat(0.01f, 0.025f) : random.NextFloat(0.03f, 0.06f));
                    canvas.DrawRect(x - width / 2, 0, width, horizon + h * (layer == 0 ? 0.02f : 0.1f), trunk);
                }

                if (layer == 0)
                {
                    FillVertical(canvas, 0, horizon, w, h, scene.GroundFar, scene.GroundNear);
                }
            }

            using var foliage = new SKPaint { IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, w * 0.02f) };
            for (int i = 0; i < 14; i++)
            {
                foliage.Color = Colour.Lerp(scene.SkyHorizon, scene.Feature, random.NextFloat(0, 0.6f)).WithAlpha(200);
                canvas.DrawCircle(random.NextFloat(0, w), random.NextFloat(-0.05f, 0.3f) * h, w * random.NextFloat(0.06f, 0.14f), foliage);
            }

            // Shafts of light slanting down through the trees.
            using var shaft = new SKPaint { Color = scene.Light.WithAlpha(45), IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, w * 0.01f) };
            int shafts = random.NextInt(2, 5);
            float slant = w * random.NextFloat(-0.25f, 0.25f);
            for (int i = 0; i < shafts; i++)
            {
                float x = random.NextFloat(0, w);
                float width = w * random.NextFloat(0.03f, 0.08f);
                using var path = new SKPathBuilder();
                path.MoveTo(x, 0);
                path.LineTo(x + width, 0);
                path.LineTo(x + width * 1.8f + slant, h);
                path.LineTo(x + slant, h);
                path.Close();
                using (SKPath shape = path.Detach())
                {
                    canvas.DrawPath(shape, shaft);
                }
            }
        }

        private static void DrawSkyLights(SKCanvas canvas, float w, float horizon, Scene scene, ref SeededRandom random)
        {
            float minSide = Math.Min(w, horizon * 2);
            if (scene.Time == TimeOfDay.Night)
            {
                DrawDots(canvas, new SKRect(0, 0, w, horizon * 0.9f), scene.Light, random.NextInt(60, 120), ref random);
                using var moon = new SKPaint { Color = scene.Light, IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, minSide * 0.004f) };
                canvas.DrawCircle(w * random.NextFloat(0.1f, 0.9f), horizon * random.NextFloat(0.15f, 0.5f), minSide * 0.035f, moon);
                return;
            }

            if (scene.Time == TimeOfDay.Overcast)
            {
                using var cloud = new SKPaint { IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, w * 0.04f) };
                for (int i = 0; i < 8; i++)
                {
                    cloud.Color = Colour.Lerp(scene.SkyTop, SKColors.White, random.NextFloat(0.1f, 0.4f)).WithAlpha(160);
                    canvas.DrawOval(random.NextFloat(0, w), horizon * random.NextFloat(0.1f, 0.7f), w * random.NextFloat(0.12f, 0.3f), horizon * random.NextFloat(0.06f, 0.14f), cloud);
                }

                return;
            }

            // The sun: low on the horizon at sunset, high by day, with a wide glow.
            float radius = minSide * 0.06f;
            float x = w * scene.SunX;
            float y = scene.Time == TimeOfDay.Sunset ? horizon - radius * random.NextFloat(-0.2f, 1.2f) : horizon * random.NextFloat(0.12f, 0.4f);
            using (var glow = new SKPaint())
            {
                glow.Shader = SKShader.CreateRadialGradient(new SKPoint(x, y), radius * 7,
                    new[] { scene.Light.WithAlpha(190), scene.Light.WithAlpha(60), scene.Light.WithAlpha(0) }, new[] { 0f, 0.3f, 1f }, SKShaderTileMode.Clamp);
                canvas.DrawCircle(x, y, radius * 7, glow);
            }

            using var sun = new SKPaint { Color = Colour.Lerp(scene.Light, SKColors.White, 0.5f), IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, radius * 0.15f) };
            canvas.DrawCircle(x, y, radius, sun);
        }

        private static void DrawBeach(SKCanvas canvas, float w, float h, float horizon, Scene scene, ref SeededRandom random)
        {
            float shoreline = horizon + h * random.NextFloat(0.1f, 0.18f);
            FillVertical(canvas, 0, horizon, w, shoreline, Colour.Lerp(scene.Water, scene.SkyHorizon, 0.25f), scene.Water);
            // Glints: the light's reflection on the water.
            using (var glint = new SKPaint { Color = scene.Light.WithAlpha(110), IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, h * 0.003f) })
            {
                float centre = w * random.NextFloat(0.2f, 0.8f);
                for (int i = 0; i < 16; i++)
                {
                    float y = random.NextFloat(horizon, shoreline);
                    float half = w * random.NextFloat(0.01f, 0.06f) * (1 + (y - horizon) / (shoreline - horizon));
                    float x = centre + random.NextFloat(-0.08f, 0.08f) * w;
                    canvas.DrawRect(x - half, y, half * 2, Math.Max(1f, h * 0.004f), glint);
                }
            }

            FillVertical(canvas, 0, shoreline, w, h, scene.GroundFar, scene.GroundNear);
            using var foam = new SKPaint { Color = SKColors.White.WithAlpha(150), IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, h * 0.006f) };
            using var wave = new SKPathBuilder();
            wave.MoveTo(0, shoreline);
            float step = w / 6;
            for (int i = 0; i < 6; i++)
            {
                wave.QuadTo(step * (i + 0.5f), shoreline + h * random.NextFloat(-0.015f, 0.025f), step * (i + 1), shoreline);
            }

            foam.Style = SKPaintStyle.Stroke;
            foam.StrokeWidth = h * 0.01f;
            using SKPath waveLine = wave.Detach();
            canvas.DrawPath(waveLine, foam);
        }

        private static void DrawCity(SKCanvas canvas, float w, float h, float horizon, Scene scene, ref SeededRandom random)
        {
            using var building = new SKPaint { IsAntialias = true };
            for (int layer = 0; layer < 2; layer++)
            {
                building.Color = layer == 0 ? Colour.Lerp(scene.Feature, scene.SkyHorizon, 0.5f) : scene.Feature;
                float x = -random.NextFloat(0, w * 0.05f);
                while (x < w)
                {
                    float width = w * random.NextFloat(0.05f, 0.13f);
                    float height = h * (layer == 0 ? random.NextFloat(0.12f, 0.38f) : random.NextFloat(0.08f, 0.28f));
                    var block = new SKRect(x, horizon - height, x + width, horizon + 1);
                    canvas.DrawRect(block, building);
                    if (scene.Time == TimeOfDay.Night && layer == 1)
                    {
                        DrawDots(canvas, block, new SKColor(255, 214, 140), (int)(width * height / 60) + 2, ref random);
                    }

                    x += width + w * random.NextFloat(0, 0.02f);
                }
            }

            FillVertical(canvas, 0, horizon, w, h, scene.GroundFar, scene.GroundNear);
        }

        private static void DrawRidge(SKCanvas canvas, float w, float baseY, float maxHeight, SKColor colour, bool snowCaps, ref SeededRandom random)
        {
            using var path = new SKPathBuilder();
            path.MoveTo(0, baseY + 1);
            int peaks = random.NextInt(3, 6);
            float step = w / (peaks * 2);
            float top = baseY;
            for (int i = 0; i <= peaks * 2; i++)
            {
                float y = baseY - maxHeight * (i % 2 == 1 ? random.NextFloat(0.6f, 1f) : random.NextFloat(0.15f, 0.45f));
                top = Math.Min(top, y);
                path.LineTo(step * i, y);
            }

            path.LineTo(w, baseY + 1);
            path.Close();
            using var paint = new SKPaint { IsAntialias = true };
            paint.Shader = snowCaps
                ? SKShader.CreateLinearGradient(new SKPoint(0, top), new SKPoint(0, baseY), new[] { new SKColor(248, 250, 255), new SKColor(248, 250, 255), colour }, new[] { 0f, 0.25f, 0.6f }, SKShaderTileMode.Clamp)
                : SKShader.CreateLinearGradient(new SKPoint(0, top), new SKPoint(0, baseY), new[] { Colour.Scale(colour, 1.1f), colour }, SKShaderTileMode.Clamp);
            using SKPath ridge = path.Detach();
            canvas.DrawPath(ridge, paint);
        }

        private static void DrawDunes(SKCanvas canvas, float w, float h, float horizon, Scene scene, ref SeededRandom random)
        {
            FillVertical(canvas, 0, horizon, w, h, scene.GroundFar, scene.GroundNear);
            using var paint = new SKPaint { IsAntialias = true };
            for (int i = 0; i < 3; i++)
            {
                float baseY = horizon + (h - horizon) * (0.15f + 0.3f * i);
                using var path = new SKPathBuilder();
                path.MoveTo(0, baseY);
                path.QuadTo(w * random.NextFloat(0.2f, 0.8f), baseY - h * random.NextFloat(0.08f, 0.2f), w, baseY + h * random.NextFloat(-0.05f, 0.05f));
                path.LineTo(w, h);
                path.LineTo(0, h);
                path.Close();
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, baseY - h * 0.2f), new SKPoint(0, h),
                    new[] { Colour.Lerp(scene.Feature, scene.Light, 0.2f), Colour.Scale(scene.GroundNear, 0.9f + 0.05f * i) }, SKShaderTileMode.Clamp);
                using SKPath ridge = path.Detach();
            canvas.DrawPath(ridge, paint);
            }
        }

        private static void DrawTreeLine(SKCanvas canvas, float w, float horizon, float h, SKColor colour, ref SeededRandom random)
        {
            using var paint = new SKPaint { Color = colour, IsAntialias = true, MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, h * 0.006f) };
            float x = 0;
            while (x < w)
            {
                float radius = h * random.NextFloat(0.03f, 0.08f);
                canvas.DrawCircle(x, horizon - radius * random.NextFloat(0.2f, 0.8f), radius, paint);
                x += radius * random.NextFloat(0.8f, 1.6f);
            }
        }

        /// <summary>Out-of-focus highlights: large soft translucent discs.</summary>
        private static void DrawBokeh(SKCanvas canvas, float w, float h, SKColor light, int count, ref SeededRandom random)
        {
            float minSide = Math.Min(w, h);
            using var paint = new SKPaint { IsAntialias = true };
            for (int i = 0; i < count; i++)
            {
                float radius = minSide * random.NextFloat(0.02f, 0.07f);
                paint.Color = light.WithAlpha((byte)random.NextInt(25, 70));
                paint.MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, radius * 0.2f);
                canvas.DrawCircle(random.NextFloat(0, w), random.NextFloat(0, h * 0.8f), radius, paint);
            }
        }

        /// <summary>Small points of light: stars, lit windows.</summary>
        private static void DrawDots(SKCanvas canvas, SKRect area, SKColor colour, int count, ref SeededRandom random)
        {
            using var paint = new SKPaint { IsAntialias = true };
            for (int i = 0; i < count; i++)
            {
                paint.Color = colour.WithAlpha((byte)random.NextInt(120, 255));
                canvas.DrawCircle(random.NextFloat(area.Left, area.Right), random.NextFloat(area.Top, area.Bottom), random.NextFloat(0.4f, 1.1f), paint);
            }
        }

        private static void FillVertical(SKCanvas canvas, float left, float top, float right, float bottom, SKColor upper, SKColor lower, float[]? positions = null)
        {
            using var paint = new SKPaint();
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, top), new SKPoint(0, bottom), new[] { upper, lower }, positions, SKShaderTileMode.Clamp);
            canvas.DrawRect(left, top, right - left, bottom - top, paint);
        }
    }
}
