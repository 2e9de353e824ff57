# Invoke-FashnBackgroundChange as a pwsh user drives it: Get-ChildItem pipelines, -Path wildcards, -LiteralPath,
# -Uri, -WhatIf, -Verbose, Import-Csv rows, and the error records a user reads. Against a local emulator on a
# free loopback port, fifty times faster than the service.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    function Get-RunCount { Get-EmulatorRequestCount $script:emulator -Method POST -Route '/v1/run' }

    # Requests answered 200 for one route, from the emulator's stats.
    function Get-AnsweredCount($Requests, [string] $Method, [string] $Route) {
        [int]($Requests | Where-Object { $_.method -eq $Method -and $_.path -eq $Route -and $_.status -eq 200 } | ForEach-Object count | Measure-Object -Sum).Sum
    }

    function Test-PngFile([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $bytes.Length -gt 8 -and $bytes[0] -eq 0x89 -and $bytes[1] -eq 0x50 -and $bytes[2] -eq 0x4E -and $bytes[3] -eq 0x47
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Invoke-FashnBackgroundChange' {
    BeforeEach {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))) -Name 'photo1.png', 'photo2.png', 'photo3.png'
        $out = Join-Path $photos 'out'
    }

    Context 'files piped from Get-ChildItem' {
        It 'writes one completed prediction per file, carrying its source, prompt and seed, and sends one run each' {
            $runsBefore = Get-RunCount

            $predictions = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'beach sunset' -Seed 7 -Wait

            $predictions | Should -HaveCount 3
            ($predictions.Source | Sort-Object) | Should -Be @((Get-ChildItem $photos -Filter *.png).FullName | Sort-Object)
            foreach ($prediction in $predictions) {
                $prediction.PSObject.TypeNames[0] | Should -Be 'FashnBackground.FashnPrediction'
                $prediction.Status | Should -Be 'completed'
                $prediction.Prompt | Should -Be 'beach sunset'
                $prediction.Seed | Should -Be 7
                $prediction.Output | Should -HaveCount 1
                $prediction.Output[0] | Should -BeLike "$($script:emulator.BaseUri)/cdn/$($prediction.Id)/*"
            }
            (Get-RunCount) - $runsBefore | Should -Be 3
        }

        It 'saves one whole image per file through Save-FashnOutput, named after its source' {
            $saved = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait | Save-FashnOutput -Destination $out

            ($saved.Name | Sort-Object) | Should -Be @('photo1.png', 'photo2.png', 'photo3.png')
            foreach ($file in $saved) { Test-PngFile $file.FullName | Should -BeTrue -Because "$($file.Name) should be a PNG image" }
            @(Get-ChildItem $out -Force).Name | Sort-Object | Should -Be @('photo1.png', 'photo2.png', 'photo3.png') -Because 'no partial or temporary file is left'
        }

        It 'asks for JPEG with -OutputFormat jpeg, and the files saved are JPEGs' {
            $saved = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -OutputFormat jpeg -Wait | Save-FashnOutput -Destination $out

            ($saved.Name | Sort-Object) | Should -Be @('photo1.jpg', 'photo2.jpg', 'photo3.jpg')
            foreach ($file in $saved) {
                $head = [IO.File]::ReadAllBytes($file.FullName)[0..1]
                $head | Should -Be @(0xFF, 0xD8) -Because "$($file.Name) should start like every JPEG"
            }
        }

        It 'run again after a run without -Wait, collects what was started instead of paying for it twice' {
            $runsBefore = Get-RunCount
            $first = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'forest clearing'
            $again = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'forest clearing' -Wait

            $first.Status | Sort-Object -Unique | Should -Be 'starting'
            ($again.Id | Sort-Object) | Should -Be ($first.Id | Sort-Object)
            $again.Collected | Sort-Object -Unique | Should -BeTrue
            $again.Status | Sort-Object -Unique | Should -Be 'completed'
            (Get-RunCount) - $runsBefore | Should -Be 3
        }
    }

    Context '-Path, -LiteralPath and -Uri' {
        It '-Path expands wildcards relative to the current location' {
            New-TestPhotoSet -Path $photos -Name 'other.png' | Out-Null
            Push-Location $photos
            try {
                $predictions = Invoke-FashnBackgroundChange -Path 'photo*.png' -Prompt 'studio' -Wait
            }
            finally {
                Pop-Location
            }

            ($predictions.Source | Split-Path -Leaf | Sort-Object) | Should -Be @('photo1.png', 'photo2.png', 'photo3.png')
        }

        It 'a name with [ ] given to -Path is one ObjectNotFound error that says to use -LiteralPath, and nothing is sent' {
            New-TestPhotoSet -Path $photos -Name 'shot[1].png' | Out-Null
            $runsBefore = Get-RunCount

            $result = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'shot[1].png') -Prompt 'studio' -Wait -ErrorVariable failures -ErrorAction SilentlyContinue

            $result | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'Fashn.InputNotReadable,FashnBackground.Commands.InvokeFashnBackgroundChangeCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failures[0].TargetObject | Should -Be (Join-Path $photos 'shot[1].png')
            $failures[0].Exception.Message | Should -BeLike '*shot`[1`].png*-LiteralPath*'
            (Get-RunCount) - $runsBefore | Should -Be 0
        }

        It '-LiteralPath takes [ ] literally, and the output is named after the file' {
            New-TestPhotoSet -Path $photos -Name 'shot[1].png' | Out-Null

            $prediction = Invoke-FashnBackgroundChange -LiteralPath (Join-Path $photos 'shot[1].png') -Prompt 'studio' -Wait
            $saved = $prediction | Save-FashnOutput -Destination $out

            $prediction.Source | Should -Be (Join-Path $photos 'shot[1].png')
            $saved.Name | Should -Be 'shot[1].png'
            Test-PngFile $saved.FullName | Should -BeTrue
        }

        It 'a file with [ ] in its name piped from Get-ChildItem is sent as it is' {
            $brackets = New-TestPhotoSet -Path (Join-Path $photos 'brackets') -Name 'mug [blue].png', 'lamp[2].png'

            $predictions = Get-ChildItem -LiteralPath $brackets.FullName -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ErrorVariable failures

            $failures | Should -BeNullOrEmpty
            ($predictions.Source | Split-Path -Leaf | Sort-Object) | Should -Be @('lamp[2].png', 'mug [blue].png')
        }

        It '-Uri takes a data URI' {
            $bytes = [IO.File]::ReadAllBytes((Join-Path $photos 'photo1.png'))
            $dataUri = 'data:image/png;base64,' + [Convert]::ToBase64String($bytes)

            $prediction = Invoke-FashnBackgroundChange -Uri $dataUri -Prompt 'studio' -Wait

            $prediction.Status | Should -Be 'completed'
            $prediction.Source | Should -Be 'data URI'
            ($prediction | Save-FashnOutput -Destination $out).Name | Should -Be "$($prediction.Id).png"
        }

        It 'base64 without the data URI prefix is one InvalidArgument error that says what to add, and nothing is uploaded' {
            $base64 = [Convert]::ToBase64String([IO.File]::ReadAllBytes((Join-Path $photos 'photo1.png')))
            $runsBefore = Get-RunCount

            Invoke-FashnBackgroundChange -Uri $base64 -Prompt 'studio' -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'Fashn.InvalidArgument,*'
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failures[0].Exception.Message | Should -BeLike "*'data:image/jpeg;base64,'*"
            (Get-RunCount) - $runsBefore | Should -Be 0
        }
    }

    Context '-WhatIf' {
        It 'sends nothing, writes nothing and names every file it would send' {
            $runsBefore = Get-RunCount
            $journal = Join-Path $TestDrive 'whatif.jsonl'
            $transcript = Join-Path $TestDrive 'whatif-transcript.txt'

            Start-Transcript -Path $transcript -UseMinimalHeader | Out-Null
            try {
                $written = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -JournalPath $journal -WhatIf
            }
            finally {
                Stop-Transcript | Out-Null
            }

            $written | Should -BeNullOrEmpty
            (Get-RunCount) - $runsBefore | Should -Be 0
            $journal | Should -Not -Exist
            $whatIf = @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
            $whatIf | Should -HaveCount 3 -Because "the console names each file once:`n$(Get-Content $transcript -Raw)"
            foreach ($name in 'photo1.png', 'photo2.png', 'photo3.png') {
                @($whatIf | Where-Object { $_ -like "*$name*" }) | Should -HaveCount 1 -Because "the console names $name"
            }
        }
    }

    Context '-Verbose' {
        It 'shows every request the emulator received, downloads included, and never the key' {
            $requestsBefore = (Get-EmulatorStats $script:emulator).requests

            $records = & {
                Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -Verbose |
                    Save-FashnOutput -Destination $out -Verbose
            } 4>&1
            $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

            $requestsAfter = (Get-EmulatorStats $script:emulator).requests
            $routes = @(
                @{ Method = 'POST'; Route = '/v1/run'; Line = '^POST /v1/run -> 200\b' }
                @{ Method = 'GET'; Route = '/v1/status/{id}'; Line = '^GET /v1/status/[^/\s]+ -> 200\b' }
                @{ Method = 'GET'; Route = '/cdn/{id}/{file}'; Line = '^GET (https?://[^/\s]+)?/cdn/[^/\s]+/[^/\s]+ -> 200\b' }
            )
            foreach ($route in $routes) {
                $before = Get-AnsweredCount $requestsBefore $route.Method $route.Route
                $after = Get-AnsweredCount $requestsAfter $route.Method $route.Route
                $after - $before | Should -BeGreaterThan 0
                $shown = @($verbose | Where-Object { $_ -match $route.Line }).Count
                $shown | Should -Be ($after - $before) -Because "every $($route.Method) $($route.Route) request is shown once (verbose lines: $($verbose -join ' | '))"
            }
            @($records | Where-Object { $_ -is [IO.FileInfo] }) | Should -HaveCount 3
            $verbose -join "`n" | Should -Not -Match ([regex]::Escape($script:emulator.ApiKey))
        }
    }

    Context 'error records' {
        It 'a text file among photos is one InvalidInputImage error naming it, and the photos complete' {
            Set-Content -Path (Join-Path $photos 'notes.png') -Value 'not a photo'
            $runsBefore = Get-RunCount

            $predictions = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ErrorVariable failures -ErrorAction SilentlyContinue

            $predictions | Should -HaveCount 3
            $predictions.Status | Sort-Object -Unique | Should -Be 'completed'
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'Fashn.InvalidInputImage,FashnBackground.Commands.InvokeFashnBackgroundChangeCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $failures[0].TargetObject | Should -Be (Join-Path $photos 'notes.png')
            $failures[0].Exception.Message | Should -Be "'$(Join-Path $photos 'notes.png')' is not an image: it contains text. Give a JPEG, PNG or WebP file (the file name's extension does not matter)."
            (Get-RunCount) - $runsBefore | Should -Be 3 -Because 'the text file is never uploaded'
        }

        It 'a path that does not exist is one ObjectNotFound error naming it, and the other paths go on' {
            $missing = Join-Path $photos 'missing.png'

            $predictions = Invoke-FashnBackgroundChange -Path (Join-Path $photos 'photo1.png'), $missing, (Join-Path $photos 'photo2.png') -Prompt 'studio' -Wait -ErrorVariable failures -ErrorAction SilentlyContinue

            ($predictions.Source | Split-Path -Leaf | Sort-Object) | Should -Be @('photo1.png', 'photo2.png')
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'Fashn.InputNotReadable,FashnBackground.Commands.InvokeFashnBackgroundChangeCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failures[0].TargetObject | Should -Be $missing
            $failures[0].Exception.Message | Should -Be "Cannot find the file '$missing'. Check the path; for names with [ ] or * use -LiteralPath."
        }

        It 'a wrong key stops the batch with one terminating UnauthorizedAccess error, and the key is in no text' {
            $wrongKey = 'fa-wrong-key-that-must-not-show-42'

            $seen = [System.Collections.Generic.List[string]]::new()
            $thrown = $null
            try {
                Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait -ApiKey $wrongKey -ErrorVariable failures -Verbose 4>&1 |
                    ForEach-Object { $seen.Add("$_") }
            }
            catch {
                $thrown = $_
            }

            $thrown | Should -Not -BeNullOrEmpty -Because 'a refused key stops the batch'
            $thrown.FullyQualifiedErrorId | Should -Be 'Fashn.UnauthorizedAccess,FashnBackground.Commands.InvokeFashnBackgroundChangeCommand'
            $thrown.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $thrown.Exception.Message | Should -BeLike '*HTTP 401*Check the API key (-ApiKey or FASHN_API_KEY).'
            $failures | Should -HaveCount 1 -Because 'the batch stops with one error, not one per file'
            $shown = ($thrown | Out-String -Width 200) + $thrown.Exception.ToString() + ($thrown | Format-List * -Force | Out-String -Width 200) + ($seen -join "`n")
            $shown | Should -Not -Match ([regex]::Escape($wrongKey))
        }
    }

    Context 'rows from a spreadsheet (Import-Csv), Prompt, Seed and OutputFormat bound by property name' {
        BeforeEach {
            $csv = Join-Path $photos 'products.csv'
        }

        It 'gives each row its own prompt, seed and output format' {
            @(
                [pscustomobject]@{ Path = (Join-Path $photos 'photo1.png'); Prompt = 'beach sunset'; Seed = 11; OutputFormat = 'png' }
                [pscustomobject]@{ Path = (Join-Path $photos 'photo2.png'); Prompt = 'marble studio'; Seed = 22; OutputFormat = 'jpeg' }
                [pscustomobject]@{ Path = (Join-Path $photos 'photo3.png'); Prompt = 'forest clearing'; Seed = 33; OutputFormat = 'png' }
            ) | Export-Csv -Path $csv

            $predictions = try { Import-Csv $csv | Invoke-FashnBackgroundChange -Wait -ErrorAction Stop } catch { throw "Import-Csv rows did not bind: $_" }

            $predictions | Should -HaveCount 3
            $byFile = @{}; foreach ($p in $predictions) { $byFile[(Split-Path $p.Source -Leaf)] = $p }
            $byFile['photo1.png'].Prompt | Should -Be 'beach sunset'
            $byFile['photo1.png'].Seed | Should -Be 11
            $byFile['photo2.png'].Prompt | Should -Be 'marble studio'
            $byFile['photo2.png'].Seed | Should -Be 22
            $byFile['photo2.png'].OutputFormat | Should -Be 'jpeg'
            $byFile['photo2.png'].Output[0] | Should -BeLike '*.jpg'
            $byFile['photo3.png'].Prompt | Should -Be 'forest clearing'
            $byFile['photo3.png'].Seed | Should -Be 33
        }

        It 'a row without a prompt is one clear error for that row, and the other rows complete' {
            Set-Content -Path $csv -Value @(
                'Path,Prompt,Seed'
                "$(Join-Path $photos 'photo1.png'),beach sunset,1"
                "$(Join-Path $photos 'photo2.png'),,2"
                "$(Join-Path $photos 'photo3.png'),studio,3"
            )

            $predictions = try { Import-Csv $csv | Invoke-FashnBackgroundChange -Wait -ErrorVariable failures -ErrorAction SilentlyContinue } catch { throw "The batch stopped instead of failing one row: $_" }

            ($predictions.Source | Split-Path -Leaf | Sort-Object) | Should -Be @('photo1.png', 'photo3.png')
            $failures | Should -HaveCount 1
            $failures[0].Exception.Message | Should -Match 'Prompt' -Because 'the error says which value is missing'
            "$($failures[0].TargetObject) $($failures[0].Exception.Message)" | Should -Match 'photo2\.png' -Because 'the error names the row'
        }
    }
}
