# Shared by the Pester files: the staged module, a local emulator on a free port, small test photos, a child pwsh.
# The xunit runner (tests/FashnBackground.PesterTests) sets FASHN_TEST_EMULATOR to the emulator it built;
# run by hand, the newest built Fashn.Emulator.dll is used.

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-RepositoryRoot { $script:RepositoryRoot }

function Get-StagedModuleManifest {
    $manifest = Get-ChildItem (Join-Path $script:RepositoryRoot 'out/FashnBackground') -Recurse -Filter FashnBackground.psd1 -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if (-not $manifest) { throw 'The module is not staged: run "dotnet build src/FashnBackground" (or ./build.ps1) first.' }
    $manifest.FullName
}

function Get-EmulatorAssembly {
    if ($env:FASHN_TEST_EMULATOR -and (Test-Path $env:FASHN_TEST_EMULATOR)) { return $env:FASHN_TEST_EMULATOR }
    $built = Get-ChildItem (Join-Path $script:RepositoryRoot 'src/Fashn.Emulator/bin') -Recurse -Filter Fashn.Emulator.dll -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $built) { throw 'The emulator is not built: run "dotnet build src/Fashn.Emulator" first.' }
    $built.FullName
}

function Start-TestEmulator {
    <#
    .SYNOPSIS
        Starts the emulator from its built assembly on a free loopback port (port 0: the system picks it, the
        emulator prints it) and waits for it. The process held is the emulator itself, so stopping it stops it.
    #>
    param([string[]] $Arguments = @('--time-scale', '0.02', '--credits', '1000'))
    $folder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ("fashn-pester-" + [guid]::NewGuid().ToString('N')))
    $log = Join-Path $folder 'emulator.log'
    # Start-Process joins its arguments with spaces: quote the ones that hold any.
    $allArguments = @((Get-EmulatorAssembly), '--urls', 'http://127.0.0.1:0') + $Arguments |
        ForEach-Object { if ($_ -match '\s') { '"' + $_ + '"' } else { $_ } }
    $process = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList $allArguments -PassThru `
        -RedirectStandardOutput $log -RedirectStandardError (Join-Path $folder 'emulator.err')
    $deadline = [DateTime]::UtcNow.AddMinutes(1)
    $baseUri = $null
    while (-not $baseUri -and -not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 50
        $line = Get-Content $log -ErrorAction SilentlyContinue | Select-String 'listening on (\S+)' | Select-Object -First 1
        if ($line) { $baseUri = $line.Matches[0].Groups[1].Value }
    }
    $emulator = [pscustomobject]@{ BaseUri = $baseUri; ApiKey = 'fa-emulator-devkey'; Process = $process; Folder = $folder.FullName }
    if (-not $baseUri) {
        $errorText = Get-Content (Join-Path $folder 'emulator.err') -Raw -ErrorAction SilentlyContinue
        Stop-TestEmulator $emulator
        throw "The emulator did not start within a minute: $errorText"
    }
    $emulator
}

function Stop-TestEmulator {
    <#
    .SYNOPSIS
        Stops the emulator the way Ctrl+C does (SIGTERM on Unix), so it deletes its temporary data folder and the
        runtime removes its diagnostic pipes from the temp folder; killed only if it does not stop.
    #>
    param([Parameter(Mandatory)] $Emulator)
    if ($Emulator.Process -and -not $Emulator.Process.HasExited) {
        if (-not $IsWindows) { Send-Signal -ProcessId $Emulator.Process.Id -Signal TERM }
        if ($IsWindows -or -not $Emulator.Process.WaitForExit(15000)) {
            $Emulator.Process.Kill($true)
            $Emulator.Process.WaitForExit(10000) | Out-Null
        }
    }
    Remove-Item -LiteralPath $Emulator.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

function Send-Signal {
    <# .SYNOPSIS Sends a Unix signal (INT as Ctrl+C does, TERM) to a process, with the system's kill(1). #>
    param([Parameter(Mandatory)] [int] $ProcessId, [Parameter(Mandatory)] [ValidateSet('INT', 'TERM')] [string] $Signal)
    $kill = Get-Command kill -CommandType Application -ErrorAction Stop | Select-Object -First 1
    & $kill "-$Signal" $ProcessId 2>$null
}

function Get-EmulatorStats {
    param([Parameter(Mandatory)] $Emulator)
    Invoke-RestMethod -Uri "$($Emulator.BaseUri)/_emulator/stats"
}

function Get-EmulatorRequestCount {
    <# .SYNOPSIS How many requests the emulator answered for one method and route (for example POST /v1/run), any status. #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Route)
    $matching = @((Get-EmulatorStats $Emulator).requests | Where-Object { $_.method -eq $Method -and $_.path -eq $Route })
    [int]($matching | Measure-Object -Property count -Sum).Sum
}

# Small PNG photos written byte by byte (no imaging library needed): a coloured square on a flat backdrop.
$script:CrcTable = [uint32[]]::new(256)
for ($n = 0; $n -lt 256; $n++) {
    $c = [uint32]$n
    for ($k = 0; $k -lt 8; $k++) { $c = if ($c -band 1) { 0xEDB88320 -bxor ($c -shr 1) } else { $c -shr 1 } }
    $script:CrcTable[$n] = $c
}

function Get-Crc32([byte[]] $Bytes) {
    $crc = [uint32]::MaxValue
    foreach ($b in $Bytes) { $crc = $script:CrcTable[($crc -bxor $b) -band 0xFF] -bxor ($crc -shr 8) }
    $crc -bxor [uint32]::MaxValue
}

function Get-PngChunk([string] $Type, [byte[]] $Data) {
    $typeAndData = [System.Text.Encoding]::ASCII.GetBytes($Type) + $Data
    $length = [BitConverter]::GetBytes([uint32]$Data.Length); [Array]::Reverse($length)
    $crc = [BitConverter]::GetBytes([uint32](Get-Crc32 $typeAndData)); [Array]::Reverse($crc)
    [byte[]]($length + $typeAndData + $crc)
}

function New-TestPhoto {
    <# .SYNOPSIS Writes a 160x120 PNG whose subject colour depends on -Variant (distinct variants, distinct content). #>
    param([Parameter(Mandatory)] [string] $Path, [int] $Variant = 0)
    $width = 160; $height = 120
    $raw = [System.IO.MemoryStream]::new()
    for ($y = 0; $y -lt $height; $y++) {
        $raw.WriteByte(0) # filter: none
        for ($x = 0; $x -lt $width; $x++) {
            $inSubject = $x -ge 50 -and $x -lt 110 -and $y -ge 30 -and $y -lt 90
            if ($inSubject) { $raw.WriteByte([byte](($Variant * 37) % 256)); $raw.WriteByte([byte](($Variant * 11) % 256)); $raw.WriteByte([byte](60 + ($Variant -shr 8) % 190)) }
            else { $raw.WriteByte(200); $raw.WriteByte(200); $raw.WriteByte(205) }
        }
    }
    $compressed = [System.IO.MemoryStream]::new()
    $zlib = [System.IO.Compression.ZLibStream]::new($compressed, [System.IO.Compression.CompressionLevel]::Optimal)
    $zlib.Write($raw.ToArray(), 0, [int]$raw.Length)
    $zlib.Dispose()
    $header = [BitConverter]::GetBytes([uint32]$width) + [BitConverter]::GetBytes([uint32]$height)
    [Array]::Reverse($header, 0, 4); [Array]::Reverse($header, 4, 4)
    $ihdr = [byte[]]($header + [byte[]](8, 2, 0, 0, 0)) # 8-bit RGB
    $png = [byte[]](137, 80, 78, 71, 13, 10, 26, 10) + (Get-PngChunk 'IHDR' $ihdr) + (Get-PngChunk 'IDAT' $compressed.ToArray()) + (Get-PngChunk 'IEND' ([byte[]]@()))
    [System.IO.File]::WriteAllBytes($Path, [byte[]]$png)
    Get-Item -LiteralPath $Path
}

# Every photo made by New-TestPhotoSet has its own content, so a journal never mistakes one test's photo for another's.
$script:NextVariant = Get-Random -Minimum 1 -Maximum 20000

function New-TestPhotoSet {
    <# .SYNOPSIS Makes a folder (created if needed) holding one distinct PNG photo per name. Returns the folder. #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string[]] $Name)
    $folder = New-Item -ItemType Directory -Path $Path -Force
    foreach ($fileName in $Name) {
        $script:NextVariant++
        New-TestPhoto -Path (Join-Path $folder.FullName $fileName) -Variant $script:NextVariant | Out-Null
    }
    $folder
}

function Get-PwshCommand {
    <#
    .SYNOPSIS
        How to start another pwsh like this one: the same executable and entry assembly (pwsh as a dotnet tool runs
        as "dotnet pwsh.dll"). Returns FilePath and the arguments that go before pwsh's own.
    #>
    $entry = [System.Reflection.Assembly]::GetEntryAssembly().Location
    if ($entry -and $entry.EndsWith('.dll', [StringComparison]::OrdinalIgnoreCase)) {
        return [pscustomobject]@{ FilePath = [Environment]::ProcessPath; Prefix = @($entry) }
    }
    [pscustomobject]@{ FilePath = [Environment]::ProcessPath; Prefix = @() }
}

function Start-ChildPwsh {
    <#
    .SYNOPSIS
        Starts a script in a new pwsh like this one, with its output redirected (as in a log or CI, where pwsh formats
        for 80 columns) and its input closed. The process started is pwsh itself, so a signal sent to its id reaches it.
        Wait-ChildPwsh collects what it printed.
    #>
    param([Parameter(Mandatory)] [string] $Script, [string] $WorkingDirectory = (Get-Location).ProviderPath)
    $pwsh = Get-PwshCommand
    # Not -EncodedCommand: with it, pwsh writes its errors to a redirected stderr as CLIXML.
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $Script)
    if ($IsLinux) {
        # A process started in the background by a shell inherits SIGINT ignored, and .NET then never handles it;
        # env(1) restores the default, so the child reacts to SIGINT as in a terminal. env execs pwsh: same process.
        $start = [System.Diagnostics.ProcessStartInfo]::new((Get-Command env -CommandType Application | Select-Object -First 1).Source)
        $arguments = @('--default-signal=INT', $pwsh.FilePath) + $arguments
    }
    else {
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    }
    foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $process.StandardInput.Close()
    [pscustomobject]@{
        Process = $process
        Output  = $process.StandardOutput.ReadToEndAsync()
        Error   = $process.StandardError.ReadToEndAsync()
    }
}

function Wait-ChildPwsh {
    <#
    .SYNOPSIS
        Waits (bounded) for a child started by Start-ChildPwsh; returns Exited, ExitCode, Output and Error (colour codes
        removed). A child still running after the wait is killed, and Exited is false.
    #>
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSeconds = 120)
    $exited = $Child.Process.WaitForExit($TimeoutSeconds * 1000)
    if (-not $exited) {
        $Child.Process.Kill($true)
        $Child.Process.WaitForExit(10000) | Out-Null
    }
    $Child.Process.WaitForExit() # the output is complete only after this
    $ansi = '\x1b\[[0-9;?]*[A-Za-z]'
    [pscustomobject]@{
        Exited   = $exited
        ExitCode = $Child.Process.ExitCode
        Output   = $Child.Output.GetAwaiter().GetResult() -replace $ansi, ''
        Error    = $Child.Error.GetAwaiter().GetResult() -replace $ansi, ''
    }
}

function Invoke-ChildPwsh {
    <# .SYNOPSIS Runs a script in a new pwsh with its output redirected and returns what it printed (see Wait-ChildPwsh). #>
    param([Parameter(Mandatory)] [string] $Script, [int] $TimeoutSeconds = 120)
    Wait-ChildPwsh -Child (Start-ChildPwsh -Script $Script) -TimeoutSeconds $TimeoutSeconds
}

function ConvertTo-PowerShellLiteral {
    <# .SYNOPSIS A single-quoted PowerShell string literal of a value, for scripts written for a child pwsh. #>
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Value)
    "'" + $Value.Replace("'", "''") + "'"
}

function New-ChildSessionScript {
    <#
    .SYNOPSIS
        A script for a child pwsh: imports the staged module, points the cmdlets at the emulator (and the journal at
        -JournalPath) through $PSDefaultParameterValues, as the Pester files do, then runs -Body.
    #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $JournalPath, [Parameter(Mandatory)] [string] $Body)
    @"
Import-Module $(ConvertTo-PowerShellLiteral (Get-StagedModuleManifest))
`$PSDefaultParameterValues['*-Fashn*:BaseUri'] = $(ConvertTo-PowerShellLiteral $Emulator.BaseUri)
`$PSDefaultParameterValues['*-Fashn*:ApiKey'] = $(ConvertTo-PowerShellLiteral $Emulator.ApiKey)
`$PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = $(ConvertTo-PowerShellLiteral $JournalPath)
$Body
"@
}

function Invoke-ChildPwshTogether {
    <#
    .SYNOPSIS
        Runs one child pwsh per -Body at the same moment: each imports the module (New-ChildSessionScript, with its
        own journal from -JournalPath), says it is ready, and starts its body only once all are ready. Returns what
        each printed (Wait-ChildPwsh), in the order given.
    #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string[]] $JournalPath, [Parameter(Mandatory)] [string[]] $Body,
        [Parameter(Mandatory)] [string] $Folder, [int] $TimeoutSeconds = 180)
    $go = Join-Path $Folder 'go'
    $children = for ($i = 0; $i -lt $Body.Count; $i++) {
        $ready = Join-Path $Folder "child-$i.ready"
        $together = @"
`$null = New-Item -ItemType File -Path $(ConvertTo-PowerShellLiteral $ready)
while (-not (Test-Path $(ConvertTo-PowerShellLiteral $go))) { Start-Sleep -Milliseconds 10 }
$($Body[$i])
"@
        [pscustomobject]@{ Ready = $ready; Child = Start-ChildPwsh -Script (New-ChildSessionScript -Emulator $Emulator -JournalPath $JournalPath[$i] -Body $together) }
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(90)
    while (@($children | Where-Object { -not (Test-Path $_.Ready) }).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    $null = New-Item -ItemType File -Path $go
    foreach ($child in $children) { Wait-ChildPwsh -Child $child.Child -TimeoutSeconds $TimeoutSeconds }
}

Export-ModuleMember -Function Get-RepositoryRoot, Get-StagedModuleManifest, Get-EmulatorAssembly, Start-TestEmulator,
    Stop-TestEmulator, Send-Signal, Get-EmulatorStats, Get-EmulatorRequestCount, New-TestPhoto, New-TestPhotoSet, Get-PwshCommand,
    Start-ChildPwsh, Wait-ChildPwsh, Invoke-ChildPwsh, ConvertTo-PowerShellLiteral, New-ChildSessionScript, Invoke-ChildPwshTogether
