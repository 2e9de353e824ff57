#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The README's example "The emulator in your own tests", word for word between the two marker lines (a test checks
# that the README shows exactly this), and a test that uses it. EmulatorExampleCleanup.Tests.ps1 runs this file in a
# child pwsh and checks that AfterAll left no emulator process, no listening port and no temporary file behind.

# README example: begin
BeforeAll {
    # The emulator itself, from its built dll (or the `fashn-emulator` tool): the process held here is the one to stop.
    # Through `dotnet run` it would be a child of the process held, still listening after that one is stopped.
    $emulatorDll = Get-ChildItem "$PSScriptRoot/../../src/Fashn.Emulator/bin/*/net10.0/Fashn.Emulator.dll" |
        Sort-Object LastWriteTime | Select-Object -Last 1
    if (-not $emulatorDll) { throw 'The emulator is not built: run dotnet build src/Fashn.Emulator first.' }
    $log = Join-Path $TestDrive 'emulator.log'
    # Port 0: it takes a free loopback port and prints it. Its data folder is in TestDrive, which Pester removes.
    $emulator = Start-Process dotnet -PassThru -RedirectStandardOutput $log -ArgumentList $emulatorDll.FullName,
        '--urls', 'http://127.0.0.1:0', '--time-scale', '0.02', '--data-dir', (Join-Path $TestDrive 'emulator-data')
    # Ready once it prints "FASHN emulator listening on <url>"; give up after 30 s.
    $deadline = (Get-Date).AddSeconds(30)
    do {
        Start-Sleep -Milliseconds 100
        $listening = Select-String -Path $log -Pattern 'listening on (\S+)' -ErrorAction Ignore
    } until ($listening -or $emulator.HasExited -or (Get-Date) -gt $deadline)
    if (-not $listening) { throw "The emulator did not start: $(Get-Content $log -Raw -ErrorAction Ignore)" }
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $listening.Matches[0].Groups[1].Value
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = 'fa-emulator-devkey'
}
AfterAll {
    # SIGTERM on Linux and macOS lets it exit cleanly (killed, .NET leaves its diagnostic pipes in the temp folder);
    # Windows has no signals, so Stop-Process ends it there.
    if ($IsLinux -or $IsMacOS) { kill $emulator.Id } else { Stop-Process -Id $emulator.Id }
    if (-not $emulator.WaitForExit(10000)) { Stop-Process -Id $emulator.Id -Force }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
}
# README example: end

Describe 'The emulator started by the README example' {
    BeforeAll {
        # Installed users get the module by name; in this clone it is staged by the build.
        $manifest = Get-ChildItem "$PSScriptRoot/../../out/FashnBackground" -Recurse -Filter FashnBackground.psd1 | Select-Object -First 1
        if (-not $manifest) { throw 'The module is not staged: run dotnet build src/FashnBackground (or ./build.ps1) first.' }
        Import-Module $manifest.FullName -Force
    }

    It 'answers the module at the address it printed' {
        # Read by EmulatorExampleCleanup.Tests.ps1, which checks that this process and port are gone after AfterAll.
        Write-Host "Emulator process $($emulator.Id) listening on $($PSDefaultParameterValues['*-Fashn*:BaseUri'])"

        $credits = Get-FashnCredits

        $credits.Total | Should -Be 1000
    }

    It 'changes the background of a photo' {
        $photo = Join-Path $TestDrive 'photo.png'
        # A 32x24 PNG: a red square on a grey backdrop.
        [System.IO.File]::WriteAllBytes($photo, [Convert]::FromBase64String(
                'iVBORw0KGgoAAAANSUhEUgAAACAAAAAYCAIAAAAUMWhjAAAALElEQVR42mO4c+chTRHDqAUj3oITGkYE0agFoxaMWjBqAa0tGC2uRy0gAgEAFXb4a7xxFKQAAAAASUVORK5CYII='))

        $saved = Invoke-FashnBackgroundChange -LiteralPath $photo -Prompt 'studio' -Wait -NoJournal |
            Save-FashnOutput -Destination (Join-Path $TestDrive 'out')

        $saved.Name | Should -Be 'photo.png'
        $saved.Length | Should -BeGreaterThan 0
    }
}
