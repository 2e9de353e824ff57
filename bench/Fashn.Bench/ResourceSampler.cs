using System.Diagnostics;

namespace Fashn.Bench;

/// <summary>
/// This process's CPU time over a scenario and its peak working set during it (sampled every 25 ms; the OS's own
/// peak covers the whole process life, so it cannot tell scenarios apart).
/// </summary>
internal sealed class ResourceSampler : IDisposable
{
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly TimeSpan _cpuAtStart;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peakWorkingSet;

    public ResourceSampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _self.Refresh();
        WorkingSetAtStart = _self.WorkingSet64;
        _peakWorkingSet = WorkingSetAtStart;
        _cpuAtStart = _self.TotalProcessorTime;
        _thread = new Thread(Sample) { IsBackground = true, Name = "resource sampler" };
        _thread.Start();
    }

    public long WorkingSetAtStart { get; }

    public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);

    public TimeSpan CpuTime { get; private set; }

    public void Stop()
    {
        _stop = true;
        _thread.Join();
        _self.Refresh();
        CpuTime = _self.TotalProcessorTime - _cpuAtStart;
    }

    private void Sample()
    {
        while (!_stop)
        {
            _self.Refresh();
            var now = _self.WorkingSet64;
            if (now > Interlocked.Read(ref _peakWorkingSet)) Interlocked.Exchange(ref _peakWorkingSet, now);
            Thread.Sleep(25);
        }
    }

    public void Dispose()
    {
        if (!_stop) Stop();
        _self.Dispose();
    }
}
