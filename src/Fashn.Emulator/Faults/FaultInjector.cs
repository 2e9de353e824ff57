using System.Globalization;

namespace Fashn.Emulator.Faults
{

    /// <summary>
    /// Decides the fault for a /v1 request: the <c>X-Emulator-Fault</c> header wins, otherwise the option rates
    /// are drawn from one seeded <see cref="Random"/> so that a sequence of requests repeats from run to run.
    /// </summary>
    internal sealed class FaultInjector
    {
        public const string HeaderName = "X-Emulator-Fault";

        private readonly EmulatorOptions _options;
        private readonly Random _random;
        private readonly object _lock = new();

        public FaultInjector(EmulatorOptions options)
        {
            _options = options;
            _random = options.FaultSeed is int seed ? new Random(seed) : new Random();
        }

        /// <summary>Parses a header value; null when the value is not understood.</summary>
        public static Fault? Parse(string value)
        {
            string text = value.Trim();
            switch (text.ToLowerInvariant())
            {
                case "none": return Fault.None;
                case "status-429": return new Fault(FaultKind.Status429);
                case "status-500": return new Fault(FaultKind.Status500);
                case "drop": return new Fault(FaultKind.Drop);
                case "drop-after-create": return new Fault(FaultKind.DropAfterCreate);
                case "canceled": return new Fault(FaultKind.Canceled);
                case "time_out": return new Fault(FaultKind.TimeOut);
            }

            if (text.StartsWith("slow:", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(5), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                && seconds >= 0)
            {
                return new Fault(FaultKind.Slow, SlowSeconds: seconds);
            }

            if (text.StartsWith("fail:", StringComparison.OrdinalIgnoreCase) && text.Length > 5)
            {
                return new Fault(FaultKind.Fail, FailName: text.Substring(5));
            }

            return null;
        }

        /// <summary>Draws the option-rate fault for one request (the run-only kinds only when <paramref name="isRun"/>).</summary>
        public Fault Draw(bool isRun)
        {
            lock (_lock)
            {
                // Always two draws per request, so the sequence does not depend on which endpoints were called.
                double transport = _random.NextDouble();
                double outcome = _random.NextDouble();
                double bound = 0;
                if (transport < (bound += _options.Fault429Rate)) return new Fault(FaultKind.Status429);
                if (transport < (bound += _options.Fault500Rate)) return new Fault(FaultKind.Status500);
                if (transport < (bound += _options.FaultDropRate)) return new Fault(FaultKind.Drop);
                if (transport < (bound += _options.FaultSlowRate)) return new Fault(FaultKind.Slow, SlowSeconds: _options.FaultSlowSeconds);
                if (!isRun)
                {
                    return Fault.None;
                }

                if (transport < (bound += _options.FaultDropAfterCreateRate)) return new Fault(FaultKind.DropAfterCreate);
                // The outcome draw falls in the fail share, then the canceled share, then the time_out share.
                if (outcome < _options.FaultFailRate)
                {
                    if (_options.FaultFailNames.Length == 0)
                    {
                        return Fault.None;
                    }

                    // Reuse the outcome draw to pick the name, keeping two draws per request.
                    int index = (int)(outcome / _options.FaultFailRate * _options.FaultFailNames.Length);
                    return new Fault(FaultKind.Fail, FailName: _options.FaultFailNames[Math.Min(index, _options.FaultFailNames.Length - 1)]);
                }

                double outcomeBound = _options.FaultFailRate;
                if (outcome < (outcomeBound += _options.FaultCanceledRate)) return new Fault(FaultKind.Canceled);
                if (outcome < (outcomeBound += _options.FaultTimeOutRate)) return new Fault(FaultKind.TimeOut);
                return Fault.None;
            }
        }
    }
}
