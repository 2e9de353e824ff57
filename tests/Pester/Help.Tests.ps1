# Get-Help as a pwsh user reads it, from the staged module (moved here from FashnBackground.Tests.ps1 when that
# file was split per cmdlet; the help itself is built into en-US by the module's build).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
}

Describe 'Help' {
    It 'has help with examples for every cmdlet' {
        $helpFile = Join-Path (Split-Path (Get-Module FashnBackground).Path) 'en-US/FashnBackground.dll-Help.xml'
        $helpFile | Should -Exist
        foreach ($command in Get-Command -Module FashnBackground) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        }
    }
}
