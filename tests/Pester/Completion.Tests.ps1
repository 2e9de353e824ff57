# Tab completion as the console and editors ask for it, through TabExpansion2: command and parameter names,
# -OutputFormat, -ModelName, -Resolution and -GenerationMode values, -Id with this session's predictions, and file names for -Path.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    # What Tab offers at the end of the line.
    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Tab completion' {
    It 'completes the command names' {
        (Get-Completion 'Invoke-FashnBack').CompletionText | Should -Be 'Invoke-FashnBackgroundChange'
        (Get-Completion 'Get-Fashn').CompletionText | Sort-Object | Should -Be @('Get-FashnCredits', 'Get-FashnPrediction')
        (Get-Completion 'Save-Fashn').CompletionText | Should -Be 'Save-FashnOutput'
    }

    It 'completes parameter names: <Line>' -ForEach @(
        @{ Line = 'Invoke-FashnBackgroundChange -Prom'; Expected = @('-Prompt') }
        @{ Line = 'Invoke-FashnBackgroundChange -Lit'; Expected = @('-LiteralPath') }
        @{ Line = 'Invoke-FashnBackgroundChange -Thr'; Expected = @('-ThrottleLimit') }
        @{ Line = 'Invoke-FashnBackgroundChange -Jou'; Expected = @('-JournalPath') }
        @{ Line = 'Get-FashnPrediction -Ti'; Expected = @('-TimeoutSec') }
        @{ Line = 'Save-FashnOutput -Des'; Expected = @('-Destination') }
        @{ Line = 'Save-FashnOutput -Fo'; Expected = @('-Force') }
        @{ Line = 'Get-FashnCredits -Maxi'; Expected = @('-MaximumRetryCount') }
    ) {
        $completions = Get-Completion $Line

        $completions.CompletionText | Should -Be $Expected
        $completions[0].ResultType | Should -Be 'ParameterName'
    }

    It 'offers every parameter of Invoke-FashnBackgroundChange after a dash' {
        $offered = (Get-Completion 'Invoke-FashnBackgroundChange -').CompletionText

        foreach ($name in 'Path', 'LiteralPath', 'Uri', 'Prompt', 'Seed', 'OutputFormat', 'ReturnBase64', 'WebhookUrl', 'ModelName',
            'ImageContext', 'Resolution', 'GenerationMode', 'NumImages', 'Wait', 'TimeoutSec', 'ThrottleLimit', 'NoResize', 'JournalPath', 'NoJournal', 'ApiKey', 'BaseUri',
            'MaximumRetryCount', 'RetryIntervalSec', 'RequestTimeoutSec') {
            $offered | Should -Contain "-$name"
        }
    }

    It 'offers png and jpeg for -OutputFormat, and completes a prefix' {
        (Get-Completion 'Invoke-FashnBackgroundChange -Prompt studio -OutputFormat ').CompletionText | Sort-Object | Should -Be @('jpeg', 'png')
        (Get-Completion 'Invoke-FashnBackgroundChange -Prompt studio -OutputFormat j').CompletionText | Should -Be 'jpeg'
    }

    It 'offers the models for -ModelName, and completes a prefix' {
        (Get-Completion 'Invoke-FashnBackgroundChange -ModelName ').CompletionText | Sort-Object | Should -Be @('background-change', 'edit')
        (Get-Completion 'Invoke-FashnBackgroundChange -ModelName ba').CompletionText | Should -Be 'background-change'
    }

    It 'offers edit''s values for -Resolution and -GenerationMode, and completes a prefix' {
        (Get-Completion 'Invoke-FashnBackgroundChange -ModelName edit -Resolution ').CompletionText | Sort-Object | Should -Be @('1k', '2k', '4k')
        (Get-Completion 'Invoke-FashnBackgroundChange -ModelName edit -GenerationMode ').CompletionText | Sort-Object | Should -Be @('balanced', 'fast', 'quality')
        (Get-Completion 'Invoke-FashnBackgroundChange -ModelName edit -GenerationMode q').CompletionText | Should -Be 'quality'
    }

    It 'offers the ids of this session''s predictions for -Id, with their status and source as tooltip' {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'tab') -Name 'tab1.png', 'tab2.png'
        $seen = Get-ChildItem $photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'office' -Wait

        $offered = Get-Completion 'Get-FashnPrediction -Id '

        foreach ($prediction in $seen) {
            $offered.CompletionText | Should -Contain $prediction.Id
            $match = $offered | Where-Object CompletionText -EQ $prediction.Id
            $match.ResultType | Should -Be 'ParameterValue'
            $match.ToolTip | Should -Be "completed $($prediction.Source)"
        }
        $one = $seen[0].Id
        (Get-Completion "Get-FashnPrediction -Id $($one.Substring(0, 12))").CompletionText | Should -Be $one
    }

    It 'offers file names for -Path, -LiteralPath and -ImageContext' {
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'files') -Name 'sneaker.png', 'sandal.png'
        Push-Location $photos
        try {
            $forPath = (Get-Completion 'Invoke-FashnBackgroundChange -Path ./sn').CompletionText
            $forLiteralPath = (Get-Completion 'Invoke-FashnBackgroundChange -LiteralPath ./sa').CompletionText
            $forImageContext = (Get-Completion 'Invoke-FashnBackgroundChange -ModelName edit -ImageContext ./sn').CompletionText
        }
        finally {
            Pop-Location
        }

        $forPath | Should -Be './sneaker.png'
        $forLiteralPath | Should -Be './sandal.png'
        $forImageContext | Should -Be './sneaker.png'
    }
}
