@{
    RootModule           = 'FashnBackground.dll'
    # Filled in by the build (src/FashnBackground.csproj, StageModule) from VersionPrefix in Directory.Build.props.
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '6c1f3f5e-2b7a-4d8e-9a41-5f0c2d7b9e13'
    Author               = 'FashnBackground contributors'
    CompanyName          = 'FashnBackground contributors'
    Copyright            = '(c) FashnBackground contributors. MIT License.'
    Description          = 'Changes the background of images with the FASHN background-change API: piped batches at the service''s limits, resumable without paying twice, outputs saved whole, and a local emulator for offline tests.'
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('FashnBackground.format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Invoke-FashnBackgroundChange'
        'Get-FashnPrediction'
        'Save-FashnOutput'
        'Get-FashnCredits'
        'Export-FashnContactSheet'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('FASHN', 'image', 'background', 'AI', 'photo', 'ecommerce', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/fashnbackground/FashnBackground'
            LicenseUri   = 'https://github.com/fashnbackground/FashnBackground/blob/main/LICENSE'
            # Filled in by the build from this version's section of CHANGELOG.md.
            ReleaseNotes = ''
        }
    }
}
