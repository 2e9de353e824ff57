using System.Management.Automation;
using Xunit;
public class SmokeTests
{
    [Fact]
    public void EngineRuns()
    {
        using var ps = PowerShell.Create(System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
        ps.AddScript("1..3 | ForEach-Object { $_ * 2 }");
        var r = ps.Invoke();
        Assert.Equal(new object[] { 2, 4, 6 }, r.Select(o => o.BaseObject).ToArray());
    }
}
