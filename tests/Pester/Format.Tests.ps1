# The views a user reads: the default table of predictions at 80 columns (a log, CI, a transcript, a redirected
# console) and at 120, and what a child pwsh prints with its output redirected; the list view with every property.
# The table is checked as a reader would: every header whole on one line, no one-letter column, each status and
# source readable in full, each id whole from 120 columns (narrower, the id is the last column and keeps its first,
# distinct part, "9e38d6dr-…"; the list view and $result.Id have it whole), nothing wider than the console, no flood
# of base64.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.02', '--blocked-words', 'forbidden'
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    # One of each kind a batch writes: completed (a short and a longer file name), failed, still starting, base64.
    $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'photos') -Name 'lamp.png', 'sneaker-blue-42.png', 'mug.png', 'vase.png', 'chair.png'
    $script:predictions = @(
        Get-ChildItem $photos -Filter *.png | Where-Object Name -In 'lamp.png', 'sneaker-blue-42.png' | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait
        Invoke-FashnBackgroundChange -Path (Join-Path $photos 'mug.png') -Prompt 'a forbidden place' | Get-FashnPrediction -Wait
        Invoke-FashnBackgroundChange -Path (Join-Path $photos 'vase.png') -Prompt 'studio'
        Invoke-FashnBackgroundChange -Path (Join-Path $photos 'chair.png') -Prompt 'studio' -ReturnBase64 -Wait
    )
    $script:photos = $photos

    # The default table view's column headers, as its format data declares them.
    $tableView = (Get-FormatData -TypeName FashnBackground.FashnPrediction).FormatViewDefinition |
        Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
    $script:headers = @(for ($i = 0; $i -lt $tableView.Control.Headers.Count; $i++) {
            $label = $tableView.Control.Headers[$i].Label
            if ($label) { $label } else { $tableView.Control.Rows[0].Columns[$i].DisplayEntry.Value }
        })

    # Checks a printed table of predictions the way a reader looks at it; returns what is wrong, one line each.
    function Get-TableProblem([string] $Text, [int] $Width, $Predictions, [switch] $ShortIds) {
        $lines = @($Text -split '\r?\n' | ForEach-Object { $_.TrimEnd() })
        $problems = [System.Collections.Generic.List[string]]::new()
        foreach ($line in $lines) { if ($line.Length -gt $Width) { $problems.Add("a line is $($line.Length) characters wide: '$line'") } }
        $dashIndex = [Array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^\s*-[-\s]*$' })
        if ($dashIndex -lt 1) { $problems.Add('no table header underline (----) found'); return $problems }
        $headerLines = @(for ($i = $dashIndex - 1; $i -ge 0 -and $lines[$i].Trim(); $i--) { $lines[$i] })
        if ($headerLines.Count -ne 1) { $problems.Add("the header takes $($headerLines.Count) lines instead of one") }
        $header = $lines[$dashIndex - 1]
        $columns = [regex]::Matches($lines[$dashIndex], '-+')
        $titles = foreach ($column in $columns) {
            if ($column.Length -lt 2) { $problems.Add("a column is $($column.Length) character wide (at position $($column.Index))") }
            $end = [Math]::Min($header.Length, $column.Index + $column.Length)
            if ($column.Index -lt $end) { $header.Substring($column.Index, $end - $column.Index).Trim() } else { '' }
        }
        foreach ($expected in $script:headers) {
            if ($titles -notcontains $expected) { $problems.Add("the column header '$expected' is not shown whole (headers shown: '$($titles -join "', '")')") }
        }
        $body = $lines[($dashIndex + 1)..($lines.Count - 1)]
        foreach ($prediction in $Predictions) {
            $row = @($body | Where-Object { $_.Contains($prediction.Id) })
            if ($ShortIds -and $row.Count -eq 0) {
                # The id cut to its start: what is shown must begin the real id and tell the rows apart.
                $row = @($body | Where-Object { $_ -match '(\S{8,})…\s*$' -and $prediction.Id.StartsWith($Matches[1]) })
            }
            if ($row.Count -ne 1) { $problems.Add("the id $($prediction.Id) is not on one line$(if (-not $ShortIds) { ' whole' })"); continue }
            if ($row[0] -notmatch "\b$([regex]::Escape($prediction.Status))\b") { $problems.Add("the status '$($prediction.Status)' is not on the row of $($prediction.Id)") }
            $source = Split-Path $prediction.Source -Leaf
            if (-not ($body | Where-Object { $_.Contains($source) })) { $problems.Add("the source '$source' is not shown whole") }
        }
        if ($Text -match '[A-Za-z0-9+/]{60}') { $problems.Add('a long run of base64 is printed') }
        $problems
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'The prediction views' {
    It 'made one prediction of each kind to look at' {
        $script:predictions.Status | Should -Be @('completed', 'completed', 'failed', 'starting', 'completed')
        $script:predictions[2].ErrorName | Should -Be 'ContentModerationError'
        $script:predictions[4].Output[0] | Should -BeLike 'data:image/png;base64,*'
    }

    It 'the default table at <Width> columns has whole headers, no one-letter column, and each id, status and source readable' -ForEach @(
        @{ Width = 80 }
        @{ Width = 120 }
    ) {
        $text = $script:predictions | Out-String -Width $Width

        $problems = Get-TableProblem -Text $text -Width $Width -Predictions $script:predictions -ShortIds:($Width -lt 110)

        $problems | Should -BeNullOrEmpty -Because "the table at $Width columns should read well; it printed:`n$text"
    }

    It 'the default table at 120 columns shows the error name of a failed prediction and where each output is' {
        $text = $script:predictions | Out-String -Width 120

        $text | Should -Match 'ContentModerationError'
        foreach ($completed in $script:predictions | Where-Object { $_.Status -eq 'completed' -and $_.Output[0] -like 'http*' }) {
            $row = ($text -split '\r?\n') | Where-Object { $_.Contains($completed.Id) }
            $output = [uri]$completed.Output[0]
            $row | Should -Match ([regex]::Escape("$($output.Authority)/") + '.*' + [regex]::Escape($output.Segments[-1])) -Because 'the output shows its host and file name on its row'
        }
    }

    It 'the list view shows every property of a prediction' {
        $prediction = $script:predictions[0]
        $text = $prediction | Format-List | Out-String -Width 250
        $labels = @($text -split '\r?\n' | Where-Object { $_ -match '^(\w+)\s*:' } | ForEach-Object { $Matches[1] })

        foreach ($property in $prediction.PSObject.Properties.Name) {
            $value = "$($prediction.$property)"
            $shown = $labels -contains $property -or ($value -and $text.Contains($value))
            $shown | Should -BeTrue -Because "the list view should show $property (it printed:`n$text)"
        }
        $labels | Should -Contain 'Output'
        $labels | Should -Contain 'ErrorMessage'
    }

    It 'a child pwsh with its output redirected prints the table and the list readably at its 80 columns' {
        $body = @"
`$photos = $(ConvertTo-PowerShellLiteral $script:photos.FullName)
`$results = @(
    Get-ChildItem `$photos -Filter *.png | Where-Object Name -In 'lamp.png', 'sneaker-blue-42.png' | Invoke-FashnBackgroundChange -Prompt 'redirected' -Wait
    Invoke-FashnBackgroundChange -Path (Join-Path `$photos 'mug.png') -Prompt 'forbidden too' | Get-FashnPrediction -Wait
)
`$results
'----- list -----'
`$results[0] | Format-List
'----- facts -----'
`$results | Select-Object Id, Status, Source | ConvertTo-Json -Compress
"@
        $child = Invoke-ChildPwsh -Script (New-ChildSessionScript -Emulator $script:emulator -JournalPath (Join-Path $TestDrive 'child.jsonl') -Body $body)

        $child.Error | Should -BeNullOrEmpty
        $table, $list, $facts = $child.Output -split '----- (?:list|facts) -----'
        $shown = @($facts | ConvertFrom-Json)
        $shown | Should -HaveCount 3
        Get-TableProblem -Text $table -Width 80 -Predictions $shown -ShortIds | Should -BeNullOrEmpty -Because "the redirected table should read well; it printed:`n$table"
        foreach ($label in 'Id', 'Status', 'Source', 'Prompt', 'Output', 'ErrorName', 'Seconds') {
            $list | Should -Match "(?m)^$label\s*:" -Because "the list view shows $label"
        }
        ($list -split '\r?\n' | Measure-Object -Maximum Length).Maximum | Should -BeLessOrEqual 80
    }
}
