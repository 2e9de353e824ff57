# One batch as a user runs it, in a fresh pwsh started by Fashn.Bench (ChildPwsh.cs): import the staged module,
# pipe the files into Invoke-FashnBackgroundChange -Wait. It prints the moments and its own CPU time and memory as
# name=value lines (times in Unix ms, UTC), which the bench reads. With -WaitForGo it says "ready" after the import
# and starts the batch when the bench writes a line to its stdin, so that several processes start together.
param(
    [Parameter(Mandatory)] [string] $Manifest,
    [Parameter(Mandatory)] [string] $FileList,
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $ApiKey,
    [switch] $WaitForGo
)
function Now { [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }
"scriptStart=$(Now)"
$ProgressPreference = 'SilentlyContinue'
$self = [System.Diagnostics.Process]::GetCurrentProcess()
$paths = [System.IO.File]::ReadAllLines($FileList)
"importStart=$(Now)"
Import-Module $Manifest
"imported=$(Now)"
if ($WaitForGo) {
    "ready=$(Now)"
    $null = [Console]::In.ReadLine()
}
$self.Refresh()
"cpuBeforeMs=$($self.TotalProcessorTime.TotalMilliseconds)"
"workingSetBefore=$($self.WorkingSet64)"
"pipelineStart=$(Now)"
$files = foreach ($p in $paths) { [System.IO.FileInfo]::new($p) }
$results = @(if ($paths.Count -gt 0) { $files | Invoke-FashnBackgroundChange -Prompt 'studio backdrop' -Wait -ApiKey $ApiKey -BaseUri $BaseUri -ErrorVariable failures -ErrorAction SilentlyContinue })
"pipelineEnd=$(Now)"
$self.Refresh()
"cpuAfterMs=$($self.TotalProcessorTime.TotalMilliseconds)"
"peakWorkingSet=$($self.PeakWorkingSet64)"
"completed=$(@($results | Where-Object Status -eq 'completed').Count)"
"failures=$((@($results | Where-Object Status -ne 'completed' | ForEach-Object { "$($_.Status) $($_.ErrorName)" }) + @($failures | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Group-Object | ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', ')"
