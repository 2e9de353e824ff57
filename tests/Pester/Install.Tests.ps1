# Installed the way users install it: the package 'dotnet pack src/FashnBackground.Package' makes, in a folder
# registered as a PSResourceGet repository, installed with Install-PSResource into a profile (HOME) of its own,
# then imported by name in a new pwsh, run against the local emulator, asked for help, and uninstalled.
# Run by 'dotnet test' (tests/FashnBackground.PesterTests).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:root = Get-RepositoryRoot
    $script:version = ([xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.VersionPrefix |
        Where-Object { $_ } | Select-Object -First 1

    function Invoke-Child {
        # Runs a process to its end with its output captured; Environment: names to set ($null removes one).
        param([string] $FilePath, [string[]] $ArgumentList, [hashtable] $Environment = @{}, [string] $WorkingDirectory = $TestDrive,
            [int] $TimeoutMinutes = 5)
        $start = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
        foreach ($argument in $ArgumentList) { $start.ArgumentList.Add($argument) }
        foreach ($key in $Environment.Keys) {
            if ($null -eq $Environment[$key]) { [void]$start.Environment.Remove($key) } else { $start.Environment[$key] = $Environment[$key] }
        }
        $start.WorkingDirectory = $WorkingDirectory
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.RedirectStandardInput = $true
        $process = [System.Diagnostics.Process]::Start($start)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutMinutes * 60000)) {
            $process.Kill($true)
            $process.WaitForExit()
            throw "$FilePath $($ArgumentList -join ' ') did not finish within $TimeoutMinutes minutes:`n$($stdout.Result)`n$($stderr.Result)"
        }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result }
    }

    # A user's own profile, empty: PSResourceGet keeps its repository list and pwsh its user module path there.
    $script:userHome = Join-Path $TestDrive 'home'
    $script:dataHome = Join-Path $userHome '.local/share'
    # The folders exist as in a real profile: PSResourceGet writes its repository list relative to the current
    # directory when the data folder is missing.
    New-Item -ItemType Directory -Force -Path $dataHome, (Join-Path $userHome '.config'), (Join-Path $userHome '.cache'),
        (Join-Path $TestDrive 'user-tmp') | Out-Null
    $script:userEnvironment = @{
        HOME                       = $userHome
        XDG_DATA_HOME              = $dataHome
        XDG_CONFIG_HOME            = Join-Path $userHome '.config'
        XDG_CACHE_HOME             = Join-Path $userHome '.cache'
        TMPDIR                     = Join-Path $TestDrive 'user-tmp'
        # pwsh builds its module path afresh from HOME, as in a new terminal.
        PSModulePath               = $null
        POWERSHELL_TELEMETRY_OPTOUT = '1'
        FASHN_API_KEY              = $null
        FASHN_BASE_URL             = $null
    }

    function Invoke-UserPwsh {
        # A new pwsh (like this one) in the user's profile, running a script file with arguments.
        param([string] $Name, [string] $Code, [string[]] $ArgumentList = @(), [hashtable] $Environment = @{})
        $path = Join-Path $TestDrive "$Name.ps1"
        Set-Content -LiteralPath $path -Value $Code -Encoding utf8
        $pwsh = Get-PwshCommand
        $childEnvironment = $script:userEnvironment.Clone()
        foreach ($key in $Environment.Keys) { $childEnvironment[$key] = $Environment[$key] }
        Invoke-Child -FilePath $pwsh.FilePath -ArgumentList (@($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $path) + $ArgumentList) `
            -Environment $childEnvironment
    }

    function Get-NormalizedText([string] $Text) { ($Text -replace '\s+', ' ').Trim() }

    # The package, as a user makes it on a fresh clone: dotnet pack of the package project in a copy of the sources
    # (the root files, src/ and docs/) without any build output, which also keeps this build away from the bin/, obj/
    # and out/ that other tests are using.
    # No build server is left running, and the build's temp files stay here.
    $script:sources = Join-Path $TestDrive 'clone'
    New-Item -ItemType Directory -Path $sources | Out-Null
    Get-ChildItem -LiteralPath $root -File -Force | Copy-Item -Destination $sources
    foreach ($file in Get-ChildItem -LiteralPath (Join-Path $root 'src'), (Join-Path $root 'docs') -Recurse -File -Force) {
        $relative = [IO.Path]::GetRelativePath($root, $file.FullName)
        if ($relative -split '[\\/]' | Where-Object { $_ -in 'bin', 'obj' }) { continue }
        $target = Join-Path $sources $relative
        New-Item -ItemType Directory -Force -Path (Split-Path $target) | Out-Null
        Copy-Item -LiteralPath $file.FullName -Destination $target
    }
    $script:packageFolder = Join-Path $TestDrive 'package'
    New-Item -ItemType Directory -Path (Join-Path $TestDrive 'build-tmp') | Out-Null
    $script:pack = Invoke-Child -FilePath 'dotnet' -TimeoutMinutes 10 -WorkingDirectory $sources -ArgumentList @(
        'pack', 'src/FashnBackground.Package', '-o', $packageFolder, '-nologo', '-v', 'q', '-nodeReuse:false', '-p:UseSharedCompilation=false') -Environment @{
        TMPDIR                              = Join-Path $TestDrive 'build-tmp'
        MSBuildExtensionsPath               = $null
        MSBUILD_EXE_PATH                    = $null
        MSBuildSDKsPath                     = $null
        MSBuildLoadMicrosoftTargetsReadOnly = $null
    }

    $script:emulator = Start-TestEmulator
    $script:photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'photos')
    $variant = Get-Random -Maximum 1000
    1..2 | ForEach-Object { New-TestPhoto -Path (Join-Path $photos "photo$_.png") -Variant ($variant + $_) } | Out-Null
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
}

# The profile is moved with HOME and the XDG folders: where pwsh and PSResourceGet look on Linux and macOS. On Windows
# they look in the user's Documents and LocalAppData, which no variable moves, so an install there would change the
# real profile: the test is left out on Windows rather than touch it.
Describe 'Install-PSResource FashnBackground from a folder of packages' -Skip:$IsWindows {
    It 'dotnet pack src/FashnBackground.Package -o (a folder) on a fresh clone makes FashnBackground.(version).nupkg' {
        $pack.ExitCode | Should -Be 0 -Because $pack.Output
        Get-ChildItem $packageFolder -Filter *.nupkg | ForEach-Object Name | Should -Be "FashnBackground.$version.nupkg"
    }

    It 'installs into the module path of the user profile, exactly the staged module' {
        $install = Invoke-UserPwsh -Name install -ArgumentList $packageFolder -Code @'
param($PackageFolder)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name FashnLocal -Uri $PackageFolder -Trusted
Install-PSResource FashnBackground -Repository FashnLocal
'@
        $install.ExitCode | Should -Be 0 -Because $install.Output

        $installed = Join-Path $dataHome "powershell/Modules/FashnBackground/$version"
        Join-Path $installed 'FashnBackground.psd1' | Should -Exist
        $staged = Join-Path $sources "out/FashnBackground/$version"
        $relative = { param($folder) Get-ChildItem $folder -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($folder, $_.FullName) -replace '\\', '/' } | Sort-Object }
        # PSResourceGet adds its own record of the installation; everything else is the module as staged.
        (& $relative $installed | Where-Object { $_ -ne 'PSGetModuleInfo.xml' }) | Should -Be (& $relative $staged)
    }

    Context 'in a new pwsh with that profile' {
        BeforeAll {
            $script:destination = Join-Path $TestDrive 'out'
            $script:resultPath = Join-Path $TestDrive 'session.json'
            $script:session = Invoke-UserPwsh -Name session -ArgumentList $photos.FullName, $destination, $resultPath -Environment @{
                FASHN_API_KEY  = $emulator.ApiKey
                FASHN_BASE_URL = $emulator.BaseUri
            } -Code @'
param($Photos, $Destination, $ResultPath)
$ErrorActionPreference = 'Stop'
$result = [ordered]@{}
$installed = Get-InstalledPSResource FashnBackground
$result.InstalledName = $installed.Name
$result.InstalledVersion = "$($installed.Version)"
Import-Module FashnBackground
$module = Get-Module FashnBackground
$result.ModuleBase = $module.ModuleBase
$result.ModuleVersion = "$($module.Version)"
$saved = Get-ChildItem $Photos -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait | Save-FashnOutput -Destination $Destination
$result.Saved = @($saved | ForEach-Object { $_.FullName })
try {
    $help = Get-Help Invoke-FashnBackgroundChange
    $result.Synopsis = "$($help.Synopsis)"
    $result.Description = ($help.description | Out-String)
} catch { $result.HelpError = $_.Exception.Message }
try { $result.About = Get-Help about_FashnBackground | Out-String } catch { $result.AboutError = $_.Exception.Message }
$result | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $ResultPath -Encoding utf8
'@
            $script:result = if (Test-Path $resultPath) { Get-Content -Raw $resultPath | ConvertFrom-Json }
        }

        It 'Get-InstalledPSResource shows FashnBackground and its version' {
            $session.ExitCode | Should -Be 0 -Because $session.Output
            $result.InstalledName | Should -Be 'FashnBackground'
            $result.InstalledVersion | Should -Be $version
        }

        It 'Import-Module FashnBackground (by name) loads the installed module' {
            $result.ModuleBase | Should -Be (Join-Path $dataHome "powershell/Modules/FashnBackground/$version") -Because $session.Output
            $result.ModuleVersion | Should -Be $version
        }

        It 'runs a batch of two photos with -Wait | Save-FashnOutput against the emulator' {
            $result.Saved | Sort-Object | Should -Be @((Join-Path $destination 'photo1.png'), (Join-Path $destination 'photo2.png')) -Because $session.Output
            foreach ($file in $result.Saved) {
                $bytes = [IO.File]::ReadAllBytes($file)
                $bytes.Length | Should -BeGreaterThan 100
                # A whole PNG: the signature first, the IEND chunk last.
                $bytes[0..7] | Should -Be @(137, 80, 78, 71, 13, 10, 26, 10)
                [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 8, 4) | Should -Be 'IEND'
            }
            Get-ChildItem $destination -Filter *.partial | Should -BeNullOrEmpty
        }

        It 'Get-Help Invoke-FashnBackgroundChange shows the synopsis and description of docs/' {
            $result.HelpError | Should -BeNullOrEmpty
            $markdown = Get-Content -Raw (Join-Path $root 'docs/Invoke-FashnBackgroundChange.md')
            $synopsis = [regex]::Match($markdown, '(?s)## SYNOPSIS\s*(.*?)\s*## ').Groups[1].Value
            $synopsis | Should -Not -BeNullOrEmpty
            Get-NormalizedText $result.Synopsis | Should -Be (Get-NormalizedText $synopsis)
            $result.Description | Should -Not -BeNullOrEmpty
        }

        It 'Get-Help about_FashnBackground finds the topic' {
            $result.AboutError | Should -BeNullOrEmpty
            $markdown = Get-Content -Raw (Join-Path $root 'docs/about_FashnBackground.md')
            $shortDescription = [regex]::Match($markdown, '(?s)## Short description\s*(.*?)\s*## ').Groups[1].Value
            $shortDescription | Should -Not -BeNullOrEmpty
            Get-NormalizedText $result.About | Should -BeLike ('*' + (Get-NormalizedText $shortDescription) + '*')
        }
    }

    It 'Uninstall-PSResource FashnBackground removes it' {
        $uninstall = Invoke-UserPwsh -Name uninstall -Code @'
$ErrorActionPreference = 'Stop'
Uninstall-PSResource FashnBackground
$left = @(Get-InstalledPSResource FashnBackground -ErrorAction SilentlyContinue)
$listed = @(Get-Module -ListAvailable FashnBackground)
"installed: $($left.Count); listed: $($listed.Count)"
'@
        $uninstall.ExitCode | Should -Be 0 -Because $uninstall.Output
        $uninstall.Output | Should -Match 'installed: 0; listed: 0'
        Join-Path $dataHome "powershell/Modules/FashnBackground/$version" | Should -Not -Exist
    }
}
