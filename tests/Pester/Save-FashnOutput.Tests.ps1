# Save-FashnOutput as a pwsh user drives it: predictions in, whole files out, existing files kept unless -Force,
# -WhatIf writing nothing, FileInfo that prints like Get-ChildItem's, and one error per prediction it cannot save.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.02', '--blocked-words', 'forbidden'
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    function Get-DownloadCount { Get-EmulatorRequestCount $script:emulator -Method GET -Route '/cdn/{id}/{file}' }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Save-FashnOutput' {
    BeforeAll {
        # One batch for every test here: its outputs stay downloadable, and each test saves them somewhere new.
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'photos') -Name 'lamp.png', 'mug.png'
        $predictions = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait
    }

    BeforeEach {
        $out = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
    }

    It 'writes one file per prediction in -Destination, creating the folder, and writes its FileInfo' {
        $destination = Join-Path $out 'nested/deeper'

        $saved = $predictions | Save-FashnOutput -Destination $destination

        $saved | Should -HaveCount 2
        ($saved.Name | Sort-Object) | Should -Be @('lamp.png', 'mug.png')
        foreach ($file in $saved) {
            $file | Should -BeOfType [System.IO.FileInfo]
            $file.DirectoryName | Should -Be $destination
            $onDisk = Get-Item -LiteralPath $file.FullName
            $onDisk.Length | Should -BeGreaterThan 0
            $file.Length | Should -Be $onDisk.Length
        }
        @(Get-ChildItem $destination -Force).Name | Sort-Object | Should -Be @('lamp.png', 'mug.png') -Because 'no temporary file is left'
    }

    It 'saves into the current folder by default, and a relative -Destination is relative to it' {
        $current = New-Item -ItemType Directory -Path $out
        Push-Location $current
        try {
            $inCurrent = $predictions[0] | Save-FashnOutput
            $inRelative = $predictions[1] | Save-FashnOutput -Destination ./relative
        }
        finally {
            Pop-Location
        }

        $inCurrent.DirectoryName | Should -Be $current.FullName
        $inRelative.DirectoryName | Should -Be (Join-Path $current 'relative')
    }

    It 'keeps an existing file with a warning that names it, and -Force overwrites it' {
        New-Item -ItemType Directory -Path $out | Out-Null
        $existing = Join-Path $out 'lamp.png'
        Set-Content -Path $existing -Value 'keep me'
        $lamp = $predictions | Where-Object { $_.Source -like '*lamp.png' }

        $kept = $lamp | Save-FashnOutput -Destination $out -WarningVariable warnings -WarningAction SilentlyContinue

        $kept | Should -BeNullOrEmpty
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Be "Kept the existing file '$existing'; use -Force to overwrite it."
        Get-Content $existing | Should -Be 'keep me'

        $replaced = $lamp | Save-FashnOutput -Destination $out -Force -WarningVariable forcedWarnings

        $replaced.FullName | Should -Be $existing
        $forcedWarnings | Should -BeNullOrEmpty
        [IO.File]::ReadAllBytes($existing)[1..3] | Should -Be ([byte[]][char[]]'PNG')
    }

    It 'with -WhatIf downloads and writes nothing, and the console names each file it would write' {
        $downloadsBefore = Get-DownloadCount
        $transcript = Join-Path $TestDrive 'whatif-transcript.txt'

        Start-Transcript -Path $transcript -UseMinimalHeader | Out-Null
        try {
            $written = $predictions | Save-FashnOutput -Destination $out -WhatIf
        }
        finally {
            Stop-Transcript | Out-Null
        }

        $written | Should -BeNullOrEmpty
        $out | Should -Not -Exist
        (Get-DownloadCount) - $downloadsBefore | Should -Be 0
        $whatIf = @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
        $whatIf | Should -HaveCount 2
        foreach ($prediction in $predictions) {
            $file = Join-Path $out ((Split-Path $prediction.Source -LeafBase) + '.png')
            $whatIf | Should -Contain "What if: Performing the operation `"Save FASHN output of prediction $($prediction.Id)`" on target `"$file`"."
        }
    }

    It 'writes FileInfo that prints like Get-ChildItem''s, with Mode, LastWriteTime and Length filled' {
        $saved = $predictions | Save-FashnOutput -Destination $out

        $listed = Get-ChildItem -LiteralPath $out -File | Sort-Object Name
        $saved = $saved | Sort-Object Name
        # The rows and their header as Get-ChildItem prints them (its "Directory:" group line aside).
        $rows = { param($files) @(($files | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() -and $_ -notmatch '^\s*Directory: ' }) }
        (& $rows $saved) | Should -Be (& $rows $listed)
        foreach ($file in $saved) {
            $file.Mode | Should -Not -BeNullOrEmpty
            $file.Length | Should -BeGreaterThan 0
            $file.LastWriteTime | Should -Be (Get-Item -LiteralPath $file.FullName).LastWriteTime
        }
    }

    It 'names two sources with the same file name apart instead of overwriting one with the other' {
        $first = New-TestPhotoSet -Path (Join-Path $TestDrive 'a') -Name 'photo.png'
        $second = New-TestPhotoSet -Path (Join-Path $TestDrive 'b') -Name 'photo.png'
        $both = Get-ChildItem $first, $second -Filter photo.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait

        $saved = $both | Save-FashnOutput -Destination $out

        $saved | Should -HaveCount 2
        $saved.Name | Should -Contain 'photo.png'
        $saved.Name | Should -Contain 'photo (2).png' -Because 'a second photo.png is told apart as Explorer and Finder do, not as photo_2.png, a second output'
        (Get-FileHash $saved[0].FullName).Hash | Should -Not -Be (Get-FileHash $saved[1].FullName).Hash
        @($saved | ForEach-Object { $_.FashnPrediction.Source } | Select-Object -Unique) | Should -HaveCount 2 -Because 'each file is the output of its own source'
    }

    It 'saves the second of two same-named sources when the first one''s file is kept from an earlier run' {
        $first = New-TestPhotoSet -Path (Join-Path $TestDrive 'again-a') -Name 'photo.png'
        $second = New-TestPhotoSet -Path (Join-Path $TestDrive 'again-b') -Name 'photo.png'
        $both = @(Get-ChildItem $first, $second -Filter photo.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait)
        # An earlier run saved the first and was stopped before the second.
        $earlier = $both[0] | Save-FashnOutput -Destination $out

        $saved = $both | Save-FashnOutput -Destination $out -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures

        $failures | Should -BeNullOrEmpty
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Be "Kept the existing file '$($earlier.FullName)'; use -Force to overwrite it."
        $saved | Should -HaveCount 1 -Because "the second source's output is saved, not lost"
        $saved.Name | Should -Be 'photo (2).png'
        $saved.FashnPrediction.Source | Should -Be $both[1].Source
        @(Get-ChildItem -LiteralPath $out).Name | Sort-Object | Should -Be @('photo (2).png', 'photo.png')
    }

    It 'a failed prediction is one error with its FASHN error name, naming its source; the others are saved' {
        $failed = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'mug.png') -Prompt 'forbidden backdrop' | Get-FashnPrediction -Wait
        $failed.Status | Should -Be 'failed'

        $saved = @($predictions[0], $failed) | Save-FashnOutput -Destination $out -ErrorVariable failures -ErrorAction SilentlyContinue

        $saved | Should -HaveCount 1
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'Fashn.ContentModerationError,FashnBackground.Commands.SaveFashnOutputCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].TargetObject | Should -Be (Join-Path $photos 'mug.png')
        $failures[0].Exception.Message | Should -BeLike "Prediction $($failed.Id) failed with ContentModerationError: *Nothing was saved for it."
    }

    It 'a prediction that has not finished is one error that says to wait for it' {
        $running = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'lamp.png') -Prompt 'not waited for'

        $running | Save-FashnOutput -Destination $out -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'Fashn.PredictionNotFinished,FashnBackground.Commands.SaveFashnOutputCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].Exception.Message | Should -BeLike "*is 'starting', not completed*Get-FashnPrediction -Wait*"
        $running | Get-FashnPrediction -Wait | Out-Null # let it finish before the emulator stops
    }

    It 'a destination that is a file stops with one OutputNotSaved error saying to give a folder' {
        $file = Join-Path $TestDrive 'not-a-folder.txt'
        Set-Content -Path $file -Value 'x'

        $thrown = { $predictions | Save-FashnOutput -Destination $file } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -Be 'Fashn.OutputNotSaved,FashnBackground.Commands.SaveFashnOutputCommand'
        $thrown.CategoryInfo.Category | Should -Be 'WriteError'
        $thrown.Exception.Message | Should -Be "The destination '$file' is a file. Give a folder (it is created if needed)."
    }
}
