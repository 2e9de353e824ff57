using System;
using System.Collections.Generic;
using System.Linq;
using SkiaSharp;

namespace Fashn.Emulator.Imaging
{
    /// <summary>The kind of place a prompt describes; it decides what shapes are drawn.</summary>
    internal enum SceneLayout
    {
        Studio,
        Interior,
        Beach,
        Forest,
        Meadow,
        City,
        Mountains,
        Desert,
    }

    internal enum TimeOfDay
    {
        Day,
        Sunset,
        Night,
        Overcast,
    }

    /// <summary>
    /// A background described as colours and a layout, decided from the prompt's words and the seed.
    /// For indoor layouts "sky" is the wall and "ground" the floor.
    /// </summary>
    internal sealed record Scene(
        SceneLayout Layout,
        TimeOfDay Time,
        bool Snow,
        SKColor SkyTop,
        SKColor SkyHorizon,
        SKColor GroundFar,
        SKColor GroundNear,
        SKColor Water,
        SKColor Feature,
        SKColor Light,
        float Horizon,
        float SunX,
        ulong DetailSeed)
    {
        /// <summary>1 when the light comes from the left edge, -1 from the right: the shadow falls the other way.</summary>
        internal float LightFromLeft => 1f - 2f * SunX;

        internal IEnumerable<SKColor> Colours => new[] { SkyTop, SkyHorizon, GroundFar, GroundNear, Water, Feature, Light };
    }

    /// <summary>
    /// Turns a prompt into a <see cref="Scene"/>: the first place word picks the layout and its palette,
    /// time-of-day and weather words relight it, colour words tint it, and the prompt's words without a
    /// meaning here still change it through a hash (alone, they pick the backdrop's hue), so any two prompts differ.
    /// </summary>
    internal static class PromptInterpreter
    {
        private static readonly Dictionary<string, SceneLayout> PlaceWords = new(StringComparer.Ordinal)
        {
            ["studio"] = SceneLayout.Studio, ["backdrop"] = SceneLayout.Studio, ["seamless"] = SceneLayout.Studio,
            ["plain"] = SceneLayout.Studio, ["minimal"] = SceneLayout.Studio, ["minimalist"] = SceneLayout.Studio,
            ["office"] = SceneLayout.Interior, ["workspace"] = SceneLayout.Interior, ["room"] = SceneLayout.Interior,
            ["interior"] = SceneLayout.Interior, ["loft"] = SceneLayout.Interior, ["cafe"] = SceneLayout.Interior,
            ["restaurant"] = SceneLayout.Interior, ["kitchen"] = SceneLayout.Interior, ["home"] = SceneLayout.Interior,
            ["apartment"] = SceneLayout.Interior, ["lobby"] = SceneLayout.Interior, ["library"] = SceneLayout.Interior,
            ["gallery"] = SceneLayout.Interior, ["boutique"] = SceneLayout.Interior, ["shop"] = SceneLayout.Interior,
            ["window"] = SceneLayout.Interior, ["bedroom"] = SceneLayout.Interior, ["living"] = SceneLayout.Interior,
            ["beach"] = SceneLayout.Beach, ["seaside"] = SceneLayout.Beach, ["coast"] = SceneLayout.Beach,
            ["ocean"] = SceneLayout.Beach, ["sea"] = SceneLayout.Beach, ["shore"] = SceneLayout.Beach,
            ["tropical"] = SceneLayout.Beach, ["island"] = SceneLayout.Beach, ["lake"] = SceneLayout.Beach,
            ["forest"] = SceneLayout.Forest, ["woods"] = SceneLayout.Forest, ["woodland"] = SceneLayout.Forest,
            ["jungle"] = SceneLayout.Forest, ["clearing"] = SceneLayout.Forest, ["tree"] = SceneLayout.Forest,
            ["rainforest"] = SceneLayout.Forest,
            ["park"] = SceneLayout.Meadow, ["garden"] = SceneLayout.Meadow, ["meadow"] = SceneLayout.Meadow,
            ["field"] = SceneLayout.Meadow, ["grass"] = SceneLayout.Meadow, ["countryside"] = SceneLayout.Meadow,
            ["farm"] = SceneLayout.Meadow, ["lawn"] = SceneLayout.Meadow, ["outdoor"] = SceneLayout.Meadow,
            ["city"] = SceneLayout.City, ["street"] = SceneLayout.City, ["urban"] = SceneLayout.City,
            ["downtown"] = SceneLayout.City, ["rooftop"] = SceneLayout.City, ["skyline"] = SceneLayout.City,
            ["building"] = SceneLayout.City, ["town"] = SceneLayout.City,
            ["mountain"] = SceneLayout.Mountains, ["alps"] = SceneLayout.Mountains, ["hill"] = SceneLayout.Mountains,
            ["valley"] = SceneLayout.Mountains, ["snow"] = SceneLayout.Mountains, ["snowy"] = SceneLayout.Mountains,
            ["winter"] = SceneLayout.Mountains, ["ski"] = SceneLayout.Mountains, ["glacier"] = SceneLayout.Mountains,
            ["desert"] = SceneLayout.Desert, ["dune"] = SceneLayout.Desert, ["sahara"] = SceneLayout.Desert,
            ["canyon"] = SceneLayout.Desert, ["savanna"] = SceneLayout.Desert,
        };

        private static readonly HashSet<string> SnowWords = new(StringComparer.Ordinal)
        {
            "snow", "snowy", "winter", "ski", "glacier", "ice", "icy", "frozen", "arctic", "christmas",
        };

        private static readonly Dictionary<string, TimeOfDay> TimeWords = new(StringComparer.Ordinal)
        {
            ["sunset"] = TimeOfDay.Sunset, ["sunrise"] = TimeOfDay.Sunset, ["dusk"] = TimeOfDay.Sunset,
            ["dawn"] = TimeOfDay.Sunset, ["golden"] = TimeOfDay.Sunset, ["evening"] = TimeOfDay.Sunset,
            ["twilight"] = TimeOfDay.Sunset,
            ["night"] = TimeOfDay.Night, ["midnight"] = TimeOfDay.Night, ["nighttime"] = TimeOfDay.Night,
            ["moonlight"] = TimeOfDay.Night, ["moonlit"] = TimeOfDay.Night, ["starry"] = TimeOfDay.Night,
            ["neon"] = TimeOfDay.Night,
            ["cloudy"] = TimeOfDay.Overcast, ["overcast"] = TimeOfDay.Overcast, ["rainy"] = TimeOfDay.Overcast,
            ["rain"] = TimeOfDay.Overcast, ["foggy"] = TimeOfDay.Overcast, ["fog"] = TimeOfDay.Overcast,
            ["misty"] = TimeOfDay.Overcast, ["stormy"] = TimeOfDay.Overcast,
            ["day"] = TimeOfDay.Day, ["sunny"] = TimeOfDay.Day, ["noon"] = TimeOfDay.Day, ["daylight"] = TimeOfDay.Day,
        };

        private static readonly Dictionary<string, SKColor> ColourWords = new(StringComparer.Ordinal)
        {
            ["red"] = new(200, 40, 40), ["orange"] = new(240, 140, 40), ["yellow"] = new(240, 210, 60),
            ["green"] = new(60, 160, 70), ["blue"] = new(50, 100, 200), ["purple"] = new(120, 60, 170),
            ["violet"] = new(130, 70, 190), ["pink"] = new(240, 140, 180), ["white"] = new(250, 250, 250),
            ["black"] = new(20, 20, 22), ["grey"] = new(128, 128, 128), ["gray"] = new(128, 128, 128),
            ["brown"] = new(120, 80, 45), ["teal"] = new(30, 140, 140), ["turquoise"] = new(50, 190, 180),
            ["beige"] = new(225, 205, 170), ["navy"] = new(30, 40, 90), ["cream"] = new(245, 235, 210),
            ["pastel"] = new(230, 200, 220), ["gold"] = new(220, 175, 70),
        };

        /// <summary>Words that carry no scene: they neither pick a hue nor count as unknown.</summary>
        private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
        {
            "a", "an", "the", "and", "or", "with", "in", "on", "at", "of", "by", "for", "to", "from", "near", "under",
            "background", "scene", "photo", "image", "picture", "view", "setting", "style", "light", "lighting",
        };

        internal static Scene Interpret(string prompt, long seed)
        {
            string[] words = Words(prompt);
            SceneLayout? layout = null;
            TimeOfDay time = TimeOfDay.Day;
            bool snow = false;
            var tints = new List<SKColor>();
            var unknownWords = new List<string>();
            foreach (string word in words)
            {
                if (SnowWords.Contains(word)) snow = true;
                if (PlaceWords.TryGetValue(word, out SceneLayout place)) layout ??= place;
                else if (TimeWords.TryGetValue(word, out TimeOfDay t)) time = time == TimeOfDay.Day ? t : time; // "cloudy day" stays cloudy
                else if (ColourWords.TryGetValue(word, out SKColor tint)) tints.Add(tint);
                else if (!StopWords.Contains(word)) unknownWords.Add(word);
            }

            string normalised = string.Join(' ', words);
            // The seed and every word change the details; the seed alone must change them too.
            ulong detailSeed = new SeededRandom(SeededRandom.Hash(normalised) ^ ((ulong)seed * 0x9E3779B97F4A7C15UL)).NextUInt64();
            var random = new SeededRandom(detailSeed);

            Scene scene = layout is { } known
                ? BasePalette(known, snow, detailSeed)
                : HashedStudio(unknownWords.Count > 0 ? string.Join(' ', unknownWords) : normalised, detailSeed);
            scene = Relight(scene, time);
            foreach (SKColor tint in tints.Take(2))
            {
                scene = MapColours(scene, c => Colour.TintTowards(c, tint, 0.45f));
            }

            // Seeded variation: a small hue and brightness shift, and where the horizon sits.
            float hueShift = random.NextFloat(-10f, 10f);
            float brightness = random.NextFloat(0.94f, 1.06f);
            scene = MapColours(scene, c => Colour.Scale(Colour.RotateHue(c, hueShift), brightness));
            return scene with
            {
                Horizon = Math.Clamp(scene.Horizon + random.NextFloat(-0.05f, 0.05f), 0.3f, 0.85f),
                SunX = random.NextFloat(0.12f, 0.88f),
            };
        }

        /// <summary>Lower-case letter runs; a plural is read as its singular when only that is known.</summary>
        internal static string[] Words(string prompt)
        {
            var words = new List<string>();
            var current = new System.Text.StringBuilder();
            foreach (char c in prompt.ToLowerInvariant() + " ")
            {
                if (char.IsLetter(c))
                {
                    current.Append(c);
                    continue;
                }

                if (current.Length > 0)
                {
                    string word = current.ToString();
                    if (word.Length > 3 && word.EndsWith('s') && !IsKnown(word) && IsKnown(word[..^1]))
                    {
                        word = word[..^1];
                    }

                    words.Add(word);
                    current.Clear();
                }
            }

            return words.ToArray();
        }

        private static bool IsKnown(string word) =>
            PlaceWords.ContainsKey(word) || TimeWords.ContainsKey(word) || ColourWords.ContainsKey(word) || SnowWords.Contains(word);

        private static Scene BasePalette(SceneLayout layout, bool snow, ulong detailSeed)
        {
            Scene scene = layout switch
            {
                SceneLayout.Studio => new Scene(layout, TimeOfDay.Day, snow, new(188, 188, 194), new(236, 236, 238), new(214, 214, 218), new(184, 184, 190), new(200, 200, 205), new(160, 160, 168), new(255, 255, 255), 0.8f, 0.5f, detailSeed),
                SceneLayout.Interior => new Scene(layout, TimeOfDay.Day, snow, new(214, 208, 198), new(230, 224, 214), new(165, 132, 100), new(122, 94, 68), new(165, 200, 232), new(66, 70, 76), new(252, 250, 244), 0.74f, 0.5f, detailSeed),
                SceneLayout.Beach => new Scene(layout, TimeOfDay.Day, snow, new(66, 142, 214), new(176, 214, 240), new(226, 206, 166), new(242, 224, 188), new(32, 122, 172), new(40, 110, 60), new(255, 250, 225), 0.46f, 0.5f, detailSeed),
                SceneLayout.Forest => new Scene(layout, TimeOfDay.Day, snow, new(156, 196, 112), new(92, 138, 66), new(84, 116, 50), new(54, 86, 36), new(70, 120, 110), new(46, 66, 36), new(236, 246, 190), 0.7f, 0.5f, detailSeed),
                SceneLayout.Meadow => new Scene(layout, TimeOfDay.Day, snow, new(82, 150, 226), new(188, 222, 242), new(122, 172, 72), new(82, 142, 50), new(60, 120, 160), new(62, 112, 56), new(255, 250, 225), 0.56f, 0.5f, detailSeed),
                SceneLayout.City => new Scene(layout, TimeOfDay.Day, snow, new(104, 150, 206), new(202, 214, 226), new(126, 126, 132), new(94, 94, 100), new(80, 110, 140), new(84, 94, 110), new(255, 245, 220), 0.66f, 0.5f, detailSeed),
                SceneLayout.Mountains => new Scene(layout, TimeOfDay.Day, snow, new(78, 140, 216), new(196, 222, 242), new(110, 142, 88), new(84, 116, 68), new(70, 130, 170), new(108, 124, 150), new(255, 255, 240), 0.62f, 0.5f, detailSeed),
                _ => new Scene(SceneLayout.Desert, TimeOfDay.Day, snow, new(84, 154, 226), new(226, 220, 200), new(230, 180, 120), new(240, 200, 146), new(70, 140, 190), new(214, 158, 98), new(255, 250, 230), 0.55f, 0.5f, detailSeed),
            };
            if (snow && layout != SceneLayout.Studio && layout != SceneLayout.Interior)
            {
                scene = scene with { GroundFar = new(232, 238, 246), GroundNear = new(248, 250, 254), Feature = Colour.Lerp(scene.Feature, new SKColor(150, 166, 192), 0.6f) };
            }

            return scene;
        }

        /// <summary>A studio backdrop whose hue comes from the words themselves, for prompts without a known place.</summary>
        private static Scene HashedStudio(string words, ulong detailSeed)
        {
            ulong hash = SeededRandom.Hash(words);
            float hue = hash % 360;
            float saturation = 25 + (hash >> 12) % 30;
            return new Scene(
                SceneLayout.Studio, TimeOfDay.Day, false,
                SKColor.FromHsv(hue, saturation + 10, 62), SKColor.FromHsv(hue, saturation, 90),
                SKColor.FromHsv((hue + 25) % 360, saturation, 78), SKColor.FromHsv((hue + 25) % 360, saturation + 10, 58),
                SKColor.FromHsv((hue + 180) % 360, 40, 70), SKColor.FromHsv((hue + 40) % 360, saturation + 20, 50),
                SKColor.FromHsv(hue, 8, 100), 0.8f, 0.5f, detailSeed);
        }

        private static Scene Relight(Scene scene, TimeOfDay time)
        {
            bool indoor = scene.Layout is SceneLayout.Studio or SceneLayout.Interior;
            switch (time)
            {
                case TimeOfDay.Sunset:
                {
                    var warm = new SKColor(255, 190, 140);
                    if (indoor)
                    {
                        // Walls keep their paint and catch warm light; the view through a window is a sunset sky.
                        Scene lit = MapColours(scene, c => Colour.Lerp(c, Colour.Multiply(c, warm), 0.6f));
                        return lit with { Time = time, Water = new(250, 160, 100), Light = new(255, 206, 140) };
                    }

                    return scene with
                    {
                        Time = time,
                        SkyTop = scene.Layout == SceneLayout.Forest ? Colour.Lerp(scene.SkyTop, new SKColor(240, 170, 90), 0.45f) : new SKColor(232, 108, 84),
                        SkyHorizon = scene.Layout == SceneLayout.Forest ? Colour.Lerp(scene.SkyHorizon, new SKColor(200, 130, 70), 0.3f) : new SKColor(255, 184, 96),
                        GroundFar = Colour.Lerp(scene.GroundFar, Colour.Multiply(scene.GroundFar, warm), 0.8f),
                        GroundNear = Colour.Lerp(scene.GroundNear, Colour.Multiply(scene.GroundNear, warm), 0.8f),
                        Water = Colour.Lerp(scene.Water, new SKColor(236, 140, 96), 0.7f),
                        Feature = Colour.Lerp(scene.Feature, Colour.Multiply(scene.Feature, new SKColor(190, 120, 110)), 0.7f),
                        Light = new SKColor(255, 214, 140),
                    };
                }

                case TimeOfDay.Night:
                {
                    var moonlight = new SKColor(70, 80, 120);
                    if (indoor)
                    {
                        Scene lamp = MapColours(scene, c => Colour.Multiply(c, new SKColor(150, 130, 110)));
                        return lamp with { Time = time, Water = new(18, 26, 60), Light = new(255, 214, 150) };
                    }

                    Scene dark = MapColours(scene, c => Colour.Multiply(c, moonlight));
                    return dark with { Time = time, SkyTop = new(8, 12, 36), SkyHorizon = new(34, 44, 86), Light = new(236, 238, 255) };
                }

                case TimeOfDay.Overcast:
                {
                    Scene grey = MapColours(scene, c => Colour.Lerp(c, Colour.Grey(c), 0.55f));
                    return grey with { Time = time, SkyTop = Colour.Lerp(grey.SkyTop, new SKColor(170, 176, 184), 0.6f), Light = new(230, 232, 236) };
                }

                default:
                    return scene;
            }
        }

        private static Scene MapColours(Scene scene, Func<SKColor, SKColor> map) => scene with
        {
            SkyTop = map(scene.SkyTop),
            SkyHorizon = map(scene.SkyHorizon),
            GroundFar = map(scene.GroundFar),
            GroundNear = map(scene.GroundNear),
            Water = map(scene.Water),
            Feature = map(scene.Feature),
            Light = map(scene.Light),
        };
    }

    /// <summary>Small colour helpers on 8-bit sRGB values.</summary>
    internal static class Colour
    {
        internal static SKColor Lerp(SKColor a, SKColor b, float t) => new(
            ToByte(a.Red + (b.Red - a.Red) * t),
            ToByte(a.Green + (b.Green - a.Green) * t),
            ToByte(a.Blue + (b.Blue - a.Blue) * t),
            ToByte(a.Alpha + (b.Alpha - a.Alpha) * t));

        /// <summary>Lights <paramref name="c"/> with coloured light, as a material under a filter.</summary>
        internal static SKColor Multiply(SKColor c, SKColor light) => new(
            ToByte(c.Red * light.Red / 255f), ToByte(c.Green * light.Green / 255f), ToByte(c.Blue * light.Blue / 255f), c.Alpha);

        internal static SKColor Scale(SKColor c, float factor) => new(
            ToByte(c.Red * factor), ToByte(c.Green * factor), ToByte(c.Blue * factor), c.Alpha);

        internal static float Luma(SKColor c) => 0.299f * c.Red + 0.587f * c.Green + 0.114f * c.Blue;

        internal static SKColor Grey(SKColor c)
        {
            byte y = ToByte(Luma(c));
            return new SKColor(y, y, y, c.Alpha);
        }

        /// <summary>
        /// Moves towards the tint's hue; a chromatic tint keeps the colour's brightness (a "blue studio" is
        /// still a light studio), a neutral one (white, black, grey) moves the brightness too.
        /// </summary>
        internal static SKColor TintTowards(SKColor c, SKColor tint, float amount)
        {
            tint.ToHsv(out _, out float saturation, out _);
            if (saturation < 15)
            {
                return Lerp(c, tint, amount);
            }

            float scale = Luma(c) / Math.Max(1f, Luma(tint));
            return Lerp(c, Scale(tint, scale), amount);
        }

        internal static SKColor RotateHue(SKColor c, float degrees)
        {
            c.ToHsv(out float hue, out float saturation, out float value);
            hue = (hue + degrees + 360f) % 360f;
            return SKColor.FromHsv(hue, saturation, value, c.Alpha);
        }

        internal static byte ToByte(float value) => (byte)Math.Clamp((int)(value + 0.5f), 0, 255);
    }
}
