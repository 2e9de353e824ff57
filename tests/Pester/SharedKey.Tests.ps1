# One API key used by two real pwsh processes of one user at once (two scripts, a CI matrix, two windows): they share
# the key's six places and its rate windows through the key's folder in the user's profile, so together they never
# run more than the service allows: no answer 429, and each input is sent once.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # 0.6 s predictions; the windows scale too (50 status requests per 0.5 s, 50 runs per 3 s), so both are tight.
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.05', '--credits', '1000', '--processing-jitter', '0.15', '--timing-seed', '16'
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
}

Describe 'Two pwsh processes on one key' {
    It 'run 12 photos each at once with no answer 429, each photo sent once, at most 6 running' {
        # Each process runs its own photos with its own journal; they start together.
        $bodies = foreach ($name in 'one', 'two') {
            $photos = New-TestPhotoSet -Path (Join-Path $TestDrive $name) -Name (1..12 | ForEach-Object { "$name-$_.png" })
            @"
Get-ChildItem $(ConvertTo-PowerShellLiteral $photos.FullName) -Filter *.png |
    Invoke-FashnBackgroundChange -Prompt 'studio' -Wait |
    ForEach-Object { "result `$(`$_.Status) `$(`$_.Id) `$(Split-Path -Leaf `$_.Source)" }
"@
        }
        $journals = (Join-Path $TestDrive 'one.jsonl'), (Join-Path $TestDrive 'two.jsonl')
        $results = Invoke-ChildPwshTogether -Emulator $script:emulator -JournalPath $journals -Body $bodies -Folder $TestDrive

        foreach ($result in $results) {
            $result.Exited | Should -BeTrue
            $result.Error | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
        }
        $lines = @($results | ForEach-Object { $_.Output -split "`n" } | Where-Object { $_ -like 'result *' } | ForEach-Object { , ($_.Trim() -split ' ') })
        $lines | Should -HaveCount 24 -Because 'each process writes a result for each of its photos'
        @($lines | Where-Object { $_[1] -ne 'completed' }) | Should -HaveCount 0 -Because 'every photo completed'
        @($lines | ForEach-Object { $_[2] } | Select-Object -Unique) | Should -HaveCount 24 -Because 'each photo is its own prediction'

        $stats = Get-EmulatorStats $script:emulator
        $stats.predictions.created | Should -Be 24 -Because 'each photo is sent once'
        @($stats.inputs | Where-Object { $_.predictions -ne 1 }) | Should -HaveCount 0 -Because 'no photo was paid for twice'
        $refused = @($stats.requests | Where-Object { $_.status -eq 429 })
        ($refused | ForEach-Object { "$($_.method) $($_.path): $($_.count)" }) -join ', ' | Should -BeNullOrEmpty -Because 'the two processes share the six places and the windows'
        $stats.predictions.peakProcessing | Should -BeLessOrEqual 6
        $stats.predictions.peakProcessing | Should -BeGreaterThan 3 -Because 'the two batches ran side by side, not one after the other'
    }
}
