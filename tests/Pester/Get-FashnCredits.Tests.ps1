# Get-FashnCredits as a pwsh user drives it: the balance, what a prediction spends, how it prints, and the errors
# for a missing key, a wrong key and an API address that would send the key in the clear.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.02', '--credits', '500', '--subscription-credits', '40'
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

Describe 'Get-FashnCredits' {
    It 'reads the balance: subscription and on-demand credits and their total' {
        $credits = Get-FashnCredits

        $credits.PSObject.TypeNames[0] | Should -Be 'FashnBackground.FashnCredits'
        $credits.Total | Should -Be 500
        $credits.Subscription | Should -Be 40
        $credits.OnDemand | Should -Be 460
    }

    It 'shows one credit spent per completed image, subscription credits first' {
        $before = Get-FashnCredits
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'spend') -Name 'one.png', 'two.png'
        Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait | Out-Null

        $after = Get-FashnCredits

        $after.Total | Should -Be ($before.Total - 2)
        $after.Subscription | Should -Be ($before.Subscription - 2)
        $after.OnDemand | Should -Be $before.OnDemand
    }

    It 'prints as a table of Total, Subscription and OnDemand' {
        $credits = Get-FashnCredits

        $lines = @(($credits | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines | Should -HaveCount 3
        $lines[0] | Should -Match '^\s*Total\s+Subscription\s+OnDemand$'
        $lines[1] | Should -Match '^\s*-----\s+------------\s+--------$'
        $lines[2] | Should -Match "^\s*$($credits.Total)\s+$($credits.Subscription)\s+$($credits.OnDemand)$"
    }

    It 'with -Verbose shows the request, and not the key' {
        $verbose = @(Get-FashnCredits -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

        $verbose | Should -HaveCount 1
        $verbose[0] | Should -Match '^GET /v1/credits -> 200\b'
        $verbose[0] | Should -Not -Match ([regex]::Escape($script:emulator.ApiKey))
    }

    It 'without a key stops with MissingApiKey, saying how to set one' {
        $savedDefault = $PSDefaultParameterValues['*-Fashn*:ApiKey']
        $savedVariable = $env:FASHN_API_KEY
        $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
        $env:FASHN_API_KEY = $null
        try {
            $thrown = { Get-FashnCredits } | Should -Throw -PassThru
        }
        finally {
            $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $savedDefault
            $env:FASHN_API_KEY = $savedVariable
        }

        $thrown.FullyQualifiedErrorId | Should -Be 'Fashn.MissingApiKey,FashnBackground.Commands.GetFashnCreditsCommand'
        $thrown.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $thrown.Exception.Message | Should -BeLike '*Pass -ApiKey, or set the environment variable: $env:FASHN_API_KEY = *'
    }

    It 'takes the key from $env:FASHN_API_KEY and the API from $env:FASHN_BASE_URL' {
        $savedDefaults = @{} + $PSDefaultParameterValues
        $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
        $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
        $env:FASHN_API_KEY = $script:emulator.ApiKey
        $env:FASHN_BASE_URL = $script:emulator.BaseUri
        try {
            $credits = Get-FashnCredits
        }
        finally {
            $env:FASHN_API_KEY = $null
            $env:FASHN_BASE_URL = $null
            $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $savedDefaults['*-Fashn*:ApiKey']
            $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $savedDefaults['*-Fashn*:BaseUri']
        }

        $credits.Total | Should -BeGreaterThan 0
    }

    It 'a wrong key stops with UnauthorizedAccess, and the key is in no text' {
        $wrongKey = 'fa-wrong-key-123-never-shown'

        $seen = [System.Collections.Generic.List[string]]::new()
        $thrown = $null
        try { Get-FashnCredits -ApiKey $wrongKey -Verbose 4>&1 | ForEach-Object { $seen.Add("$_") } } catch { $thrown = $_ }

        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Be 'Fashn.UnauthorizedAccess,FashnBackground.Commands.GetFashnCreditsCommand'
        $thrown.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $thrown.Exception.Message | Should -BeLike '*HTTP 401*'
        $seen | Should -Not -BeNullOrEmpty -Because 'the refused request is shown in verbose'
        ($thrown | Out-String -Width 200) + $thrown.Exception.ToString() + ($seen -join "`n") | Should -Not -Match ([regex]::Escape($wrongKey))
    }

    It 'refuses plain http to a host that is not loopback before sending the key' {
        $thrown = { Get-FashnCredits -BaseUri 'http://api.example.com' -ApiKey 'fa-not-sent-over-http' } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'Fashn.InvalidArgument,*'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.Exception.Message | Should -Match 'https'
        $thrown.ToString() | Should -Not -Match 'fa-not-sent-over-http'
    }
}
