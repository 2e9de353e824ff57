using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace FashnBackground.Tests;

/// <summary>What one pipeline left in every stream.</summary>
public sealed class PipelineResult
{
    public required Collection<PSObject> Output { get; init; }
    public required IReadOnlyList<ErrorRecord> Errors { get; init; }
    public required IReadOnlyList<WarningRecord> Warnings { get; init; }
    public required IReadOnlyList<VerboseRecord> Verbose { get; init; }
    public required IReadOnlyList<DebugRecord> Debug { get; init; }
    public required IReadOnlyList<ProgressRecord> Progress { get; init; }
    public required IReadOnlyList<InformationRecord> Information { get; init; }

    /// <summary>The terminating error, if the pipeline ended with one.</summary>
    public RuntimeException? Terminating { get; init; }

    /// <summary>Every text a user could see, from every stream, for searching (a key must be in none).</summary>
    public string AllText()
    {
        var parts = new List<string>();
        parts.AddRange(Output.Select(o => o?.ToString() ?? ""));
        foreach (var o in Output.Where(o => o != null))
        {
            foreach (var property in o.Properties)
            {
                try { parts.Add(property.Value?.ToString() ?? ""); } catch (GetValueInvocationException) { }
            }
        }
        foreach (var e in Errors.Concat(Terminating?.ErrorRecord is { } t ? new[] { t } : []))
        {
            parts.Add(e.ToString());
            parts.Add(e.Exception.ToString());
            parts.Add(e.FullyQualifiedErrorId);
            parts.Add(e.ErrorDetails?.Message ?? "");
            parts.Add(e.TargetObject?.ToString() ?? "");
        }
        if (Terminating != null) parts.Add(Terminating.ToString());
        parts.AddRange(Warnings.Select(w => w.Message));
        parts.AddRange(Verbose.Select(v => v.Message));
        parts.AddRange(Debug.Select(d => d.Message));
        parts.AddRange(Progress.Select(p => p.Activity + " " + p.StatusDescription + " " + p.CurrentOperation));
        parts.AddRange(Information.Select(i => i.MessageData?.ToString() ?? ""));
        return string.Join("\n", parts);
    }
}

/// <summary>
/// A runspace of the real engine with the staged module imported through its manifest, and default parameter
/// values pointing the module at an emulator (per runspace, so parallel tests do not share environment variables).
/// </summary>
public sealed class PowerShellHost : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellHost(Uri? baseUri = null, string? apiKey = null, bool importModule = true)
    {
        _runspace = RunspaceFactory.CreateRunspace(Console, HostedSessionState.Create());
        _runspace.Open();
        if (importModule)
        {
            var imported = Invoke("Import-Module $args[0] -PassThru", ModuleLayout.StagedManifest);
            if (imported.Terminating != null || imported.Errors.Count > 0)
            {
                throw new InvalidOperationException("The module did not import: " + imported.AllText());
            }
        }
        // Each host keeps its own journal of started predictions, not the user's.
        JournalPath = Path.Combine(Path.GetTempPath(), "fashn-journal-" + Guid.NewGuid().ToString("N")[..10] + ".jsonl");
        if (importModule) Invoke("$PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = $args[0]", JournalPath);
        if (baseUri != null && apiKey != null)
        {
            Invoke("$PSDefaultParameterValues['*-Fashn*:BaseUri'] = $args[0]; $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $args[1]",
                baseUri.AbsoluteUri, apiKey);
        }
    }

    public Runspace Runspace => _runspace;

    /// <summary>What was written straight to the console (the host), outside the pipeline's streams.</summary>
    public TestConsoleHost Console { get; } = new();

    /// <summary>Runs a script (with $args) to its end and collects every stream.</summary>
    public PipelineResult Invoke(string script, params object?[] arguments) => Run(ps =>
    {
        ps.AddScript(script);
        foreach (var argument in arguments) ps.AddArgument(argument);
    });

    /// <summary>Runs one command with named parameters: a terminating error ends up in <see cref="PipelineResult.Terminating"/>.</summary>
    public PipelineResult InvokeCommand(string command, Dictionary<string, object?> parameters) => Run(ps =>
    {
        ps.AddCommand(command);
        foreach (var (name, value) in parameters) ps.AddParameter(name, value);
    });

    private PipelineResult Run(Action<PowerShell> build)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        build(ps);
        Collection<PSObject> output = new();
        RuntimeException? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }
        return Collect(ps, output, terminating);
    }

    /// <summary>Starts a script without waiting; the caller stops it or waits.</summary>
    public RunningPipeline Start(string script, params object?[] arguments)
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var argument in arguments) ps.AddArgument(argument);
        var output = new PSDataCollection<PSObject>();
        var handle = ps.BeginInvoke<PSObject, PSObject>(null, output);
        return new RunningPipeline(ps, output, handle);
    }

    internal static PipelineResult Collect(PowerShell ps, Collection<PSObject> output, RuntimeException? terminating) => new()
    {
        Output = output,
        Errors = ps.Streams.Error.ToList(),
        Warnings = ps.Streams.Warning.ToList(),
        Verbose = ps.Streams.Verbose.ToList(),
        Debug = ps.Streams.Debug.ToList(),
        Progress = ps.Streams.Progress.ToList(),
        Information = ps.Streams.Information.ToList(),
        Terminating = terminating,
    };

    public string JournalPath { get; }

    public void Dispose()
    {
        _runspace.Dispose();
        if (File.Exists(JournalPath)) File.Delete(JournalPath);
        // Its lock files, beside it.
        if (Directory.Exists(JournalPath + ".locks")) Directory.Delete(JournalPath + ".locks", recursive: true);
    }
}

public sealed class RunningPipeline : IDisposable
{
    private readonly PowerShell _ps;
    private readonly IAsyncResult _handle;

    public RunningPipeline(PowerShell ps, PSDataCollection<PSObject> output, IAsyncResult handle)
    {
        _ps = ps;
        Output = output;
        _handle = handle;
    }

    public PSDataCollection<PSObject> Output { get; }

    public PowerShell PowerShell => _ps;

    /// <summary>Stops the pipeline the way Ctrl+C does, and returns what it left.</summary>
    public PipelineResult Stop()
    {
        _ps.Stop();
        return End();
    }

    public PipelineResult End()
    {
        RuntimeException? terminating = null;
        try
        {
            _ps.EndInvoke(_handle);
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }
        return PowerShellHost.Collect(_ps, new Collection<PSObject>(Output.ToList()), terminating);
    }

    public void Dispose() => _ps.Dispose();
}

/// <summary>
/// The engine's default session with the Utility and Management cmdlets that pwsh ships as modules (Out-String,
/// Format-List, Import-Csv, Get-ChildItem): a hosted engine has no $PSHOME/Modules to find them in.
/// </summary>
public static class HostedSessionState
{
    public static InitialSessionState Create()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[]
        {
            typeof(Microsoft.PowerShell.Commands.OutStringCommand).Assembly.Location,
            typeof(Microsoft.PowerShell.Commands.GetChildItemCommand).Assembly.Location,
        });
        return state;
    }
}

/// <summary>Where the build staged the module (out/FashnBackground/&lt;version&gt;/).</summary>
public static class ModuleLayout
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string StagedFolder
    {
        get
        {
            var versions = Directory.GetDirectories(Path.Combine(RepositoryRoot, "out", "FashnBackground"));
            if (versions.Length != 1) throw new InvalidOperationException("Expected one staged version under out/FashnBackground, found " + versions.Length);
            return versions[0];
        }
    }

    public static string StagedManifest => Path.Combine(StagedFolder, "FashnBackground.psd1");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fashn.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Fashn.sln not found above " + AppContext.BaseDirectory);
    }
}
