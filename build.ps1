#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the FashnBackground module.

.DESCRIPTION
    Build   dotnet build: compiles and stages the module in out/FashnBackground/<version>/ exactly as the
            PowerShell Gallery installs it (manifest, FashnBackground.dll, format file, dependencies/).
    Test    dotnet test Fashn.sln (xunit, the engine hosted in-process), then Docs, then Invoke-Pester
            tests/Pester (installs Pester 5 for the current user if missing).
    Docs    turns docs/*.md (PlatyPS v2 markdown) into MAML help in out/FashnBackground/<version>/en-US/
            (FashnBackground.dll-Help.xml) and the about topic into en-US/about_FashnBackground.help.txt,
            with Microsoft.PowerShell.PlatyPS (installed for the current user if missing).
    Package Build, Docs, then the .nupkg the Gallery takes, in out/package/, by dotnet pack of
            src/FashnBackground.Package (the staged folder's files at the package root).
    All     Build, Test, Docs and Package.

    The version comes from one place: VersionPrefix in Directory.Build.props.

.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'All')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$version = ([xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.VersionPrefix |
    Where-Object { $_ } | Select-Object -First 1
$stage = Join-Path $root "out/FashnBackground/$version"

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command exited with code $LASTEXITCODE." }
}

function Install-ModuleIfMissing {
    param([string] $Name, [version] $MinimumVersion)
    $available = Get-Module -ListAvailable -Name $Name | Where-Object Version -GE $MinimumVersion
    if (-not $available) {
        Write-Host "Installing $Name $MinimumVersion or later for the current user" -ForegroundColor Cyan
        if (Get-Command Install-PSResource -ErrorAction SilentlyContinue) {
            Install-PSResource -Name $Name -Version "[$MinimumVersion,)" -Scope CurrentUser -TrustRepository -Prerelease:($Name -eq 'Microsoft.PowerShell.PlatyPS')
        }
        else {
            Install-Module -Name $Name -MinimumVersion $MinimumVersion -Scope CurrentUser -Force -AllowPrerelease:($Name -eq 'Microsoft.PowerShell.PlatyPS')
        }
    }
    Import-Module -Name $Name -MinimumVersion $MinimumVersion -Force
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/FashnBackground/FashnBackground.csproj'), '-c', $Configuration, '-nologo')
    if (-not (Test-Path (Join-Path $stage 'FashnBackground.psd1'))) { throw "The build did not stage the module in $stage." }
    Write-Host "Staged the module in $stage" -ForegroundColor Green
}

function Invoke-Test {
    Invoke-Native dotnet @('test', (Join-Path $root 'Fashn.sln'), '-c', $Configuration, '-nologo')
    # dotnet test stages the module again (without help); the Pester tests check Get-Help, so build the help now.
    Invoke-Docs
    Install-ModuleIfMissing -Name Pester -MinimumVersion 5.5.0
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = Join-Path $root 'tests/Pester'
    $configuration.Run.Exit = $false
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Detailed'
    $result = Invoke-Pester -Configuration $configuration
    if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
}

function ConvertTo-AboutHelpText {
    # about_*.help.txt is plain text: the markdown without its front matter, headings in capitals as in PowerShell's own topics.
    param([string] $Markdown)
    $body = $Markdown -replace '(?s)\A---\r?\n.*?\r?\n---\r?\n', ''
    $lines = foreach ($line in $body -split '\r?\n') {
        if ($line -match '^#\s+(.+)$') { $Matches[1].ToUpperInvariant() }
        elseif ($line -match '^#{2,}\s+(.+)$') { ''; $Matches[1].ToUpperInvariant() }
        elseif ($line -match '^```') { }
        else { '    ' + $line }
    }
    ($lines -join [Environment]::NewLine).Trim() + [Environment]::NewLine
}

function Invoke-Docs {
    if (-not (Test-Path (Join-Path $stage 'FashnBackground.psd1'))) { Invoke-Build }
    Install-ModuleIfMissing -Name Microsoft.PowerShell.PlatyPS -MinimumVersion 1.0.0
    $helpFolder = Join-Path $stage 'en-US'
    New-Item -ItemType Directory -Force -Path $helpFolder | Out-Null
    $cmdletDocs = Get-ChildItem (Join-Path $root 'docs') -Filter *.md |
        Where-Object { (Get-Content $_.FullName -TotalCount 3) -contains 'document type: cmdlet' }
    $help = $cmdletDocs | ForEach-Object { Import-MarkdownCommandHelp -Path $_.FullName }
    # Export-MamlCommandHelp writes <OutputFolder>/<Module Name>/<external help file>.
    $mamlRoot = Join-Path ([System.IO.Path]::GetTempPath()) ("fashn-maml-" + [guid]::NewGuid().ToString('N'))
    try {
        $help | Export-MamlCommandHelp -OutputFolder $mamlRoot -Force | Out-Null
        $maml = Get-ChildItem $mamlRoot -Recurse -Filter 'FashnBackground.dll-Help.xml' | Select-Object -First 1
        if (-not $maml) { throw 'PlatyPS did not write FashnBackground.dll-Help.xml.' }
        Copy-Item $maml.FullName (Join-Path $helpFolder 'FashnBackground.dll-Help.xml') -Force
    }
    finally {
        Remove-Item $mamlRoot -Recurse -Force -ErrorAction SilentlyContinue
    }
    $about = Get-Content -Raw (Join-Path $root 'docs/about_FashnBackground.md')
    Set-Content -Path (Join-Path $helpFolder 'about_FashnBackground.help.txt') -Value (ConvertTo-AboutHelpText $about) -Encoding utf8NoBOM
    Write-Host "Wrote help to $helpFolder" -ForegroundColor Green
}

function Invoke-Package {
    Invoke-Build
    Invoke-Docs
    $manifest = Test-ModuleManifest -Path (Join-Path $stage 'FashnBackground.psd1')
    if ($manifest.Version -ne [version]$version) { throw "The manifest says $($manifest.Version), Directory.Build.props $version." }
    $packageFolder = Join-Path $root 'out/package'
    Invoke-Native dotnet @('pack', (Join-Path $root 'src/FashnBackground.Package/FashnBackground.Package.csproj'), '-c', $Configuration, '-o', $packageFolder, '-nologo')
    Write-Host "Package: $(Join-Path $packageFolder "FashnBackground.$version.nupkg")" -ForegroundColor Green
    Write-Host "Publish with: Publish-PSResource -Path '$stage' -Repository PSGallery -ApiKey (Get-Secret PSGalleryApiKey -AsPlainText)"
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Build; Invoke-Test }
    'Docs' { Invoke-Docs }
    'Package' { Invoke-Package }
    'All' { Invoke-Build; Invoke-Test; Invoke-Package }
}
