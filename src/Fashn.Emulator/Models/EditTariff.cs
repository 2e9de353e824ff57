using System.Globalization;

namespace Fashn.Emulator.Models
{
    /// <summary>
    /// The edit model's processing time (unscaled seconds) and credits per output image for each resolution and
    /// generation mode, keyed <c>"&lt;resolution&gt;:&lt;mode&gt;"</c> (e.g. <c>"2k:quality"</c>). FASHN says only "20 s to
    /// 120 s" and "1 to 5 credits per output image depending on resolution and generation mode"; the defaults spread
    /// those ranges, growing with both, and are unconfirmed: <c>--edit-times</c> and <c>--edit-credits</c> override entries.
    /// </summary>
    internal static class EditTariff
    {
        public static Dictionary<string, double> DefaultTimes() => new(StringComparer.Ordinal)
        {
            ["1k:fast"] = 20, ["1k:balanced"] = 30, ["1k:quality"] = 45,
            ["2k:fast"] = 30, ["2k:balanced"] = 45, ["2k:quality"] = 70,
            ["4k:fast"] = 50, ["4k:balanced"] = 80, ["4k:quality"] = 120,
        };

        public static Dictionary<string, int> DefaultCredits() => new(StringComparer.Ordinal)
        {
            ["1k:fast"] = 1, ["1k:balanced"] = 1, ["1k:quality"] = 2,
            ["2k:fast"] = 2, ["2k:balanced"] = 2, ["2k:quality"] = 3,
            ["4k:fast"] = 3, ["4k:balanced"] = 4, ["4k:quality"] = 5,
        };

        public static string Key(string resolution, string mode) => resolution + ":" + mode;

        /// <summary>
        /// Applies <c>1k:fast=20,4k:quality=110</c> to <paramref name="table"/>; throws <see cref="FormatException"/> for an
        /// entry that is not <c>&lt;resolution&gt;:&lt;mode&gt;=&lt;number&gt;</c> of a known resolution and mode.
        /// </summary>
        public static void Override<T>(Dictionary<string, T> table, string entries, Func<string, T> parse)
        {
            foreach (string entry in entries.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || !table.ContainsKey(parts[0]))
                {
                    throw new FormatException($"'{entry}' is not <resolution>:<mode>=<value> with a resolution of {string.Join("/", EditInputs.Resolutions)} and a mode of {string.Join("/", EditInputs.GenerationModes)}.");
                }

                table[parts[0]] = parse(parts[1]);
            }
        }

        /// <summary>The table as the --help text shows it, e.g. <c>1k:fast=20,1k:balanced=30,...</c>.</summary>
        public static string Describe<T>(Dictionary<string, T> table) where T : IFormattable =>
            string.Join(",", table.Select(entry => entry.Key + "=" + entry.Value.ToString(null, CultureInfo.InvariantCulture)));
    }
}
