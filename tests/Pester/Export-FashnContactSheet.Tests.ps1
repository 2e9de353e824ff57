# Export-FashnContactSheet as a pwsh user runs it: a batch against the local emulator with inputs that fail, the
# page written from the pipeline, and that page rendered in headless Chromium (Debian's chromium package; .ci/run
# installs it). Run by 'dotnet test' (tests/FashnBackground.PesterTests).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Browser.psm1') -Force
    # Without Chromium the browser tests are skipped, unless FASHN_REQUIRE_BROWSER says they must run (.ci/run sets it).
    $skipBrowser = -not (Find-Chromium) -and -not $env:FASHN_REQUIRE_BROWSER
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Browser.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    $script:emulator = Start-TestEmulator
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    # The batch: two photos, one whose name is markup, and a file that is not an image (it fails before it is sent).
    $script:photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'photos')
    $variant = Get-Random -Maximum 1000
    New-TestPhoto -Path (Join-Path $photos 'shoe.png') -Variant ($variant + 1) | Out-Null
    New-TestPhoto -Path (Join-Path $photos 'bag.png') -Variant ($variant + 2) | Out-Null
    $script:hostileName = 'hat <b onmouseover=alert(1)>&#1.png'
    New-TestPhoto -Path (Join-Path $photos $hostileName) -Variant ($variant + 3) | Out-Null
    Set-Content -Path (Join-Path $photos 'notes.png') -Value 'not a photo'
    # A photo whose prompt the service refuses: it fails at the service (ContentModerationError).
    $script:refused = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'refused')
    New-TestPhoto -Path (Join-Path $refused 'scarf.png') -Variant ($variant + 4) | Out-Null

    $script:out = Join-Path $photos 'out'
    $script:hostilePrompt = 'studio <script>alert("prompt")</script> & ''quoted'''
    $script:hostileTitle = 'Spring <i>catalogue</i> & "friends"'

    # The pipeline of the issue: each saved file reaches the sheet with the prediction it came from.
    $script:page = Get-ChildItem $photos -Filter *.png |
        Invoke-FashnBackgroundChange -Prompt $hostilePrompt -Seed 5 -Wait -ErrorVariable batchErrors -ErrorAction SilentlyContinue |
        Save-FashnOutput -Destination $out -OutVariable saved |
        Export-FashnContactSheet -Path (Join-Path $out 'index.html') -PassThru
    $script:saved = $saved
    $script:batchErrors = $batchErrors

    Invoke-FashnBackgroundChange -Path (Join-Path $refused 'scarf.png') -Prompt 'nsfw beach' -Wait -ErrorVariable refusal -ErrorAction SilentlyContinue
    $script:refusal = $refusal
    $script:refusedPrediction = Get-FashnPrediction -Id $refusal[0].Exception.PredictionId

    # Everything: the saved files, the error records of the batch, and the refused input (its error and its prediction).
    $script:fullPage = @($saved) + @($batchErrors) + @($refusal) + @($refusedPrediction) |
        Export-FashnContactSheet -Path (Join-Path $out 'all.html') -Title $hostileTitle -PassThru -WarningVariable sheetWarnings -WarningAction SilentlyContinue
    $script:sheetWarnings = $sheetWarnings
    $script:fullHtml = Get-Content -LiteralPath $fullPage.FullName -Raw

    function Get-Entries([string] $Html) {
        [regex]::Matches($Html, '<article class="entry" id="entry-\d+" data-status="(\w+)">(.*?)</article>', 'Singleline') |
            ForEach-Object { [pscustomobject]@{ Status = $_.Groups[1].Value; Html = $_.Groups[2].Value } }
    }
    function Get-Links([string] $Html) {
        [regex]::Matches($Html, '(src|href)="([^"]*)"') | ForEach-Object { [pscustomobject]@{ Kind = $_.Groups[1].Value; Link = $_.Groups[2].Value } }
    }
    # A link as the browser follows it: HTML-unescaped, then percent-decoded, relative to the page's folder.
    function Resolve-Link([string] $Folder, [string] $Link) {
        $path = [uri]::UnescapeDataString([System.Net.WebUtility]::HtmlDecode($Link))
        [System.IO.Path]::GetFullPath((Join-Path $Folder $path))
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Invoke-FashnBackgroundChange -Wait | Save-FashnOutput | Export-FashnContactSheet' {
    It 'writes the page, and -PassThru writes its file as Get-Item does' {
        $page | Should -HaveCount 1
        $page.FullName | Should -Be (Join-Path $out 'index.html')
        $page.Length | Should -BeGreaterThan 0
        $page.PSProvider.Name | Should -Be 'FileSystem'
        ($page | Format-Table | Out-String) | Should -Match ([regex]::Escape("$($page.Length) index.html"))
    }

    It 'shows the batch: the three saved images completed, the file that is not an image failed on its own' {
        $saved | Should -HaveCount 3
        $saved | ForEach-Object { $_.FashnPrediction.Status | Should -Be 'completed' }
        $batchErrors | Should -HaveCount 1
        $batchErrors[0].FullyQualifiedErrorId | Should -BeLike 'Fashn.InvalidInputImage*'

        $html = Get-Content -LiteralPath $page.FullName -Raw
        $entries = @(Get-Entries $html)
        $entries | Should -HaveCount 3
        $entries.Status | Should -Be @('completed', 'completed', 'completed')
        $html | Should -Match '3 inputs: <b data-count="completed">3</b> completed, <b data-count="failed">0</b> failed; <b data-count="credits">3</b> credits used'
    }

    It 'shows each input with its original and new image, prompt, seed, model and status' {
        $entries = @(Get-Entries (Get-Content -LiteralPath $page.FullName -Raw))
        $shoe = $entries | Where-Object Html -Match '<bdi>shoe\.png</bdi>'
        $shoe | Should -HaveCount 1
        $shoe.Html | Should -Match '<figure class="original"><a href="\.\./shoe\.png"><img src="thumbnails/shoe-[0-9a-f]{8}\.png"'
        $shoe.Html | Should -Match '<figure class="output"><a href="shoe\.png"><img src="thumbnails/shoe-[0-9a-f]{8}\.png"'
        $shoe.Html | Should -Match '<dt>Seed</dt><dd>5</dd>'
        $shoe.Html | Should -Match '<dt>Model</dt><dd>background-change</dd>'
        $shoe.Html | Should -Match '<span class="status status-completed">completed</span>'
        $shoe.Html | Should -Match ([regex]::Escape('<dt>Prediction</dt><dd>' + ($saved | Where-Object Name -EQ 'shoe.png').FashnPrediction.Id + '</dd>'))
        $thumbnails = @(Get-Links (Get-Content -LiteralPath $page.FullName -Raw) | Where-Object Kind -EQ 'src' | ForEach-Object { Resolve-Link $out $_.Link })
        $thumbnails | Sort-Object -Unique | Should -HaveCount 6
        $thumbnails | ForEach-Object { $_ | Should -Exist }
    }

    It 'puts every input of the batch on one page with the failures, each with its error and what to do' {
        $entries = @(Get-Entries $fullHtml)
        $entries | Should -HaveCount 5
        ($entries | Where-Object Status -EQ 'completed') | Should -HaveCount 3
        $failed = @($entries | Where-Object Status -EQ 'failed')
        $failed | Should -HaveCount 2
        $fullHtml | Should -Match '5 inputs: <b data-count="completed">3</b> completed, <b data-count="failed">2</b> failed; <b data-count="credits">3</b> credits used'

        $notes = $failed | Where-Object Html -Match '<bdi>notes\.png</bdi>'
        $notes.Html | Should -Match '<span class="status status-failed">not sent</span>'
        $notes.Html | Should -Match '<code>InvalidInputImage</code>: .*is not an image'
        $notes.Html | Should -Match '<dt>What to do</dt><dd class="advice">'

        # The refused input: its error record names the file, its prediction the service's error; one entry for both.
        $scarf = $failed | Where-Object Html -Match '<bdi>scarf\.png</bdi>'
        $scarf | Should -HaveCount 1
        $refusedPrediction.Status | Should -Be 'failed'
        $scarf.Html | Should -Match '<code>ContentModerationError</code>'
        $scarf.Html | Should -Match '<dt>What to do</dt><dd class="advice">Use a different image or prompt.</dd>'
        $scarf.Html | Should -Match '<figure class="original"><a href="\.\./\.\./refused/scarf\.png"><img src="thumbnails/scarf-[0-9a-f]{8}\.png"'
        $scarf.Html | Should -Match '<div class="none">No new image</div>'
        # The file that is not an image has no preview: the page links the file itself, and a warning says why.
        $notes.Html | Should -Match '<a href="\.\./notes\.png"><div class="none">No preview of &#39;notes\.png&#39;</div></a>'
        $sheetWarnings | Should -HaveCount 1
        "$sheetWarnings" | Should -BeLike "No thumbnail for '*notes.png': *is not an image*"
    }

    It 'escapes the prompt, the file name and the title, so none of them becomes markup' {
        $fullHtml | Should -Not -Match ([regex]::Escape('<script>alert'))
        $fullHtml | Should -Not -Match ([regex]::Escape('<b onmouseover'))
        $fullHtml | Should -Not -Match ([regex]::Escape('<i>catalogue'))
        $fullHtml | Should -Match ([regex]::Escape('studio &lt;script&gt;alert(&quot;prompt&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;'))
        $fullHtml | Should -Match ([regex]::Escape('<bdi>hat &lt;b onmouseover=alert(1)&gt;&amp;#1.png</bdi>'))
        $fullHtml | Should -Match ([regex]::Escape('<h1>Spring &lt;i&gt;catalogue&lt;/i&gt; &amp; &quot;friends&quot;</h1>'))
        ([regex]::Matches($fullHtml, '<script')).Count | Should -Be 1
    }

    It 'links only by relative paths, each to a file that exists, and loads nothing from the network' {
        $links = @(Get-Links $fullHtml)
        $links.Count | Should -BeGreaterThan 10
        foreach ($link in $links) {
            $link.Link | Should -Not -Match '^([a-z][a-z0-9+.-]*:|/|\\)' -Because "$($link.Kind)=$($link.Link) must be relative"
            Resolve-Link $out $link.Link | Should -Exist -Because "$($link.Kind)=$($link.Link) must lead to a file"
        }
        $links | Where-Object Kind -EQ 'src' | ForEach-Object { $_.Link | Should -Match '^thumbnails/' }
        # The hostile name as a link: percent-encoded, so '#' does not end the path.
        $links.Link | Should -Contain 'hat%20%3Cb%20onmouseover%3Dalert%281%29%3E%26%231.png'
        $fullHtml | Should -Not -Match '<link|<iframe|@import|url\(|https?://'
        $fullHtml | Should -Match "<meta http-equiv=`"Content-Security-Policy`" content=`"default-src 'none'"
    }

    It 'works from a copy of its folder: every image the page shows is inside it' {
        $copy = Join-Path $TestDrive 'copy'
        Copy-Item -LiteralPath $out -Destination $copy -Recurse
        foreach ($link in Get-Links (Get-Content -LiteralPath (Join-Path $copy 'all.html') -Raw) | Where-Object Kind -EQ 'src') {
            $target = Resolve-Link $copy $link.Link
            $target | Should -Exist
            $target | Should -BeLike "$copy*"
        }
    }

    It 'with -WhatIf writes neither the page nor its thumbnails' {
        $folder = Join-Path $TestDrive 'whatif'
        $saved | Export-FashnContactSheet -Path (Join-Path $folder 'index.html') -WhatIf | Should -BeNullOrEmpty
        $folder | Should -Not -Exist
    }

    It 'keeps an existing page with a warning unless -Force' {
        $existing = Join-Path $out 'kept.html'
        Set-Content -LiteralPath $existing -Value 'keep me'
        $saved | Export-FashnContactSheet -Path $existing -PassThru -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike "Kept the existing file '$existing'; use -Force*"
        Get-Content -LiteralPath $existing | Should -Be 'keep me'

        $replaced = $saved | Export-FashnContactSheet -Path $existing -Force -PassThru
        $replaced.FullName | Should -Be $existing
        Get-Content -LiteralPath $existing -Raw | Should -Match '<h1>FASHN contact sheet</h1>'
    }

    It 'reports what it cannot show as one error each and writes the rest' {
        $plain = Get-Item -LiteralPath (Join-Path $photos 'shoe.png')
        $other = Join-Path $TestDrive 'other/index.html'
        $written = @($saved[0], 'some text', $plain) |
            Export-FashnContactSheet -Path $other -PassThru -ErrorVariable problems -ErrorAction SilentlyContinue
        $written.FullName | Should -Be $other
        $problems | Should -HaveCount 2
        $problems.FullyQualifiedErrorId | Should -Be @('Fashn.InvalidArgument,FashnBackground.Commands.ExportFashnContactSheetCommand', 'Fashn.InvalidArgument,FashnBackground.Commands.ExportFashnContactSheetCommand')
        $problems[0].Exception.Message | Should -BeLike 'A System.String cannot be shown on a contact sheet.*'
        $problems[1].Exception.Message | Should -BeLike "'$($plain.FullName)' carries no prediction*"
        @(Get-Entries (Get-Content -LiteralPath $other -Raw)) | Should -HaveCount 1
    }

    It 'writes no page for no input, and says why' {
        $empty = Join-Path $TestDrive 'empty/index.html'
        @() | Export-FashnContactSheet -Path $empty -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems | Should -HaveCount 1
        $problems[0].Exception.Message | Should -BeLike 'Nothing to put on the contact sheet*'
        $empty | Should -Not -Exist
    }
}

Describe 'The contact sheet in headless Chromium' {
    BeforeAll {
        $script:chromium = Find-Chromium
        if (-not $chromium -and $env:FASHN_REQUIRE_BROWSER) {
            throw 'FASHN_REQUIRE_BROWSER is set but Chromium is not installed: apt-get install chromium (.ci/run does it).'
        }
        if ($chromium) { $script:browser = Start-HeadlessChromium -Executable $chromium -Width 1280 -Height 900 }
        $script:copy = Join-Path $TestDrive 'copy-for-browser'
        Copy-Item -LiteralPath $out -Destination $copy -Recurse
        $script:visibleEntries = "Array.from(document.querySelectorAll('article.entry')).filter(e => e.offsetParent !== null).map(e => e.dataset.status)"
        $script:images = "Array.from(document.images).map(i => ({ src: i.getAttribute('src'), width: i.naturalWidth, loaded: i.complete && i.naturalWidth > 0 }))"
    }

    AfterAll {
        if ($script:browser) { Stop-HeadlessChromium $script:browser }
    }

    It 'loads every image of the page' -Skip:$skipBrowser {
        Open-ChromiumPage $browser (Join-Path $out 'all.html')
        $shown = @(Invoke-ChromiumScript $browser $images)
        # Three originals and three new images of the batch, and the refused photo's original.
        $shown | Should -HaveCount 7
        $shown | ForEach-Object { $_.loaded | Should -BeTrue -Because "$($_.src) must load" }
        Invoke-ChromiumScript $browser "document.querySelectorAll('figure.missing').length" | Should -Be 0
    }

    It 'shows the hostile text as text, and runs no script but its own' -Skip:$skipBrowser {
        Invoke-ChromiumScript $browser 'document.scripts.length' | Should -Be 1
        Invoke-ChromiumScript $browser 'document.title' | Should -Be $hostileTitle
        $text = Invoke-ChromiumScript $browser 'document.body.innerText'
        $text | Should -Match ([regex]::Escape($hostilePrompt))
        $text | Should -Match ([regex]::Escape($hostileName))
    }

    It 'keeps a screenshot of the page as a test artifact' -Skip:$skipBrowser {
        $console = if ([Console]::IsOutputRedirected) { 'redirected' } else { 'terminal' }
        $shot = Save-ChromiumScreenshot $browser (Join-Path (Get-RepositoryRoot) "TestResults/contact-sheet/contact-sheet-$console.png")
        $bytes = [System.IO.File]::ReadAllBytes($shot.FullName)
        [System.Text.Encoding]::ASCII.GetString($bytes, 1, 3) | Should -Be 'PNG'
        # The PNG's size (big-endian at bytes 16 and 20) is the whole page's, beyond the window.
        $width = (([int]$bytes[16] * 256 + $bytes[17]) * 256 + $bytes[18]) * 256 + $bytes[19]
        $height = (([int]$bytes[20] * 256 + $bytes[21]) * 256 + $bytes[22]) * 256 + $bytes[23]
        $width | Should -BeGreaterThan 1200
        $height | Should -Be (Invoke-ChromiumScript $browser 'document.documentElement.scrollHeight')
        $height | Should -BeGreaterThan 900
    }

    It 'shows only the failed inputs after choosing Failed, and all of them again after All' -Skip:$skipBrowser {
        Invoke-ChromiumScript $browser "document.querySelector('button[data-filter=""failed""]').click()" | Out-Null
        $visible = @(Invoke-ChromiumScript $browser $visibleEntries)
        $visible | Should -Be @('failed', 'failed')
        Invoke-ChromiumScript $browser 'location.hash' | Should -Be '#status=failed'
        Invoke-ChromiumScript $browser "document.querySelector('button[aria-pressed=""true""]').dataset.filter" | Should -Be 'failed'
        $text = Invoke-ChromiumScript $browser 'document.querySelector("main").innerText'
        $text | Should -Match 'scarf\.png'
        $text | Should -Match 'notes\.png'
        $text | Should -Not -Match 'shoe\.png'

        Invoke-ChromiumScript $browser "document.querySelector('button[data-filter=""all""]').click()" | Out-Null
        @(Invoke-ChromiumScript $browser $visibleEntries) | Should -HaveCount 5
    }

    It 'opens a copy of the folder with #status=failed in the address: the filter applied, every image loaded' -Skip:$skipBrowser {
        Open-ChromiumPage $browser (Join-Path $copy 'all.html') -Fragment 'status=failed'
        @(Invoke-ChromiumScript $browser $visibleEntries) | Should -Be @('failed', 'failed')
        $shown = @(Invoke-ChromiumScript $browser $images)
        $shown | Should -HaveCount 7
        $shown | ForEach-Object { $_.loaded | Should -BeTrue -Because "$($_.src) must load from the copy" }
    }

    It 'marks an image that is missing from a copy instead of showing nothing' -Skip:$skipBrowser {
        Get-ChildItem (Join-Path $copy 'thumbnails') -Filter 'shoe-*' | Remove-Item
        Open-ChromiumPage $browser (Join-Path $copy 'all.html')
        Invoke-ChromiumScript $browser "document.querySelectorAll('figure.missing').length" | Should -Be 2
        Invoke-ChromiumScript $browser "document.querySelector('figure.missing figcaption').textContent" | Should -Match 'missing: thumbnails/shoe-'
    }

    It 'leaves no Chromium process or folder behind' -Skip:$skipBrowser {
        Stop-HeadlessChromium $browser
        @(Get-ChromiumProcessId $browser) | Should -HaveCount 0
        $browser.Folder | Should -Not -Exist
        $script:browser = $null
    }
}
