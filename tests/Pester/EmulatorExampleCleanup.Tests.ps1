#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The README's Pester example (EmulatorExample.Tests.ps1) as a user runs it: in its own pwsh, with its own temporary
# folder. It passes, and once its AfterAll has run the emulator it started is gone, its port no longer listens and
# nothing is left in the temporary folder.

BeforeAll {
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $example = Join-Path $PSScriptRoot 'EmulatorExample.Tests.ps1'
}

Describe 'The README Pester example' {
    It 'is the example file word for word' {
        $readme = Get-Content -Raw (Join-Path $repositoryRoot 'README.md')
        $shown = [regex]::Match($readme, '(?s)\*\*The emulator in your own tests\*\*.*?```powershell\r?\n(.*?)\r?\n```').Groups[1].Value
        $tested = [regex]::Match((Get-Content -Raw $example), '(?s)# README example: begin\r?\n(.*?)\r?\n# README example: end').Groups[1].Value

        $shown | Should -Not -BeNullOrEmpty
        ($shown -replace '\r\n', "`n") | Should -BeExactly ($tested -replace '\r\n', "`n") -Because 'README.md shows tests/Pester/EmulatorExample.Tests.ps1 between its marker lines'
    }

    Context 'run in a pwsh of its own' {
        BeforeAll {
            $childTemp = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'tmp')).FullName
            # The pwsh running this file: an installed pwsh, or `dotnet pwsh.dll` for the PowerShell dotnet tool.
            $start = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
            if ([System.IO.Path]::GetFileNameWithoutExtension($start.FileName) -eq 'dotnet') {
                $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
            }
            $quote = { param($Text) "'" + $Text.Replace("'", "''") + "'" }
            $childCommand = "Import-Module $(& $quote (Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1')); " +
                "`$result = Invoke-Pester -Path $(& $quote $example) -PassThru -Output Detailed; " +
                "'Example tests passed: ' + `$result.PassedCount + ', failed: ' + `$result.FailedCount"
            foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $childCommand) { $start.ArgumentList.Add($argument) }
            foreach ($name in 'TMPDIR', 'TEMP', 'TMP') { $start.Environment[$name] = $childTemp }
            # Only its standard output is read here: an emulator left running inherits the other streams and would
            # hold a redirected one open.
            $start.RedirectStandardOutput = $true
            $start.UseShellExecute = $false

            $child = [System.Diagnostics.Process]::Start($start)
            $stdout = $child.StandardOutput.ReadToEndAsync()
            if (-not $child.WaitForExit(300000)) { $child.Kill($true) }
            $output = if ($stdout.Wait(30000)) { $stdout.Result } else { '(its output was still open after it exited)' }
            $started = [regex]::Match($output, 'Emulator process (\d+) listening on (http://127\.0\.0\.1:(\d+))')
            $connected = $false
            if ($started.Success) {
                $client = [System.Net.Sockets.TcpClient]::new()
                try { $client.Connect([System.Net.IPAddress]::Loopback, [int]$started.Groups[3].Value); $connected = $true } catch { }
                finally { $client.Dispose() }
            }
            # Every process started with the example's folders (its emulator's --data-dir is in there).
            $leftRunning = @(Get-Process | Where-Object { $_.CommandLine -and $_.CommandLine.Contains($childTemp) })
            $leftRunning | ForEach-Object { $_.Kill($true); $_.WaitForExit(10000) | Out-Null }
        }

        It 'passes its tests' {
            $child.HasExited | Should -BeTrue -Because 'it finishes within 5 minutes'
            $child.ExitCode | Should -Be 0 -Because $output
            $output | Should -Match 'Example tests passed: 2, failed: 0' -Because $output
        }

        It 'leaves no emulator process running' {
            $started.Success | Should -BeTrue -Because "the example prints the emulator's process id:`n$output"

            $leftRunning.Id | Should -BeNullOrEmpty -Because "the emulator was process $($started.Groups[1].Value)"
        }

        It 'leaves its port closed' {
            $started.Success | Should -BeTrue -Because "the example prints the emulator's address:`n$output"

            $connected | Should -BeFalse -Because "nothing may listen on $($started.Groups[2].Value) after AfterAll"
        }

        It 'leaves nothing in its temporary folder' {
            Get-ChildItem -Force -Recurse $childTemp | ForEach-Object FullName | Should -BeNullOrEmpty
        }
    }
}
