#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Get-Help as a pwsh user reads it, from the help the staged module ships in en-US/ (generated from docs/ and committed;
# CommittedHelpTests checks it says what docs/ says): a synopsis and a description for every cmdlet, every parameter's
# default value, examples without markdown fences, no dead online link, and the about topic.

BeforeDiscovery {
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifest = Get-ChildItem (Join-Path $repositoryRoot 'out/FashnBackground') -Recurse -Filter FashnBackground.psd1 | Select-Object -First 1
    if (-not $manifest) { throw 'The module is not staged: run ./build.ps1 first.' }
    Import-Module $manifest.FullName -Force
    $cmdlets = @(Get-Command -Module FashnBackground | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifest = Get-ChildItem (Join-Path $repositoryRoot 'out/FashnBackground') -Recurse -Filter FashnBackground.psd1 | Select-Object -First 1
    Import-Module $manifest.FullName -Force
    $script:moduleFolder = Split-Path $manifest.FullName
}

Describe 'The help files of the staged module' {
    It 'has <_> in en-US' -ForEach 'FashnBackground.dll-Help.xml', 'about_FashnBackground.help.txt' {
        Join-Path $script:moduleFolder "en-US/$_" | Should -Exist
    }
}

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    BeforeAll {
        $script:help = Get-Help $Name -Full
    }

    It 'has a synopsis of its own, not the syntax PowerShell shows for a cmdlet without help' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        $script:help.Synopsis | Should -Not -BeLike "$Name *"
    }

    It 'has a description' {
        ($script:help.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'shows a description and a default value for every parameter' {
        $parameters = @(Get-Help $Name -Parameter *)
        # WhatIf and Confirm are documented like the cmdlet's own parameters; the common parameters are not.
        $expected = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }
        $parameters.name | Sort-Object | Should -Be ($expected | Sort-Object)
        foreach ($parameter in $parameters) {
            ($parameter.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) needs a description"
            "$($parameter.defaultValue)".Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) needs a default value"
        }
        # What the console shows: no "Default value" line left empty.
        Get-Help $Name -Parameter * | Out-String -Width 200 | Should -Not -Match '(?m)^\s*Default value\s*$'
    }

    It 'has at least three examples, each with code, and none shows a markdown fence' {
        $examples = @($script:help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty -Because $example.title }
        $shown = Get-Help $Name -Examples | Out-String -Width 200
        $shown | Should -Not -Match '```'
        $shown | Should -Match ([regex]::Escape(@($examples)[0].code.Split("`n")[0].Trim()))
    }

    It 'links only to other help topics by name or to web pages' {
        foreach ($link in @($script:help.relatedLinks.navigationLink)) {
            $link.linkText | Should -Not -BeNullOrEmpty
            $link.linkText | Should -Not -Be 'Online Version' -Because 'the docs give no online address, so there must be no empty Online Version link'
            if ($link.uri) { $link.uri | Should -Match '^https://' -Because "$($link.linkText) must be a web address Get-Help -Online can open" }
        }
    }
}

Describe 'Get-Help -Online' -Skip:(-not $IsLinux) {
    BeforeAll {
        # A stand-in for the browser: .NET opens a URI on Linux with the first xdg-open on PATH; this one writes it down.
        $script:opener = Join-Path ([System.IO.Path]::GetTempPath()) ("fashn-opener-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $script:opener | Out-Null
        $script:opened = Join-Path $script:opener 'opened.txt'
        Set-Content -Path (Join-Path $script:opener 'xdg-open') -Value "#!/bin/sh`nprintf '%s\n' `"`$1`" >> '$script:opened'`n"
        chmod +x (Join-Path $script:opener 'xdg-open')
        $script:path = $env:PATH
        $env:PATH = $script:opener + [System.IO.Path]::PathSeparator + $env:PATH
    }

    AfterAll {
        $env:PATH = $script:path
        Remove-Item $script:opener -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'for <Name> opens a web page of its related links, or says plainly that there is none' -ForEach $cmdlets {
        Remove-Item $script:opened -ErrorAction SilentlyContinue
        $webLinks = @((Get-Help $Name).relatedLinks.navigationLink | Where-Object uri | ForEach-Object uri)
        if ($webLinks) {
            Get-Help $Name -Online
            # The opener runs as a child process: wait for what it wrote.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path $script:opened) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-Content $script:opened | Should -Be $webLinks[0]
        }
        else {
            $thrown = { Get-Help $Name -Online -ErrorAction Stop } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -Be 'InvalidOperation,Microsoft.PowerShell.Commands.GetHelpCommand'
            $thrown.Exception.Message | Should -BeLike '*URI*not specified*'
            Test-Path $script:opened | Should -BeFalse
        }
    }
}

Describe 'Get-Help about_FashnBackground' {
    It 'finds the about topic with its short description and the four cmdlets' {
        $topic = Get-Help about_FashnBackground | Out-String
        $topic | Should -Match 'SHORT DESCRIPTION'
        $topic | Should -Match 'FASHN'
        foreach ($name in 'Invoke-FashnBackgroundChange', 'Get-FashnPrediction', 'Save-FashnOutput', 'Get-FashnCredits') {
            $topic | Should -Match $name
        }
        $topic | Should -Not -Match '```'
    }
}
