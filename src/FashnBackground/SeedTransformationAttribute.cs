using System;
using System.Globalization;
using System.Management.Automation;

namespace FashnBackground
{
    /// <summary>
    /// Lets -Seed come from a spreadsheet: Import-Csv gives every cell as a string, and an empty cell means no seed
    /// (the service's default), where PowerShell's own conversion would make it 0. The range is checked here too,
    /// since validation attributes refuse the null an empty cell becomes.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SeedTransformationAttribute : ArgumentTransformationAttribute
    {
        public const long MaxSeed = 4294967295L;

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value == null || (value is string blank && string.IsNullOrWhiteSpace(blank))) return null!;
            long seed;
            var converted = value is string text
                ? long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out seed)
                : LanguagePrimitives.TryConvertTo(value, CultureInfo.InvariantCulture, out seed);
            if (!converted || seed < 0 || seed > MaxSeed) throw Refused(value);
            return seed;
        }

        private static ArgumentTransformationMetadataException Refused(object value) =>
            new ArgumentTransformationMetadataException(string.Format(CultureInfo.InvariantCulture,
                "The seed '{0}' is not a whole number from 0 to {1}. Give one, or leave the seed out (an empty cell) for the service's default, 42.",
                value, MaxSeed));
    }
}
