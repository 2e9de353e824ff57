# The module as a pwsh user runs it: Get-ChildItem piped into the cmdlets, against the local emulator started here
# on a free loopback port with everything fifty times faster. Run by 'dotnet test' (tests/FashnBackground.PesterTests).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator
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

Describe 'Completion' {
    It 'offers png and jpeg for -OutputFormat' {
        $line = 'Invoke-FashnBackgroundChange -Prompt studio -OutputFormat '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('jpeg', 'png')
    }
}
