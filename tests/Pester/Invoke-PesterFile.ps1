# Runs one Pester file and writes its results as JSON for the xunit runner (tests/FashnBackground.PesterTests),
# which prints every failure. Pester comes from NuGet: the runner passes the path of its module.
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultPath,
    [Parameter(Mandatory)] [string] $PesterModule
)
# Not $ErrorActionPreference = 'Stop' here: the tests would inherit it, and a non-terminating error would pass
# for a terminating one. Users run with the default, Continue.
Import-Module $PesterModule -Force -ErrorAction Stop

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $configuration

$failures = @(
    foreach ($test in $result.Failed) {
        [ordered]@{
            Name    = $test.ExpandedPath
            Message = ($test.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join [Environment]::NewLine
            Where   = ($test.ErrorRecord | ForEach-Object { $_.ScriptStackTrace }) -join [Environment]::NewLine
        }
    }
    # A failure outside any test (BeforeAll, a parse error) fails the whole file.
    foreach ($container in $result.Containers | Where-Object Result -EQ 'Failed') {
        foreach ($record in $container.ErrorRecord) {
            [ordered]@{ Name = "$($container.Item) (setup)"; Message = $record.Exception.Message; Where = $record.ScriptStackTrace }
        }
    }
    foreach ($block in $result.FailedBlocks) {
        foreach ($record in $block.ErrorRecord) {
            [ordered]@{ Name = "$($block.ExpandedPath) (block)"; Message = $record.Exception.Message; Where = $record.ScriptStackTrace }
        }
    }
)
[ordered]@{
    Passed   = $result.PassedCount
    Failed   = $result.FailedCount
    Skipped  = $result.SkippedCount
    NotRun   = $result.NotRunCount
    Failures = $failures
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath -Encoding utf8
