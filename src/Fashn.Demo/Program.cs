using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Fashn.Demo;
using Fashn.Emulator;

// The whole job, offline: sample photos -> local FASHN emulator -> the module's real cmdlet pipeline -> new images on disk.
// Arguments (both optional): the emulator's time scale (default 0.25) and the output folder (default demo-output/).
var root = FindRepositoryRoot();
var timeScale = args.Length > 0 && double.TryParse(args[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) ? scale : 0.25;
var outputFolder = args.Length > 1 ? Path.GetFullPath(args[1]) : Path.Combine(root, "demo-output");
// The demo's own journal, so its predictions never go into the user's (LocalApplicationData/FashnBackground).
var journal = Path.Combine(outputFolder, "journal.jsonl");
// And its own folder for the key's machine-wide places and rate windows (FASHN_KEYS_FOLDER), for the same reason.
var keysFolder = Path.Combine(outputFolder, "keys");

Console.WriteLine("FashnBackground demo (offline, against the local FASHN emulator)");
// A fresh run every time: what an earlier run left is removed (only the demo's own files; the folder may be given).
foreach (var folder in new[] { "input", "output", "keys" })
{
    if (Directory.Exists(Path.Combine(outputFolder, folder))) Directory.Delete(Path.Combine(outputFolder, folder), recursive: true);
}
if (File.Exists(journal)) File.Delete(journal);
var inputs = SampleImages.Write(Path.Combine(outputFolder, "input"));
Console.WriteLine($"Drew {inputs.Count} sample product photos in {Path.Combine(outputFolder, "input")}");

await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { TimeScale = timeScale });
Console.WriteLine($"Emulator listening on {emulator.BaseUri} (processing {12 * timeScale:0.#} s per image, key {emulator.Options.ApiKey})");

var manifest = Directory.GetFiles(Path.Combine(root, "out", "FashnBackground"), "FashnBackground.psd1", SearchOption.AllDirectories).Single();
using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();

// What a user types in pwsh, with the engine hosted here: the emulator stands in for api.fashn.ai.
const string script = """
    param($Manifest, $BaseUri, $ApiKey, $InputFolder, $Destination, $Journal, $SheetPath, $KeysFolder)
    Import-Module $Manifest
    $env:FASHN_KEYS_FOLDER = $KeysFolder
    $env:FASHN_BASE_URL = $BaseUri
    $env:FASHN_API_KEY = $ApiKey
    $photos = [System.IO.DirectoryInfo]::new($InputFolder).GetFiles('*.jpg')
    $predictions = $photos | Invoke-FashnBackgroundChange -Prompt 'beach sunset' -Seed 42 -Wait -JournalPath $Journal
    $saved = $predictions | Save-FashnOutput -Destination $Destination
    $saved | Export-FashnContactSheet -Path $SheetPath -Title 'FashnBackground demo: beach sunset'
    $predictions
    """;
using var ps = PowerShell.Create();
ps.Runspace = runspace;
ps.AddScript(script)
    .AddParameter("Manifest", manifest)
    .AddParameter("BaseUri", emulator.BaseUri.AbsoluteUri)
    .AddParameter("ApiKey", emulator.Options.ApiKey)
    .AddParameter("InputFolder", Path.Combine(outputFolder, "input"))
    .AddParameter("Destination", Path.Combine(outputFolder, "output"))
    .AddParameter("Journal", journal)
    .AddParameter("SheetPath", Path.Combine(outputFolder, "index.html"))
    .AddParameter("KeysFolder", keysFolder);
ps.Streams.Progress.DataAdded += (_, e) =>
{
    var record = ps.Streams.Progress[e.Index];
    // The batch's progress; the contact sheet's thumbnails would only add a line per image.
    if (record.RecordType != ProgressRecordType.Completed && record.Activity != "Export-FashnContactSheet") Console.WriteLine($"  progress: {record.StatusDescription}");
};
Console.WriteLine();
Console.WriteLine($"PS> $photos | Invoke-FashnBackgroundChange -Prompt 'beach sunset' -Seed 42 -Wait -JournalPath {Shown(journal)} | Save-FashnOutput -Destination {Shown(Path.Combine(outputFolder, "output"))}");
Collection<PSObject> predictions = ps.Invoke();
foreach (var error in ps.Streams.Error) Console.Error.WriteLine("error: " + error);

Console.WriteLine();
Console.WriteLine($"{"Id",-42} {"Status",-10} {"Source",-14} {"Seconds",7}  Output");
foreach (var p in predictions)
{
    var output = ((string[])p.Properties["Output"].Value).FirstOrDefault() ?? "";
    Console.WriteLine($"{p.Properties["Id"].Value,-42} {p.Properties["Status"].Value,-10} {Path.GetFileName((string)p.Properties["Source"].Value),-14} {p.Properties["Seconds"].Value,7}  {output}");
}
var files = Directory.Exists(Path.Combine(outputFolder, "output")) ? Directory.GetFiles(Path.Combine(outputFolder, "output")) : [];
Console.WriteLine();
Console.WriteLine($"{files.Length} new images in {Path.Combine(outputFolder, "output")}:");
foreach (var file in files.Order()) Console.WriteLine($"  {Path.GetFileName(file)} ({new FileInfo(file).Length / 1024} KiB)");
Console.WriteLine($"Contact sheet, each original beside its new image: {Path.Combine(outputFolder, "index.html")} (open it in a browser)");
return ps.HadErrors || files.Length != inputs.Count ? 1 : 0;

// A path as the user would type it: relative to the current folder when inside it.
static string Shown(string path)
{
    var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
    return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Fashn.sln"))) return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}
