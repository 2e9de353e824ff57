@{
    RootModule           = 'FashnBackground.dll'
    ModuleVersion        = '0.1.0'
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
            # The CHANGELOG.md section of this version (a test keeps them equal).
            ReleaseNotes = @'
First release.

### Added

- `Invoke-FashnBackgroundChange`: one prediction per file (`-Path` with wildcards, `-LiteralPath`, piped
  `FileInfo`) or URL/data URI (`-Uri`), run concurrently within FASHN's limits (6 running, 50 runs a minute,
  50 status checks per 10 s); `-Wait` writes each result as it completes; large images are scaled to about
  1 megapixel before upload unless `-NoResize`.
- A journal of started predictions (`-JournalPath`, `-NoJournal`): running the same batch again collects what
  was already started instead of paying for it twice.
- `Get-FashnPrediction` (`-Id` tab-completed from the session's predictions, `-Wait`), `Save-FashnOutput`
  (`-Destination`, `-Force`, `-WhatIf`; files written whole or not at all), `Get-FashnCredits`.
- `-ApiKey` as SecureString or string (works with SecretManagement's `Get-Secret`), `$env:FASHN_API_KEY`,
  `-BaseUri`/`$env:FASHN_BASE_URL`, `-MaximumRetryCount`, `-RetryIntervalSec`, `-RequestTimeoutSec`.
- Format views: a table (Id, Status, Source, Output or error, Seconds) and a list with every property.
- Error records with stable ids (`Fashn.<code>`), categories and the input as target; see `about_FashnBackground`.
- Only a missing or refused key and `OutOfCredits` stop a batch; out of credits, predictions already running
  (paid for) are still collected and saved. `ConcurrencyLimitExceeded` is waited out for up to 10 minutes.
- A local emulator of the FASHN API (`src/Fashn.Emulator`) for offline scripts and tests, with seeded fault
  injection, `/_emulator/stats`, and state kept across restarts with `--data-dir`.
- Help: PlatyPS v2 markdown in `docs/`, generated into MAML and the about topic in `src/FashnBackground/en-US/`
  (committed, staged by every build into the module and the package; `build.ps1 -Task Docs` regenerates them
  with PlatyPS v2, and a test fails while they and `docs/` disagree); Pester tests; a
  Gallery-ready package (`build.ps1 -Task Package`, or `dotnet pack src/FashnBackground.Package`, which builds the
  module first, so it works on a fresh clone) with the module's readme and these notes, installable with
  `Install-PSResource` from a folder registered as a repository.
'@
        }
    }
}
