using System;

namespace Fashn.Emulator.Imaging
{
    /// <summary>
    /// SplitMix64: a tiny generator whose sequence is fixed by its seed on every platform and runtime version,
    /// which System.Random does not promise. A struct, so each render owns its own.
    /// </summary>
    internal struct SeededRandom
    {
        private ulong _state;

        internal SeededRandom(ulong seed)
        {
            _state = seed;
        }

        internal ulong NextUInt64()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>A float in [min, max).</summary>
        internal float NextFloat(float min, float max) => min + (float)((NextUInt64() >> 40) / (double)(1UL << 24)) * (max - min);

        /// <summary>An int in [min, max).</summary>
        internal int NextInt(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min));

        /// <summary>FNV-1a over the text's UTF-16 code units: a stable hash (string.GetHashCode is randomised per process).</summary>
        internal static ulong Hash(string text)
        {
            ulong hash = 14695981039346656037UL;
            foreach (char c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }
    }
}
