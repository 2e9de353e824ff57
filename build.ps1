#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the FashnBackground module.

.DESCRIPTION
    Build   dotnet build: compiles and stages the module in out/FashnBackground/<version>/ exactly as the
            PowerShell Gallery installs it (manifest, FashnBackground.dll, format file, dependencies/).
            The help in src/FashnBackground/en-US/ is committed and staged with it: no task but Docs needs PlatyPS.
    Test    dotnet test Fashn.sln: every test, xunit and the Pester files in tests/Pester run in real pwsh 7.6.9
            (the repository's local tool) with Pester from NuGet, both restored by the build.
    Docs    regenerates the committed help from docs/: the cmdlet pages (PlatyPS v2 markdown) into
            src/FashnBackground/en-US/FashnBackground.dll-Help.xml, the about topic into
            src/FashnBackground/en-US/about_FashnBackground.help.txt, then builds so the staged module has them.
            Needs PlatyPS v2 (the module Microsoft.PowerShell.PlatyPS, 1.0 or later) on PSModulePath; it is not
            installed by this script. A test (DocsTests) fails when docs/ and the committed help disagree.
    Package Build, then the .nupkg the Gallery takes, in out/package/, by dotnet pack of
            src/FashnBackground.Package (the staged folder's files at the package root).
    All     Build, Test and Package.

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
# The committed help: src/FashnBackground/FashnBackground.csproj stages this folder as en-US/ of the module.
$helpSource = Join-Path $root 'src/FashnBackground/en-US'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command exited with code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/FashnBackground/FashnBackground.csproj'), '-c', $Configuration, '-nologo')
    if (-not (Test-Path (Join-Path $stage 'FashnBackground.psd1'))) { throw "The build did not stage the module in $stage." }
    Write-Host "Staged the module in $stage" -ForegroundColor Green
}

function Invoke-Test {
    # One command runs every test: xunit, and the Pester files in real pwsh with Pester from NuGet (tests/FashnBackground.PesterTests).
    Invoke-Native dotnet @('test', (Join-Path $root 'Fashn.sln'), '-c', $Configuration, '-nologo')
}

function Import-PlatyPS {
    # PlatyPS v2 is not installed from here: the Gallery is out of reach on many build machines, and the committed help serves them.
    $platyPS = Get-Module -ListAvailable -Name Microsoft.PowerShell.PlatyPS | Where-Object Version -GE ([version]'1.0.0') |
        Sort-Object Version -Descending | Select-Object -First 1
    if (-not $platyPS) {
        throw ('The Docs task needs PlatyPS v2 (the module Microsoft.PowerShell.PlatyPS, 1.0 or later), and it is not on PSModulePath. ' +
            'Nothing was changed: Build, Test and Package ship the help committed in src/FashnBackground/en-US/. ' +
            'To regenerate it from docs/, install PlatyPS v2 (Install-PSResource Microsoft.PowerShell.PlatyPS where the PowerShell Gallery ' +
            'is reachable, or build PowerShell/platyPS from its source and add the folder holding Microsoft.PowerShell.PlatyPS/ to ' +
            '$env:PSModulePath), then run ./build.ps1 -Task Docs again.')
    }
    Import-Module $platyPS -Force
}

function Join-SoftLineBreak {
    # docs/ wraps prose at about 110 columns; Get-Help would keep those breaks and wrap again at the console's width.
    # The lines of a paragraph are joined; list items, table rows and indented lines keep lines of their own.
    param([string] $Text)
    $paragraphs = foreach ($block in (($Text -replace '\r\n', "`n").Trim() -split '\n[ \t]*\n')) {
        $lines = [System.Collections.Generic.List[string]]::new()
        foreach ($line in $block -split '\n') {
            if ($lines.Count -eq 0 -or $line -match '^\s*([-*+]|\d+\.)\s|^\s*\||^ {4}' -or $lines[-1] -match '^\s*\|') { $lines.Add($line.TrimEnd()) }
            else { $lines[$lines.Count - 1] += ' ' + $line.Trim() }
        }
        $lines -join "`n"
    }
    $paragraphs -join "`n`n"
}

function Split-Example {
    # An example as Get-Help shows it: its first PowerShell code block is the code, prose before it the introduction,
    # and everything after it (prose, output, more code) the remarks, one paragraph each, without markdown fences.
    param([string] $Markdown)
    $introduction = [System.Collections.Generic.List[string]]::new()
    $remarks = [System.Collections.Generic.List[string]]::new()
    $code = $null
    foreach ($part in [regex]::Split(($Markdown -replace '\r\n', "`n"), '(?ms)^(```[^\n]*\n.*?^```)[ \t]*$')) {
        $fenced = [regex]::Match($part, '(?s)\A```([^\n]*)\n(.*?)```\z')
        if ($fenced.Success) {
            $blockCode = $fenced.Groups[2].Value.TrimEnd()
            if ($null -eq $code -and $fenced.Groups[1].Value.Trim() -eq 'powershell') { $code = $blockCode }
            elseif ($null -eq $code) { $introduction.Add($blockCode) }
            else { $remarks.Add($blockCode) }
        }
        elseif ($part.Trim()) {
            foreach ($paragraph in (Join-SoftLineBreak $part) -split '\n\n') {
                if ($null -eq $code) { $introduction.Add($paragraph) } else { $remarks.Add($paragraph) }
            }
        }
    }
    [pscustomobject]@{ Introduction = $introduction; Code = [string]$code; Remarks = $remarks }
}

function Complete-MamlHelp {
    # What PlatyPS 1.0.3 leaves out of the MAML that Get-Help reads: each parameter's default value; the example code
    # apart from its remarks (it writes the whole example, fences and all, as the introduction); link targets
    # Get-Help can open (a relative link to another docs/ page becomes a link by name; an Online Version link
    # without an address is dropped, so -Online does not fail on it); prose unwrapped so the console wraps it.
    param([string] $Path, [object[]] $Help, [string] $Destination)
    $xml = [System.Xml.XmlDocument]::new()
    $xml.Load($Path)
    $namespaces = @{
        maml    = 'http://schemas.microsoft.com/maml/2004/10'
        command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
        dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    }
    $ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
    foreach ($prefix in $namespaces.Keys) { $ns.AddNamespace($prefix, $namespaces[$prefix]) }
    function New-Element([string] $Name, [string] $Text) {
        $prefix, $local = $Name -split ':'
        $element = $xml.CreateElement($prefix, $local, $namespaces[$prefix])
        if ($Text) { $element.InnerText = $Text }
        $element
    }
    function Set-Paragraphs([System.Xml.XmlElement] $Parent, [string[]] $Paragraphs) {
        $Parent.RemoveAll()
        foreach ($paragraph in $Paragraphs) { [void]$Parent.AppendChild((New-Element 'maml:para' $paragraph)) }
    }

    foreach ($command in $xml.SelectNodes('//command:command', $ns)) {
        $name = $command.SelectSingleNode('command:details/command:name', $ns).InnerText
        $doc = $Help | Where-Object Title -EQ $name
        foreach ($para in $command.SelectNodes('.//maml:para[not(ancestor::command:examples)]', $ns)) {
            $para.InnerText = Join-SoftLineBreak $para.InnerText
        }
        foreach ($parameter in $command.SelectNodes('command:parameters/command:parameter', $ns)) {
            $parameterName = $parameter.SelectSingleNode('maml:name', $ns).InnerText
            $documented = $doc.Parameters | Where-Object Name -EQ $parameterName
            [void]$parameter.AppendChild((New-Element 'dev:defaultValue' $documented.DefaultValue))
        }
        $examples = @($command.SelectNodes('command:examples/command:example', $ns))
        for ($i = 0; $i -lt $examples.Count; $i++) {
            $example = Split-Example $doc.Examples[$i].Remarks
            Set-Paragraphs $examples[$i].SelectSingleNode('maml:introduction', $ns) $example.Introduction
            $examples[$i].SelectSingleNode('dev:code', $ns).InnerText = $example.Code
            # An empty last paragraph, so that a blank line separates this example from the next.
            Set-Paragraphs $examples[$i].SelectSingleNode('dev:remarks', $ns) (@($example.Remarks) + '')
        }
        foreach ($link in @($command.SelectNodes('command:relatedLinks/maml:navigationLink', $ns))) {
            $uri = $link.SelectSingleNode('maml:uri', $ns)
            if ($uri.InnerText -notmatch '^https?://') { $uri.InnerText = '' }
            if ($link.SelectSingleNode('maml:linkText', $ns).InnerText -eq 'Online Version' -and -not $uri.InnerText) {
                [void]$link.ParentNode.RemoveChild($link)
            }
        }
    }
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false); NewLineChars = "`n" }
    $writer = [System.Xml.XmlWriter]::Create($Destination, $settings)
    try { $xml.Save($writer) } finally { $writer.Dispose() }
}

function ConvertTo-AboutHelpText {
    # about_*.help.txt is plain text: the markdown without its front matter and fences, headings in capitals as in
    # PowerShell's own topics, code indented under the prose. PlatyPS v2 reads about topics but writes no text form.
    param([string] $Markdown)
    $body = $Markdown -replace '(?s)\A---\r?\n.*?\r?\n---\r?\n', ''
    $inCode = $false
    $lines = foreach ($line in $body -split '\r?\n') {
        if ($line -match '^```') { $inCode = -not $inCode }
        elseif ($inCode) { if ($line.Trim()) { '        ' + $line.TrimEnd() } else { '' } }
        elseif ($line -match '^#\s+(.+)$') { $Matches[1].ToUpperInvariant() }
        elseif ($line -match '^#{2,}\s+(.+)$') { ''; $Matches[1].ToUpperInvariant() }
        elseif ($line.Trim()) { '    ' + $line.TrimEnd() }
        else { '' }
    }
    (($lines -join "`n") -replace '\n{3,}', "`n`n").Trim() + "`n"
}

function Invoke-Docs {
    Import-PlatyPS
    $cmdletDocs = Get-ChildItem (Join-Path $root 'docs') -Filter *.md |
        Where-Object { (Get-Content $_.FullName -TotalCount 3) -contains 'document type: cmdlet' }
    $help = @($cmdletDocs | ForEach-Object { Import-MarkdownCommandHelp -Path $_.FullName })
    $problems = foreach ($page in $help) {
        $page.Diagnostics.Messages | Where-Object { "$($_.Severity)" -ne 'Information' } |
            ForEach-Object { "$($page.Diagnostics.FileName) line $($_.Line): $($_.Severity) $($_.Source): $($_.Identifier) $($_.Message)" }
    }
    if ($problems) { throw "PlatyPS found problems in docs/:`n$($problems -join "`n")" }
    New-Item -ItemType Directory -Force -Path $helpSource | Out-Null
    # Export-MamlCommandHelp writes <OutputFolder>/<Module Name>/<external help file>.
    $mamlRoot = Join-Path ([System.IO.Path]::GetTempPath()) ("fashn-maml-" + [guid]::NewGuid().ToString('N'))
    try {
        $help | Export-MamlCommandHelp -OutputFolder $mamlRoot -Force | Out-Null
        $maml = Get-ChildItem $mamlRoot -Recurse -Filter 'FashnBackground.dll-Help.xml' | Select-Object -First 1
        if (-not $maml) { throw 'PlatyPS did not write FashnBackground.dll-Help.xml.' }
        Complete-MamlHelp -Path $maml.FullName -Help $help -Destination (Join-Path $helpSource 'FashnBackground.dll-Help.xml')
    }
    finally {
        Remove-Item $mamlRoot -Recurse -Force -ErrorAction SilentlyContinue
    }
    $about = Get-Content -Raw (Join-Path $root 'docs/about_FashnBackground.md')
    [System.IO.File]::WriteAllText((Join-Path $helpSource 'about_FashnBackground.help.txt'), (ConvertTo-AboutHelpText $about))
    Write-Host "Wrote the help to $helpSource (commit it with docs/)" -ForegroundColor Green
    # The build stages en-US/ with the module.
    Invoke-Build
}

function Invoke-Package {
    Invoke-Build
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
