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

        /// <summary>The longest delay a <c>slow:</c> fault may ask for; more (or Infinity, NaN) is not understood.</summary>
        public const double LongestSlowSeconds = 3600;

        private readonly EmulatorOptions _options;
        private readonly Random _random;
        private readonly Random _downloads;
        private readonly object _lock = new();

        public FaultInjector(EmulatorOptions options)
        {
            _options = options;
            _random = options.FaultSeed is int seed ? new Random(seed) : new Random();
            _downloads = options.FaultSeed is int downloadSeed ? new Random(downloadSeed) : new Random();
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
                case "gateway-502": return new Fault(FaultKind.Gateway502);
                case "gateway-503": return new Fault(FaultKind.Gateway503);
            }

            if (TryParseDelay(text, "slow:", out double seconds))
            {
                return new Fault(FaultKind.Slow, SlowSeconds: seconds);
            }

            if (TryParseDelay(text, "slow-after-create:", out seconds))
            {
                return new Fault(FaultKind.SlowAfterCreate, SlowSeconds: seconds);
            }

            if (text.StartsWith("fail:", StringComparison.OrdinalIgnoreCase) && text.Length > 5)
            {
                return new Fault(FaultKind.Fail, FailName: text.Substring(5));
            }

            return null;
        }

        /// <summary>"&lt;prefix&gt;&lt;seconds&gt;" with a finite delay from 0 to <see cref="LongestSlowSeconds"/>.</summary>
        private static bool TryParseDelay(string text, string prefix, out double seconds)
        {
            seconds = 0;
            return text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(prefix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds)
                && seconds >= 0 && seconds <= LongestSlowSeconds;
        }

        /// <summary>Whether a CDN download is cut half way, drawn from a seeded random of its own (the /v1 sequence stays as it was).</summary>
        public bool DrawCutDownload()
        {
            lock (_lock)
            {
                return _options.FaultCutDownloadRate > 0 && _downloads.NextDouble() < _options.FaultCutDownloadRate;
            }
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
                // The outcome draw picks which gateway error, keeping two draws per request.
                if (transport < (bound += _options.FaultGatewayRate)) return new Fault(outcome < 0.5 ? FaultKind.Gateway502 : FaultKind.Gateway503);
                if (!isRun)
                {
                    return Fault.None;
                }

                if (transport < (bound += _options.FaultDropAfterCreateRate)) return new Fault(FaultKind.DropAfterCreate);
                if (transport < (bound += _options.FaultSlowAfterCreateRate)) return new Fault(FaultKind.SlowAfterCreate, SlowSeconds: _options.FaultSlowSeconds);
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
