# Headless Chromium driven over the DevTools protocol, for the tests that look at a page as a browser renders it.
# Chromium runs with its own profile, HOME and temp folder inside one folder that Stop-HeadlessChromium deletes,
# with everything that would reach the network switched off; the DevTools port listens on loopback only.

function Find-Chromium {
    <# .SYNOPSIS The Chromium executable (Debian's chromium package), or $null. #>
    foreach ($candidate in @('/usr/bin/chromium', '/usr/bin/chromium-browser')) {
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    $onPath = Get-Command chromium, chromium-browser -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($onPath) { return $onPath.Source }
    $null
}

function Start-HeadlessChromium {
    param([Parameter(Mandatory)] [string] $Executable, [int] $Width = 1280, [int] $Height = 900)
    # Short names: Chromium puts a Unix socket in its temp folder, and a socket's path may have at most 107 bytes.
    $folder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ('chromium-' + [guid]::NewGuid().ToString('N').Substring(0, 8)))
    $userData = Join-Path $folder 'profile'
    foreach ($name in 'home', 't') { New-Item -ItemType Directory -Path (Join-Path $folder $name) | Out-Null }

    $start = [System.Diagnostics.ProcessStartInfo]::new($Executable)
    foreach ($argument in @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-breakpad',
            "--user-data-dir=$userData", '--remote-debugging-port=0', "--window-size=$Width,$Height", 'about:blank')) {
        $start.ArgumentList.Add($argument)
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    # Nothing lands in the user's profile or the shared temp folder.
    $start.Environment['HOME'] = Join-Path $folder 'home'
    $start.Environment['TMPDIR'] = Join-Path $folder 't'
    $start.Environment['XDG_CONFIG_HOME'] = Join-Path $folder 'home/.config'
    $start.Environment['XDG_CACHE_HOME'] = Join-Path $folder 'home/.cache'
    $process = [System.Diagnostics.Process]::Start($start)
    $browser = [pscustomobject]@{
        Process = $process; Folder = $folder.FullName; UserData = $userData; Socket = $null; BrowserSocketPath = $null; Port = $null
        NextId = 0; Events = [System.Collections.Generic.List[object]]::new()
        # Chromium writes a lot to its streams; they are drained so that it never blocks on a full pipe.
        Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync()
    }
    try {
        # Chromium writes the port it chose (and the browser's DevTools path) into the profile.
        $portFile = Join-Path $userData 'DevToolsActivePort'
        $deadline = [DateTime]::UtcNow.AddMinutes(1)
        while (-not (Test-Path -LiteralPath $portFile) -or (Get-Content -LiteralPath $portFile -ErrorAction Ignore).Count -lt 2) {
            if ($process.HasExited) { throw "Chromium exited at start: $($browser.Errors.Result)" }
            if ([DateTime]::UtcNow -gt $deadline) { throw 'Chromium did not open its DevTools port within a minute.' }
            Start-Sleep -Milliseconds 50
        }
        $lines = Get-Content -LiteralPath $portFile
        $browser.Port = [int]$lines[0]
        $browser.BrowserSocketPath = $lines[1]
        $page = (Invoke-RestMethod -Uri "http://127.0.0.1:$($browser.Port)/json/list") | Where-Object type -EQ 'page' | Select-Object -First 1
        $browser.Socket = Connect-DevTools $page.webSocketDebuggerUrl
        Invoke-DevTools $browser 'Page.enable' | Out-Null
        Invoke-DevTools $browser 'Runtime.enable' | Out-Null
    }
    catch {
        Stop-HeadlessChromium $browser
        throw
    }
    $browser
}

function Connect-DevTools([string] $Url) {
    $socket = [System.Net.WebSockets.ClientWebSocket]::new()
    [void]$socket.ConnectAsync([uri]$Url, (New-Deadline)).GetAwaiter().GetResult()
    $socket
}

# A guard against a hung browser (not a timed assertion): no single exchange takes a minute.
function New-Deadline { [System.Threading.CancellationTokenSource]::new([TimeSpan]::FromMinutes(1)).Token }

function Receive-DevToolsMessage($Socket) {
    $buffer = [byte[]]::new(65536)
    $message = [System.IO.MemoryStream]::new()
    do {
        $received = $Socket.ReceiveAsync([ArraySegment[byte]]::new($buffer), (New-Deadline)).GetAwaiter().GetResult()
        if ($received.MessageType -eq [System.Net.WebSockets.WebSocketMessageType]::Close) { throw 'Chromium closed the DevTools connection.' }
        $message.Write($buffer, 0, $received.Count)
    } until ($received.EndOfMessage)
    [System.Text.Encoding]::UTF8.GetString($message.ToArray()) | ConvertFrom-Json -Depth 64
}

function Send-DevToolsCommand($Socket, [int] $Id, [string] $Method, [hashtable] $Parameters) {
    $json = @{ id = $Id; method = $Method; params = $Parameters } | ConvertTo-Json -Depth 16 -Compress
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
    [void]$Socket.SendAsync([ArraySegment[byte]]::new($bytes), [System.Net.WebSockets.WebSocketMessageType]::Text, $true, (New-Deadline)).GetAwaiter().GetResult()
}

function Invoke-DevTools {
    <# .SYNOPSIS Sends one DevTools command to the page and returns its result; events that arrive meanwhile are kept. #>
    param([Parameter(Mandatory)] $Browser, [Parameter(Mandatory)] [string] $Method, [hashtable] $Parameters = @{})
    $Browser.NextId++
    $id = $Browser.NextId
    Send-DevToolsCommand $Browser.Socket $id $Method $Parameters
    while ($true) {
        $message = Receive-DevToolsMessage $Browser.Socket
        if ($message.PSObject.Properties['id'] -and $message.id -eq $id) {
            if ($message.PSObject.Properties['error']) { throw "DevTools $Method failed: $($message.error.message)" }
            return $message.result
        }
        if ($message.PSObject.Properties['method']) { $Browser.Events.Add($message) }
    }
}

function Wait-DevToolsEvent {
    param([Parameter(Mandatory)] $Browser, [Parameter(Mandatory)] [string] $Method)
    while ($true) {
        $seen = $Browser.Events | Where-Object method -EQ $Method | Select-Object -First 1
        if ($seen) { [void]$Browser.Events.Remove($seen); return $seen }
        $message = Receive-DevToolsMessage $Browser.Socket
        if ($message.PSObject.Properties['method']) { $Browser.Events.Add($message) }
    }
}

function Open-ChromiumPage {
    <# .SYNOPSIS Loads a local file (with an optional #fragment) and waits for its load event: every image loaded or failed. #>
    param([Parameter(Mandatory)] $Browser, [Parameter(Mandatory)] [string] $Path, [string] $Fragment)
    $url = [System.Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath).AbsoluteUri
    if ($Fragment) { $url += '#' + $Fragment }
    $Browser.Events.Clear()
    $navigation = Invoke-DevTools $Browser 'Page.navigate' @{ url = $url }
    if ($navigation.PSObject.Properties['errorText'] -and $navigation.errorText) { throw "Chromium could not open ${url}: $($navigation.errorText)" }
    Wait-DevToolsEvent $Browser 'Page.loadEventFired' | Out-Null
}

function Invoke-ChromiumScript {
    <# .SYNOPSIS Evaluates JavaScript in the page and returns its value (promises are awaited). #>
    param([Parameter(Mandatory)] $Browser, [Parameter(Mandatory)] [string] $Expression)
    $result = Invoke-DevTools $Browser 'Runtime.evaluate' @{ expression = $Expression; returnByValue = $true; awaitPromise = $true }
    if ($result.PSObject.Properties['exceptionDetails']) {
        throw "The page's script failed: $($result.exceptionDetails.exception.description) $($result.exceptionDetails.text)"
    }
    $result.result.value
}

function Save-ChromiumScreenshot {
    <# .SYNOPSIS Writes a PNG of the whole page (beyond the window's height). #>
    param([Parameter(Mandatory)] $Browser, [Parameter(Mandatory)] [string] $Path)
    $metrics = Invoke-DevTools $Browser 'Page.getLayoutMetrics'
    $size = $metrics.cssContentSize
    $shot = Invoke-DevTools $Browser 'Page.captureScreenshot' @{
        format = 'png'; captureBeyondViewport = $true
        clip = @{ x = 0; y = 0; width = [math]::Ceiling($size.width); height = [math]::Ceiling($size.height); scale = 1 }
    }
    New-Item -ItemType Directory -Path (Split-Path $Path) -Force | Out-Null
    [System.IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($shot.data))
    Get-Item -LiteralPath $Path
}

function Get-ChromiumProcessId {
    <# .SYNOPSIS The ids of the processes still running with this browser's profile: its own, its renderers and helpers. #>
    param([Parameter(Mandatory)] $Browser)
    foreach ($entry in Get-ChildItem /proc -Directory -ErrorAction Ignore | Where-Object Name -Match '^\d+$') {
        $commandLine = try { [System.IO.File]::ReadAllText("/proc/$($entry.Name)/cmdline") } catch { '' }
        if ($commandLine.Contains($Browser.UserData)) { [int]$entry.Name }
    }
}

function Stop-HeadlessChromium {
    <# .SYNOPSIS Closes the browser (DevTools Browser.close, then a kill of its process tree), waits for every process of its profile to end, and deletes its folder. #>
    param([Parameter(Mandatory)] $Browser)
    if ($Browser.Socket) { $Browser.Socket.Dispose(); $Browser.Socket = $null }
    if (-not $Browser.Process.HasExited -and $Browser.BrowserSocketPath) {
        try {
            $socket = Connect-DevTools "ws://127.0.0.1:$($Browser.Port)$($Browser.BrowserSocketPath)"
            Send-DevToolsCommand $socket 1 'Browser.close' @{}
            $socket.Dispose()
        }
        catch { Write-Verbose "Browser.close: $_" }
    }
    if (-not $Browser.Process.WaitForExit(15000)) { $Browser.Process.Kill($true) }
    $Browser.Process.WaitForExit()
    # Helpers that outlive the browser (they were started by it, with its profile in their command line) are ended by id.
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (($left = @(Get-ChromiumProcessId $Browser)).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 100
    }
    foreach ($id in $left) { Stop-Process -Id $id -Force -ErrorAction Ignore }
    for ($attempt = 0; $attempt -lt 20 -and (Test-Path -LiteralPath $Browser.Folder); $attempt++) {
        Remove-Item -LiteralPath $Browser.Folder -Recurse -Force -ErrorAction Ignore
        if (Test-Path -LiteralPath $Browser.Folder) { Start-Sleep -Milliseconds 100 }
    }
}

Export-ModuleMember -Function Find-Chromium, Start-HeadlessChromium, Invoke-DevTools, Open-ChromiumPage, Invoke-ChromiumScript,
    Save-ChromiumScreenshot, Get-ChromiumProcessId, Stop-HeadlessChromium
