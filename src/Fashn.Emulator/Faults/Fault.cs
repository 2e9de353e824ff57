namespace Fashn.Emulator.Faults
{
    internal enum FaultKind { None, Status429, Status500, Drop, DropAfterCreate, Slow, Fail, Canceled, TimeOut, Gateway502, Gateway503, SlowAfterCreate }

    /// <summary>One injected fault: what happens to a request instead of (or on top of) its normal answer.</summary>
    internal sealed record Fault(FaultKind Kind, double SlowSeconds = 0, string? FailName = null)
    {
        public static readonly Fault None = new(FaultKind.None);

        /// <summary>The name stats count this fault under, e.g. "status-429" or "fail:PipelineError".</summary>
        public string Label => Kind switch
        {
            FaultKind.Status429 => "status-429",
            FaultKind.Status500 => "status-500",
            FaultKind.Drop => "drop",
            FaultKind.DropAfterCreate => "drop-after-create",
            FaultKind.Slow => "slow",
            FaultKind.Fail => "fail:" + FailName,
            FaultKind.Canceled => "canceled",
            FaultKind.TimeOut => "time_out",
            FaultKind.Gateway502 => "gateway-502",
            FaultKind.Gateway503 => "gateway-503",
            FaultKind.SlowAfterCreate => "slow-after-create",
            _ => "none",
        };

        /// <summary>A fault that needs the prediction to exist: the run handler applies it once it is created.</summary>
        public bool AppliesToCreatedPrediction => Kind is FaultKind.DropAfterCreate or FaultKind.Fail or FaultKind.Canceled or FaultKind.TimeOut or FaultKind.SlowAfterCreate;
    }
}
