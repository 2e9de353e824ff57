#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The module as a pwsh user runs it: Get-ChildItem piped into the cmdlets, against the local emulator started here
# on a free loopback port with everything fifty times faster. Run by ./build.ps1 -Task Test (after the build).

BeforeAll {
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifest = Get-ChildItem (Join-Path $repositoryRoot 'out/FashnBackground') -Recurse -Filter FashnBackground.psd1 | Select-Object -First 1
    if (-not $manifest) { throw 'The module is not staged: run ./build.ps1 first.' }
    Import-Module $manifest.FullName -Force

    # A free port: bind port 0, read what the system gave, release it for the emulator.
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()

    # The emulator's own process (its built dll, not `dotnet run`), so that stopping it stops the emulator; its log and
    # data folder go to TestDrive, which Pester removes.
    $emulatorDll = Get-ChildItem (Join-Path $repositoryRoot 'src/Fashn.Emulator/bin/*/net10.0/Fashn.Emulator.dll') |
        Sort-Object LastWriteTime | Select-Object -Last 1
    if (-not $emulatorDll) { throw 'The emulator is not built: run dotnet build Fashn.sln (or ./build.ps1) first.' }
    $emulatorLog = Join-Path $TestDrive 'emulator.log'
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in $emulatorDll.FullName, '--urls', "http://127.0.0.1:$port", '--time-scale', '0.02', '--credits', '1000',
        '--data-dir', (Join-Path $TestDrive 'emulator-data')) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.RedirectStandardOutput = $true
    $startInfo.UseShellExecute = $false
    $script:emulator = [System.Diagnostics.Process]::Start($startInfo)

    # Wait for its "FASHN emulator listening on <url>" line.
    $deadline = [DateTime]::UtcNow.AddMinutes(1)
    $script:baseUri = $null
    while (-not $script:baseUri -and [DateTime]::UtcNow -lt $deadline) {
        $line = $script:emulator.StandardOutput.ReadLine()
        if ($null -eq $line) { break }
        Add-Content -Path $emulatorLog -Value $line
        if ($line -match 'listening on (\S+)') { $script:baseUri = $Matches[1] }
    }
    if (-not $script:baseUri) { throw "The emulator did not start: $(Get-Content $emulatorLog -Raw -ErrorAction Ignore)" }

    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:baseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = 'fa-emulator-devkey'
    $script:journal = Join-Path $TestDrive 'journal.jsonl'
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = $script:journal

    # Small PNG photos written byte by byte (no imaging library needed): a coloured square on a flat backdrop.
    $script:crcTable = [uint32[]]::new(256)
    for ($n = 0; $n -lt 256; $n++) {
        $c = [uint32]$n
        for ($k = 0; $k -lt 8; $k++) { $c = if ($c -band 1) { 0xEDB88320 -bxor ($c -shr 1) } else { $c -shr 1 } }
        $script:crcTable[$n] = $c
    }
    function Get-Crc32([byte[]] $Bytes) {
        $crc = [uint32]::MaxValue
        foreach ($b in $Bytes) { $crc = $script:crcTable[($crc -bxor $b) -band 0xFF] -bxor ($crc -shr 8) }
        return $crc -bxor [uint32]::MaxValue
    }
    function Get-PngChunk([string] $Type, [byte[]] $Data) {
        $typeAndData = [System.Text.Encoding]::ASCII.GetBytes($Type) + $Data
        $length = [BitConverter]::GetBytes([uint32]$Data.Length); [Array]::Reverse($length)
        $crc = [BitConverter]::GetBytes([uint32](Get-Crc32 $typeAndData)); [Array]::Reverse($crc)
        return [byte[]]($length + $typeAndData + $crc)
    }
    function New-TestPhoto {
        param([string] $Path, [int] $Variant)
        $width = 160; $height = 120
        $raw = [System.IO.MemoryStream]::new()
        for ($y = 0; $y -lt $height; $y++) {
            $raw.WriteByte(0) # filter: none
            for ($x = 0; $x -lt $width; $x++) {
                $inSubject = $x -ge 50 -and $x -lt 110 -and $y -ge 30 -and $y -lt 90
                if ($inSubject) { $raw.WriteByte([byte](($Variant * 37) % 256)); $raw.WriteByte([byte](($Variant * 11) % 256)); $raw.WriteByte(60) }
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
    }
}

AfterAll {
    if ($script:emulator -and -not $script:emulator.HasExited) {
        # SIGTERM lets it exit cleanly (killed, .NET leaves its diagnostic pipes in the temp folder); Windows has no signals.
        if ($IsLinux -or $IsMacOS) { kill $script:emulator.Id } else { $script:emulator.Kill() }
        if (-not $script:emulator.WaitForExit(10000)) { $script:emulator.Kill() }
    }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Invoke-FashnBackgroundChange | Save-FashnOutput' {
    BeforeEach {
        $photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        $variant = Get-Random -Maximum 1000
        1..3 | ForEach-Object { New-TestPhoto -Path (Join-Path $photos "photo$_.png") -Variant ($variant + $_) }
        $out = Join-Path $photos 'out'
    }

    It 'saves one image per file piped from Get-ChildItem' {
        $saved = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait | Save-FashnOutput -Destination $out

        $saved | Should -HaveCount 3
        $saved.Name | Sort-Object | Should -Be @('photo1.png', 'photo2.png', 'photo3.png')
        $saved | ForEach-Object { $_.Length | Should -BeGreaterThan 0 }
        Get-ChildItem $out -Filter *.partial | Should -BeNullOrEmpty
    }

    It 'writes predictions that print with their source and status' {
        $predictions = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'beach sunset' -Seed 7 -Wait

        $predictions | Should -HaveCount 3
        $predictions | ForEach-Object {
            $_.PSObject.TypeNames[0] | Should -Be 'FashnBackground.FashnPrediction'
            $_.Status | Should -Be 'completed'
            $_.Seed | Should -Be 7
            $_.Output | Should -HaveCount 1
        }
        ($predictions | Format-Table | Out-String) | Should -Match 'Output or error'
    }

    It 'collects a resumed batch instead of paying for it again' {
        $first = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'forest clearing'
        $again = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'forest clearing' -Wait

        ($again.Id | Sort-Object) | Should -Be ($first.Id | Sort-Object)
        $again | ForEach-Object { $_.Collected | Should -BeTrue }
    }

    It 'keeps existing files unless -Force' {
        New-Item -ItemType Directory -Path $out | Out-Null
        Set-Content -Path (Join-Path $out 'photo1.png') -Value 'keep me'

        Get-ChildItem $photos -Filter photo1.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait |
            Save-FashnOutput -Destination $out -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings | Should -Not -BeNullOrEmpty
        Get-Content (Join-Path $out 'photo1.png') | Should -Be 'keep me'

        Get-ChildItem $photos -Filter photo1.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait |
            Save-FashnOutput -Destination $out -Force | Should -HaveCount 1
    }

    It 'reports a bad file as an error naming it while the rest succeed' {
        Set-Content -Path (Join-Path $photos 'notes.png') -Value 'not a photo'

        $saved = Get-ChildItem $photos -Filter *.png |
            Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ErrorVariable failures -ErrorAction SilentlyContinue |
            Save-FashnOutput -Destination $out

        $saved | Should -HaveCount 3
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'Fashn.InvalidInputImage*'
        $failures[0].TargetObject | Should -BeLike '*notes.png'
    }
}

Describe 'Get-FashnPrediction' {
    It 'collects predictions submitted without -Wait' {
        $photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'later')
        1..2 | ForEach-Object { New-TestPhoto -Path (Join-Path $photos "later$_.png") -Variant (2000 + $_) }
        $submitted = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio'
        $submitted.Status | Sort-Object -Unique | Should -Be 'starting'

        $done = $submitted | Get-FashnPrediction -Wait

        $done | ForEach-Object { $_.Status | Should -Be 'completed' }
        ($done | Save-FashnOutput -Destination (Join-Path $photos 'out')).Name | Sort-Object | Should -Be @('later1.png', 'later2.png')
    }

    It 'answers an unknown id with Fashn.NotFound' {
        Get-FashnPrediction -Id 'no-such-prediction' -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'Fashn.NotFound*'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'offers the ids of this session on Tab' {
        $photo = Join-Path $TestDrive 'tab.png'
        New-TestPhoto -Path $photo -Variant 3001
        $seen = Invoke-FashnBackgroundChange -Path $photo -Prompt 'office' -NoJournal
        $line = 'Get-FashnPrediction -Id '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $seen.Id
    }
}

Describe 'Get-FashnCredits' {
    It 'reads the balance' {
        $credits = Get-FashnCredits
        $credits.Total | Should -BeGreaterThan 0
        $credits.Total | Should -Be ($credits.Subscription + $credits.OnDemand)
    }

    It 'stops with Fashn.UnauthorizedAccess for a wrong key and never prints it' {
        $thrown = { Get-FashnCredits -ApiKey 'fa-wrong-key-123' } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'Fashn.UnauthorizedAccess*'
        $thrown.ToString() | Should -Not -Match 'fa-wrong-key-123'
    }
}

Describe 'Completion and help' {
    It 'offers png and jpeg for -OutputFormat' {
        $line = 'Invoke-FashnBackgroundChange -Prompt studio -OutputFormat '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('jpeg', 'png')
    }

    It 'has help with examples for every cmdlet (built into en-US by ./build.ps1 before the Pester run)' {
        $helpFile = Join-Path (Split-Path (Get-Module FashnBackground).Path) 'en-US/FashnBackground.dll-Help.xml'
        $helpFile | Should -Exist
        foreach ($command in Get-Command -Module FashnBackground) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        }
    }
}
