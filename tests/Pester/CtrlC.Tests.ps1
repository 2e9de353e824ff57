# Ctrl+C as users do it: a real pwsh running a batch with -Wait is sent SIGINT (what the terminal sends on Ctrl+C),
# and a batch in a runspace is stopped by its host. Either way the batch stops at once, leaves no partial file,
# names every prediction still running at FASHN, and those are collected afterwards without paying again.
# The emulator runs at the service's own pace here, and -ThrottleLimit 2 leaves most of the batch unsent for long,
# so a batch that did not stop would still be sending when these tests look.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '1', '--processing-seconds', '4'
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    $script:idPattern = '\b[0-9a-z]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-u\d+)?\b'

    # The journal's account of a batch: the ids it started, and those it saw finish.
    function Get-JournalIds([string] $Path) {
        $entries = @(Get-Content -LiteralPath $Path -ErrorAction SilentlyContinue | ForEach-Object { $_ | ConvertFrom-Json })
        [pscustomobject]@{
            Started  = @($entries | Where-Object status -EQ 'submitted' | ForEach-Object id | Select-Object -Unique)
            Finished = @($entries | Where-Object status -NE 'submitted' | ForEach-Object id | Select-Object -Unique)
        }
    }

    # Waits (bounded) until the batch has started this many predictions, as its journal records them.
    function Wait-JournalStarted([string] $Path, [int] $Count, $Process) {
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        while ((Get-JournalIds $Path).Started.Count -lt $Count -and [DateTime]::UtcNow -lt $deadline -and -not ($Process -and $Process.HasExited)) {
            Start-Sleep -Milliseconds 50
        }
        (Get-JournalIds $Path).Started.Count | Should -BeGreaterOrEqual $Count -Because 'the batch should have started before it is stopped'
    }

    # Every file in the destination is a whole PNG, and nothing temporary is left.
    function Assert-OnlyWholeFiles([string] $Destination) {
        foreach ($file in Get-ChildItem -LiteralPath $Destination -Force -ErrorAction SilentlyContinue) {
            $file.Name | Should -Not -BeLike '*.partial' -Because 'no partial file is left'
            $file.Name | Should -Not -BeLike '.*' -Because 'no temporary file is left'
            $bytes = [IO.File]::ReadAllBytes($file.FullName)
            [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 8, 4) | Should -Be 'IEND' -Because "$($file.Name) should be a whole PNG"
        }
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Ctrl+C' {
    It 'SIGINT stops a pwsh running a batch with -Wait: no partial file, every running id named, each collectable' -Skip:$IsWindows {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'sigint') -Name (1..8 | ForEach-Object { "item$_.png" })
        $out = Join-Path $photos 'out'
        $journal = Join-Path $TestDrive 'sigint.jsonl'
        $createdBefore = (Get-EmulatorStats $script:emulator).predictions.created
        $body = @"
Get-ChildItem $(ConvertTo-PowerShellLiteral $photos.FullName) -Filter *.png |
    Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ThrottleLimit 2 |
    Save-FashnOutput -Destination $(ConvertTo-PowerShellLiteral $out)
'the batch ran to its end'
"@
        $child = Start-ChildPwsh -Script (New-ChildSessionScript -Emulator $script:emulator -JournalPath $journal -Body $body)
        Wait-JournalStarted -Path $journal -Count 2 -Process $child.Process

        Send-Signal -ProcessId $child.Process.Id -Signal INT
        $result = Wait-ChildPwsh -Child $child -TimeoutSeconds 60

        $result.Exited | Should -BeTrue -Because "pwsh should stop on SIGINT; it printed:`n$($result.Output)`n$($result.Error)"
        $result.Output | Should -Not -Match 'the batch ran to its end'
        $result.ExitCode | Should -Not -Be 0
        $created = (Get-EmulatorStats $script:emulator).predictions.created - $createdBefore
        $created | Should -BeLessThan 8 -Because 'the rest of the batch is not sent after Ctrl+C'
        Assert-OnlyWholeFiles $out

        $ids = Get-JournalIds $journal
        $ids.Started | Should -HaveCount $created
        $saved = @(Get-ChildItem -LiteralPath $out -File -ErrorAction SilentlyContinue)
        $running = @($ids.Started | Where-Object { $ids.Finished -notcontains $_ })
        $running | Should -Not -BeNullOrEmpty
        $printed = $result.Output + $result.Error
        $printed | Should -Not -BeNullOrEmpty -Because "pwsh should say what is still running (it exited with $($result.ExitCode) and printed nothing)"
        $printed | Should -Match 'Stopped with \d+ prediction\(s\) still running at FASHN\. Collect them with Get-FashnPrediction -Id <id> -Wait \| Save-FashnOutput'
        $named = @([regex]::Matches($printed, $script:idPattern) | ForEach-Object Value | Select-Object -Unique)
        foreach ($id in $running) { $named | Should -Contain $id -Because "every id still running is named:`n$printed" }
        foreach ($id in $named) { $ids.Started | Should -Contain $id -Because 'only ids of this batch are named' }
        $saved.Count | Should -BeLessOrEqual $ids.Finished.Count -Because 'only finished predictions were saved'

        $collected = Get-FashnPrediction -Id $named -Wait | Save-FashnOutput -Destination $out

        $collected | Should -HaveCount $named.Count
        Assert-OnlyWholeFiles $out
        (Get-EmulatorStats $script:emulator).predictions.created - $createdBefore | Should -Be $created -Because 'collecting pays for nothing again'
    }

    It 'Stop() from a runspace''s host stops the batch, names every running id in the warning stream, and each is collectable' {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'runspace') -Name (1..6 | ForEach-Object { "thing$_.png" })
        $out = Join-Path $photos 'out'
        $journal = Join-Path $TestDrive 'runspace.jsonl'
        $journal = Join-Path $TestDrive ('alike' + $Kind.Length + '.jsonl')
        $createdBefore = (Get-EmulatorStats $script:emulator).predictions.created
        $powershell = [powershell]::Create()
        try {
            $null = $powershell.AddScript((New-ChildSessionScript -Emulator $script:emulator -JournalPath $journal -Body @"
Get-ChildItem $(ConvertTo-PowerShellLiteral $photos.FullName) -Filter *.png |
    Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ThrottleLimit 2 |
    Save-FashnOutput -Destination $(ConvertTo-PowerShellLiteral $out)
"@))
            $invocation = $powershell.BeginInvoke()
            Wait-JournalStarted -Path $journal -Count 2

            $stopping = $powershell.BeginStop($null, $null)
            $stopped = $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60))

            $stopped | Should -BeTrue -Because 'Stop() returns once the batch has stopped'
            $powershell.EndStop($stopping)
            $powershell.InvocationStateInfo.State | Should -Be 'Stopped'
            $invocation.IsCompleted | Should -BeTrue
            $powershell.Streams.Error | Should -BeNullOrEmpty -Because 'a stop is not an error'
            $created = (Get-EmulatorStats $script:emulator).predictions.created - $createdBefore
            $created | Should -BeLessThan 6 -Because 'the rest of the batch is not sent after the stop'
            Assert-OnlyWholeFiles $out

            $ids = Get-JournalIds $journal
            $running = @($ids.Started | Where-Object { $ids.Finished -notcontains $_ })
            $running | Should -Not -BeNullOrEmpty
            $warnings = @($powershell.Streams.Warning | ForEach-Object Message)
            $warnings | Should -HaveCount 1
            $warnings[0] | Should -BeLike "Stopped with $($running.Count) prediction(s) still running at FASHN. Collect them with Get-FashnPrediction -Id <id> -Wait | Save-FashnOutput:*"
            $named = @([regex]::Matches($warnings[0], $script:idPattern) | ForEach-Object Value | Select-Object -Unique)
            ($named | Sort-Object) | Should -Be ($running | Sort-Object)
        }
        finally {
            $powershell.Dispose()
        }

        $collected = Get-FashnPrediction -Id $named -Wait | Save-FashnOutput -Destination $out

        $collected | Should -HaveCount $named.Count
        Assert-OnlyWholeFiles $out
        (Get-EmulatorStats $script:emulator).predictions.created - $createdBefore | Should -Be $created -Because 'collecting pays for nothing again'
    }

    It 'a stop names every running prediction when the inputs are <Kind>' -TestCases @(
        # Three different images, each a prediction of its own.
        @{ Kind = 'three data URIs'; Expected = 3 }
        # One image three times: one prediction (the others collect it), named once, for all three inputs.
        @{ Kind = 'one data URI three times'; Expected = 1 }
        @{ Kind = 'the same file three times'; Expected = 1 }
    ) {
        # Their sources are alike ("data URI", or one path), which must not make the predictions running for them one.
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive ('alike' + $Kind.Length + $Expected)) -Name 'a.png', 'b.png', 'c.png'
        $files = @(Get-ChildItem -LiteralPath $photos.FullName -Filter *.png | ForEach-Object FullName)
        $dataUris = @($files | ForEach-Object { ConvertTo-PowerShellLiteral ('data:image/png;base64,' + [Convert]::ToBase64String([IO.File]::ReadAllBytes($_))) })
        $inputs = if ($Kind -eq 'three data URIs') { "-Uri $($dataUris -join ',')" }
        elseif ($Kind -eq 'one data URI three times') { "-Uri $((1..3 | ForEach-Object { $dataUris[0] }) -join ',')" }
        else {
            "-LiteralPath $((1..3 | ForEach-Object { ConvertTo-PowerShellLiteral $files[0] }) -join ',')"
        }
        $journal = Join-Path $TestDrive ('alike' + $Kind.Length + '.jsonl')
        $createdBefore = (Get-EmulatorStats $script:emulator).predictions.created
        $powershell = [powershell]::Create()
        try {
            $null = $powershell.AddScript((New-ChildSessionScript -Emulator $script:emulator -JournalPath $journal -Body @"
Invoke-FashnBackgroundChange $inputs -Prompt 'studio' -Wait
"@))
            $null = $powershell.BeginInvoke()
            Wait-JournalStarted -Path $journal -Count $expected

            $stopping = $powershell.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $powershell.EndStop($stopping)

            $warnings = @($powershell.Streams.Warning | ForEach-Object Message)
            $warnings | Should -HaveCount 1
            $named = @([regex]::Matches($warnings[0], $script:idPattern) | ForEach-Object Value | Select-Object -Unique)
            $started = (Get-JournalIds $journal).Started
            (Get-EmulatorStats $script:emulator).predictions.created - $createdBefore | Should -Be $expected
            $warnings[0] | Should -BeLike "Stopped with $expected prediction(s) still running at FASHN.*"
            ($named | Sort-Object) | Should -Be ($started | Sort-Object) -Because "each prediction started is named:`n$($warnings[0])"
        }
        finally {
            $powershell.Dispose()
        }
        Get-FashnPrediction -Id $named -Wait | Out-Null # let them finish before the emulator stops
    }

    It 'a stop while a later command of the pipeline is busy still names every running id' {
        # -ThrottleLimit 1: the first result goes down the pipeline into a long sleep, the second prediction starts,
        # and the stop comes while the pipeline thread is in ForEach-Object, not in Invoke-FashnBackgroundChange.
        # Predictions of 20 s here: the second one is surely still running when the stop comes, however busy the machine.
        $slowEmulator = Start-TestEmulator -Arguments '--time-scale', '1', '--processing-seconds', '20', '--processing-jitter', '0'
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'downstream') -Name 'first.png', 'second.png', 'third.png'
        $journal = Join-Path $TestDrive 'downstream.jsonl'
        $powershell = [powershell]::Create()
        try {
            $null = $powershell.AddScript((New-ChildSessionScript -Emulator $slowEmulator -JournalPath $journal -Body @"
Get-ChildItem $(ConvertTo-PowerShellLiteral $photos.FullName) -Filter *.png |
    Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ThrottleLimit 1 |
    ForEach-Object { Start-Sleep -Seconds 120 }
"@))
            $null = $powershell.BeginInvoke()
            Wait-JournalStarted -Path $journal -Count 2

            $stopping = $powershell.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $powershell.EndStop($stopping)

            $ids = Get-JournalIds $journal
            $running = @($ids.Started | Where-Object { $ids.Finished -notcontains $_ })
            $running | Should -Not -BeNullOrEmpty
            $warnings = @($powershell.Streams.Warning | ForEach-Object Message)
            $atFashn = @($running | ForEach-Object { "$_ is $((Get-FashnPrediction -Id $_ -BaseUri $slowEmulator.BaseUri -ApiKey $slowEmulator.ApiKey).Status)" })
            $warnings | Should -HaveCount 1 -Because "the predictions still running are named even when another command was running at the stop (at the emulator: $($atFashn -join '; '))"
            foreach ($id in $running) { $warnings[0] | Should -Match $id }
        }
        finally {
            $powershell.Dispose()
            Stop-TestEmulator $slowEmulator
        }
    }
}
