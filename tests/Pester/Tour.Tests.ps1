# The README's "Tour", step by step, so that the output it shows stays what pwsh prints. Every ```powershell block
# of the section runs in order, in one session (its own runspace), against a local emulator; a block followed by
# an ```Output block is compared with what it printed, formatted at 120 columns like a typical terminal, after
# normalising what legitimately differs from run to run (prediction ids, ports, temporary paths, seconds, the order
# in which a batch's results and errors arrive). On a mismatch the test prints a diff and the output to paste into
# README.md.
#
# Substituted: the install block (the staged module is imported instead; installing from a repository is tested
# by the packaging tests) and SecretManagement, a separate module from the Gallery that is not installed here:
# stand-ins for Set-Secret/Get-Secret hold the emulator's key. The Pester example block is test code, not a
# session step: it is only parsed.

BeforeDiscovery {
    # The Tour's code blocks in order; each with the Output block that follows it, if any.
    function Get-TourStep([string] $Readme) {
        $lines = $Readme -split '\r?\n'
        $start = [Array]::IndexOf($lines, '## Tour')
        if ($start -lt 0) { throw "README.md has no '## Tour' section." }
        $blocks = [System.Collections.Generic.List[object]]::new()
        for ($i = $start + 1; $i -lt $lines.Count -and $lines[$i] -notmatch '^## '; $i++) {
            if ($lines[$i] -match '^```(\w*)\s*$') {
                $language = $Matches[1]
                $body = [System.Collections.Generic.List[string]]::new()
                for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^```\s*$'; $i++) { $body.Add($lines[$i]) }
                $blocks.Add([pscustomobject]@{ Language = $language; Text = $body -join "`n"; Line = $i - $body.Count })
            }
        }
        $number = 0
        for ($b = 0; $b -lt $blocks.Count; $b++) {
            if ($blocks[$b].Language -ne 'powershell') { continue }
            $expected = $null
            if ($b + 1 -lt $blocks.Count -and $blocks[$b + 1].Language -eq 'Output') { $expected = $blocks[$b + 1].Text }
            $code = $blocks[$b].Text
            $kind = if ($code -match 'Install-Module|Install-PSResource') { 'install' } elseif ($code -match '(?m)^\s*BeforeAll\s*\{') { 'pester-example' } else { 'run' }
            $number++
            @{ Number = $number; Title = ($code -split "`n")[0].Trim(); Code = $code; Expected = $expected; Kind = $kind; Line = $blocks[$b].Line }
        }
    }

    $script:steps = @(Get-TourStep (Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # The balance the README shows, so that Get-FashnCredits prints the same table.
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.02', '--credits', '978', '--subscription-credits', '78'
    $script:savedKeyVariable = $env:FASHN_API_KEY

    # The user's folder: three product photos and a text file named like a photo, as in the README.
    $script:tour = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'tour')
    New-TestPhotoSet -Path (Join-Path $script:tour 'photos') -Name 'lamp.jpg', 'sneaker.jpg', 'mug.jpg' | Out-Null
    Set-Content -Path (Join-Path $script:tour 'photos/notes.jpg') -Value 'Call the supplier about the lamp shade before Friday.'

    # One session for the whole tour.
    $script:session = [powershell]::Create()
    $null = $script:session.AddScript(@"
Set-Location -LiteralPath $(ConvertTo-PowerShellLiteral $script:tour.FullName)
`$PSDefaultParameterValues['*-Fashn*:BaseUri'] = $(ConvertTo-PowerShellLiteral $script:emulator.BaseUri)
`$PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = $(ConvertTo-PowerShellLiteral (Join-Path $TestDrive 'journal.jsonl'))
# Stand-ins for SecretManagement's cmdlets: the vault holds the emulator's key.
function Set-Secret { param([string] `$Name, `$Secret) }
function Get-Secret { param([string] `$Name, [switch] `$AsPlainText) $(ConvertTo-PowerShellLiteral $script:emulator.ApiKey) }
"@, $false)
    $script:session.Invoke() | Out-Null
    $script:session.Commands.Clear()

    # Runs code in the tour's session the way the console takes it: each complete entry (a line, or the lines
    # of one unfinished statement) is its own pipeline, its output and every stream formatted at 120 columns.
    function Invoke-InSession([string] $Code) {
        $printed = [System.Text.StringBuilder]::new()
        $entry = ''
        foreach ($line in $Code -split "`n") {
            $entry = if ($entry) { "$entry`n$line" } else { $line }
            $errors = $null
            [System.Management.Automation.Language.Parser]::ParseInput($entry, [ref] $null, [ref] $errors) | Out-Null
            if ($errors | Where-Object IncompleteInput) { continue }
            $script:session.Commands.Clear()
            # The entry starts the first line, as typed at the prompt, so that errors print as they do there.
            $null = $script:session.AddScript(". { $entry`n} *>&1 | Out-String -Width 120", $false)
            try {
                foreach ($text in $script:session.Invoke()) { $printed.Append($text) | Out-Null }
            }
            catch {
                $printed.AppendLine("(the entry stopped: $($_.Exception.InnerException.Message ?? $_.Exception.Message))") | Out-Null
            }
            $entry = ''
        }
        $printed.ToString() -replace '\x1b\[[0-9;?]*[A-Za-z]', ''
    }

    # What may differ between the README and this run, replaced by placeholders, and runs of spaces collapsed.
    # Then the lines printed, in any order: a batch's results and errors arrive as each finishes, and a table that
    # an error interrupts is printed again under its header; so each distinct table header counts once, blank
    # lines not at all. Applied to both sides alike.
    function ConvertTo-ComparableOutput([string] $Text) {
        $text = $Text -replace "`r", ''
        $text = $text.Replace($script:tour.FullName, '<tour>')
        $text = $text -replace '\b[0-9a-z]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-u\d+)?\b', '<id>'
        $text = $text -replace '\b(127\.0\.0\.1|localhost):\d+', '$1:<port>'
        # An output URL names its prediction, whole or cut short.
        $text = $text -replace '/cdn/[^\s/\u2026]+', '/cdn/<id>'
        # A cut or wrapped piece of an id: hex digits and at least one digit and one letter a-f.
        $text = $text -replace '(?<![0-9a-z])(?=[0-9a-z-]*[0-9])(?=[0-9a-z-]*[a-f])[0-9a-f][0-9a-z-]{3,}(?![0-9a-z])', '<hex>'
        # Any absolute folder holding the tour's photos or outputs (the README's was a temporary folder too).
        $text = $text -replace '(?<![\w.~<>])(?:[A-Za-z]:)?[\\/](?:[^\s''"\\/:]+[\\/])*(?=(?:photos|out)[\\/])', '<tour>/'
        $lines = foreach ($line in $text -split "`n") {
            $line = $line.TrimEnd() -replace ' {2,}', ' '
            if ($line.Contains('<id>')) { $line = $line -replace ' \d+(?:\.\d+)?$', ' <seconds>' -replace ' \d+(?:\.\d+)? <id>$', ' <seconds> <id>' }
            $line
        }
        $lines = @($lines)
        $headers = [System.Collections.Generic.HashSet[string]]::new()
        $kept = [System.Collections.Generic.List[string]]::new()
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if (-not $lines[$i]) { continue }
            if ($i + 1 -lt $lines.Count -and $lines[$i + 1] -match '^-[- ]*$') {
                if ($headers.Add($lines[$i] + "`n" + $lines[$i + 1])) { $kept.Add($lines[$i]); $kept.Add($lines[$i + 1]) }
                $i++
                continue
            }
            $kept.Add($lines[$i])
        }
        @($kept | Sort-Object -CaseSensitive) -join "`n"
    }

    # A line diff (longest common subsequence): '-' only in the README, '+' only in this run.
    function Get-LineDiff([string[]] $Expected, [string[]] $Actual) {
        $n = $Expected.Count; $m = $Actual.Count
        $common = [int[,]]::new($n + 1, $m + 1)
        for ($i = $n - 1; $i -ge 0; $i--) {
            for ($j = $m - 1; $j -ge 0; $j--) {
                $common[$i, $j] = if ($Expected[$i] -ceq $Actual[$j]) { $common[($i + 1), ($j + 1)] + 1 } else { [Math]::Max($common[($i + 1), $j], $common[$i, ($j + 1)]) }
            }
        }
        $i = 0; $j = 0
        while ($i -lt $n -or $j -lt $m) {
            if ($i -lt $n -and $j -lt $m -and $Expected[$i] -ceq $Actual[$j]) { "  $($Expected[$i])"; $i++; $j++ }
            elseif ($j -lt $m -and ($i -ge $n -or $common[$i, ($j + 1)] -ge $common[($i + 1), $j])) { "+ $($Actual[$j])"; $j++ }
            else { "- $($Expected[$i])"; $i++ }
        }
    }
}

AfterAll {
    if ($script:session) { $script:session.Dispose() }
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $env:FASHN_API_KEY = $script:savedKeyVariable
}

Describe 'The README tour' {
    It 'has steps to follow, most with the output they print' -ForEach @{ Steps = $script:steps } {
        $Steps.Count | Should -BeGreaterOrEqual 5
        @($Steps | Where-Object Expected).Count | Should -BeGreaterOrEqual 4
        # The Gallery, a folder of packages, SecretManagement: each stands for an install, done here by importing the built module.
        @($Steps | Where-Object Kind -EQ 'install').Count | Should -BeGreaterOrEqual 1
    }

    It 'step <Number> (README.md line <Line>): <Title>' -ForEach $script:steps {
        switch ($Kind) {
            'install' {
                $printed = Invoke-InSession "Import-Module $(ConvertTo-PowerShellLiteral (Get-StagedModuleManifest))"
                $printed | Should -BeNullOrEmpty
                Invoke-InSession '(Get-Module FashnBackground).Name' | Should -Match 'FashnBackground'
            }
            'pester-example' {
                $errors = $null
                [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors) | Out-Null
                $errors | Should -BeNullOrEmpty -Because 'the Pester example should be valid PowerShell'
            }
            'run' {
                $printed = Invoke-InSession $Code
                if ($null -eq $Expected) { return }
                $want = ConvertTo-ComparableOutput $Expected
                $got = ConvertTo-ComparableOutput $printed
                if ($got -cne $want) {
                    $diff = (Get-LineDiff ($want -split "`n") ($got -split "`n")) -join "`n"
                    $message = "README.md line $Line shows output that this run does not print.`n" +
                        "Diff of the normalised output ('-' README, '+' this run):`n$diff`n`n" +
                        "What pwsh printed (to paste into the Output block after review):`n$($printed.Trim("`r", "`n"))"
                    throw $message
                }
            }
        }
    }
}
