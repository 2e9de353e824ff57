# Get-FashnPrediction as a pwsh user drives it: ids as strings, by position or piped (predictions or strings),
# -Wait to collect what was submitted without it, and one error per id it cannot answer.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.02', '--blocked-words', 'forbidden'
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Get-FashnPrediction' {
    BeforeEach {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))) -Name 'later1.png', 'later2.png'
    }

    It 'with -Wait collects predictions piped in from a run without -Wait, and they can be saved' {
        $submitted = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio'
        $submitted.Status | Sort-Object -Unique | Should -Be 'starting'

        $done = $submitted | Get-FashnPrediction -Wait

        ($done.Id | Sort-Object) | Should -Be ($submitted.Id | Sort-Object)
        $done.Status | Sort-Object -Unique | Should -Be 'completed'
        ($done | Save-FashnOutput -Destination (Join-Path $photos 'out')).Name | Sort-Object | Should -Be @('later1.png', 'later2.png')
    }

    It 'takes ids as strings, by position and piped, and keeps what the session knows of each (source, prompt)' {
        $submitted = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'marble floor' -Seed 5 -Wait
        $ids = [string[]]$submitted.Id

        $byPosition = Get-FashnPrediction $ids
        $piped = $ids | Get-FashnPrediction

        foreach ($answer in @($byPosition) + @($piped)) {
            $answer.Status | Should -Be 'completed'
            $known = $submitted | Where-Object Id -EQ $answer.Id
            $answer.Source | Should -Be $known.Source
            $answer.Prompt | Should -Be 'marble floor'
            $answer.Seed | Should -Be 5
            $answer.Output | Should -Be $known.Output
        }
        ($byPosition.Id | Sort-Object) | Should -Be ($ids | Sort-Object)
        ($piped.Id | Sort-Object) | Should -Be ($ids | Sort-Object)
    }

    It 'answers a failed prediction with its FASHN error name and message' {
        $failed = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'later1.png') -Prompt 'a forbidden place' | Get-FashnPrediction -Wait

        $failed.Status | Should -Be 'failed'
        $failed.ErrorName | Should -Be 'ContentModerationError'
        $failed.ErrorMessage | Should -BeLike '*forbidden*'
        $failed.Output | Should -BeNullOrEmpty
    }

    It 'an unknown id is one ObjectNotFound error naming it, and the other ids are answered' {
        $known = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'later1.png') -Prompt 'studio' -Wait

        $answers = Get-FashnPrediction -Id $known.Id, 'no-such-prediction' -ErrorVariable failures -ErrorAction SilentlyContinue

        $answers.Id | Should -Be $known.Id
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'Fashn.NotFound,FashnBackground.Commands.GetFashnPredictionCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'no-such-prediction'
        $failures[0].Exception.Message | Should -BeLike '*no-such-prediction*'
    }

    It 'a wrong key is one terminating UnauthorizedAccess error for all the ids, and it does not show the key' {
        $wrongKey = 'fa-wrong-key-for-status-77'
        $thrown = $null

        try { Get-FashnPrediction -Id 'first-id', 'second-id', 'third-id' -ApiKey $wrongKey -ErrorVariable failures } catch { $thrown = $_ }

        $thrown | Should -Not -BeNullOrEmpty -Because 'a refused key stops the command'
        $failures | Should -HaveCount 1 -Because 'the key is refused once, not once per id'
        $thrown.FullyQualifiedErrorId | Should -BeLike 'Fashn.UnauthorizedAccess,*'
        $thrown.CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($thrown | Out-String -Width 200) + $thrown.Exception.ToString() | Should -Not -Match ([regex]::Escape($wrongKey))
    }

    Context 'a prediction that takes longer than -TimeoutSec' {
        BeforeAll {
            # Predictions here take a minute; -TimeoutSec 1 gives up long before.
            $script:slowEmulator = Start-TestEmulator -Arguments '--time-scale', '1', '--processing-seconds', '60'
        }

        AfterAll {
            if ($script:slowEmulator) { Stop-TestEmulator $script:slowEmulator }
        }

        It 'is one OperationTimeout error that says it may still complete and how to collect it' {
            $slow = @{ BaseUri = $script:slowEmulator.BaseUri; ApiKey = $script:slowEmulator.ApiKey }
            $running = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'later1.png') -Prompt 'studio' -NoJournal @slow

            $answer = $running | Get-FashnPrediction -Wait -TimeoutSec 1 -ErrorVariable failures -ErrorAction SilentlyContinue @slow

            $answer | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'Fashn.PollingTimeout,*'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failures[0].TargetObject | Should -Be $running.Id
            $failures[0].Exception.Message | Should -Be "Prediction $($running.Id) did not finish within 1 s. It may still complete: run Get-FashnPrediction -Id $($running.Id) -Wait again later."
            (Get-FashnPrediction -Id $running.Id @slow).Status | Should -BeIn 'starting', 'in_queue', 'processing'
        }
    }
}
