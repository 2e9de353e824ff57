# The journal shared by two real pwsh processes at once, as two windows running the same batch are: each input is
# paid for once, the other process collects it, and the journal keeps every line whole.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.05', '--credits', '1000'
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
}

Describe 'Two pwsh processes on one journal' {
    It 'running the same 20 files at once pays for each file once; the other process collects it' {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'twice') -Name (1..20 | ForEach-Object { "p$_.png" })
        $journal = Join-Path $TestDrive 'twice.jsonl'
        $createdBefore = (Get-EmulatorStats $script:emulator).predictions.created
        # Both processes run the same batch on the same journal, started together.
        $body = @"
Get-ChildItem $(ConvertTo-PowerShellLiteral $photos.FullName) -Filter *.png |
    Invoke-FashnBackgroundChange -Prompt 'studio' -Wait |
    ForEach-Object { "result `$(`$_.Id) `$(`$_.Collected) `$(Split-Path -Leaf `$_.Source)" }
"@
        $results = Invoke-ChildPwshTogether -Emulator $script:emulator -JournalPath $journal, $journal -Body $body, $body -Folder $TestDrive

        foreach ($result in $results) {
            $result.Exited | Should -BeTrue
            $result.Error | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
        }
        (Get-EmulatorStats $script:emulator).predictions.created - $createdBefore | Should -Be 20 -Because 'each file is paid for once'
        $lines = @($results | ForEach-Object { $_.Output -split "`n" } | Where-Object { $_ -like 'result *' } | ForEach-Object { , ($_.Trim() -split ' ') })
        $lines | Should -HaveCount 40 -Because 'each process writes a result for each file'
        # Both processes name the same prediction for each file, and for each file exactly one of them made it.
        foreach ($group in $lines | Group-Object { $_[3] }) {
            $group.Count | Should -Be 2
            @($group.Group | ForEach-Object { $_[1] } | Select-Object -Unique) | Should -HaveCount 1 -Because "$($group.Name) is one prediction"
            @($group.Group | Where-Object { $_[2] -eq 'False' }) | Should -HaveCount 1 -Because "$($group.Name) is submitted by one process and collected by the other"
        }
        foreach ($line in Get-Content -LiteralPath $journal) { { $line | ConvertFrom-Json } | Should -Not -Throw -Because 'every journal line is whole' }
    }
}
