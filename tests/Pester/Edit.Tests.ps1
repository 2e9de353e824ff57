# Invoke-FashnBackgroundChange on edit, background-change's successor, end to end against the emulator: a photo with
# an image context and two outputs at 2k, saved as photo.png and photo_1.png at that tier's size, with the credits the
# service billed; edit's parameters refused for background-change before anything is sent; a retired background-change.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-StagedModuleManifest) -Force
    # 3 credits per output image at 2k fast: a value of the test's own, so CreditsUsed can only come from the service.
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '0.02', '--credits', '1000', '--edit-credits', '2k:fast=3'
    $PSDefaultParameterValues['*-Fashn*:BaseUri'] = $script:emulator.BaseUri
    $PSDefaultParameterValues['*-Fashn*:ApiKey'] = $script:emulator.ApiKey
    $PSDefaultParameterValues['Invoke-FashnBackgroundChange:JournalPath'] = Join-Path $TestDrive 'journal.jsonl'

    function Get-RunCount { Get-EmulatorRequestCount $script:emulator -Method POST -Route '/v1/run' }

    function Get-PngSize([string] $Path) {
        <# Reads a PNG as a decoder does: its signature, IHDR, and all of its IDAT data inflated to exactly the rows it declares. #>
        $bytes = [IO.File]::ReadAllBytes($Path)
        [byte[]]$bytes[0..7] | Should -Be ([byte[]](137, 80, 78, 71, 13, 10, 26, 10)) -Because "$Path should be a PNG"
        $bigEndian = { param([int] $At) ([long]$bytes[$At] -shl 24) -bor ([long]$bytes[$At + 1] -shl 16) -bor ([long]$bytes[$At + 2] -shl 8) -bor [long]$bytes[$At + 3] }
        $idat = [IO.MemoryStream]::new()
        $offset = 8
        while ($offset -lt $bytes.Length) {
            $length = [int](& $bigEndian $offset)
            $type = [Text.Encoding]::ASCII.GetString($bytes, $offset + 4, 4)
            $data = $offset + 8
            if ($type -eq 'IHDR') {
                $width = & $bigEndian $data; $height = & $bigEndian ($data + 4)
                $depth = $bytes[$data + 8]; $colourType = $bytes[$data + 9]; $interlaced = $bytes[$data + 12]
            }
            elseif ($type -eq 'IDAT') { $idat.Write($bytes, $data, $length) }
            elseif ($type -eq 'IEND') { break }
            $offset = $data + $length + 4
        }
        $interlaced | Should -Be 0
        $channels = @{ 0 = 1; 2 = 3; 3 = 1; 4 = 2; 6 = 4 }[[int]$colourType]
        $rowBytes = 1 + [Math]::Ceiling($width * $channels * $depth / 8)
        $idat.Position = 0
        $inflated = [IO.MemoryStream]::new()
        $zlib = [IO.Compression.ZLibStream]::new($idat, [IO.Compression.CompressionMode]::Decompress)
        try { $zlib.CopyTo($inflated) } finally { $zlib.Dispose() }
        $inflated.Length | Should -Be ($rowBytes * $height) -Because "$Path should hold every row of its $width x $height pixels"
        [pscustomobject]@{ Width = [int]$width; Height = [int]$height }
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    $PSDefaultParameterValues.Remove('*-Fashn*:BaseUri')
    $PSDefaultParameterValues.Remove('*-Fashn*:ApiKey')
    $PSDefaultParameterValues.Remove('Invoke-FashnBackgroundChange:JournalPath')
}

Describe 'Invoke-FashnBackgroundChange -ModelName edit' {
    BeforeAll {
        # 160 x 120 photos: the subject's photo and the background to put it on.
        $photos = New-TestPhotoSet -Path (Join-Path $TestDrive 'photos') -Name 'photo.png', 'beach.png'
        $photo = Join-Path $photos 'photo.png'
        $beach = Join-Path $photos 'beach.png'
        $edit = @{ ModelName = 'edit'; Prompt = 'put the subject on this beach'; Seed = 5; Resolution = '2k'; GenerationMode = 'fast' }
    }

    It 'a photo with -ImageContext and -NumImages 2 at 2k gives photo.png and photo_1.png, decodable, at 2k''s size, billed as the service billed' {
        $before = Get-FashnCredits
        $out = Join-Path $TestDrive 'two'

        $prediction = Invoke-FashnBackgroundChange -Path $photo @edit -ImageContext $beach -NumImages 2 -Wait
        $saved = $prediction | Save-FashnOutput -Destination $out

        $prediction.Status | Should -Be 'completed'
        $prediction.ModelName | Should -Be 'edit'
        $prediction.ImageContext | Should -Be $beach
        ($prediction.Resolution, $prediction.GenerationMode, $prediction.NumImages) | Should -Be @('2k', 'fast', 2)
        $prediction.Output | Should -HaveCount 2
        $saved.Name | Should -Be @('photo.png', 'photo_1.png')
        foreach ($file in $saved) {
            $size = Get-PngSize $file.FullName
            # 2k is about 4 megapixels (2048 x 2048) with the photo's 4:3 shape, though the photo has 0.02 megapixels.
            $size.Width * $size.Height | Should -BeGreaterThan (0.95 * 2048 * 2048)
            $size.Width * $size.Height | Should -BeLessOrEqual (2048 * 2048)
            [Math]::Abs($size.Width / $size.Height - 4 / 3) | Should -BeLessThan 0.01
        }
        (Get-FileHash $saved[0].FullName).Hash | Should -Not -Be (Get-FileHash $saved[1].FullName).Hash -Because 'the two outputs are distinct'
        # Two output images at 3 credits each, as the service's answer says and its balance shows.
        $prediction.CreditsUsed | Should -Be 6
        (Get-FashnCredits).Total | Should -Be ($before.Total - 6)
        $script:withContext = $saved[0]
    }

    It 'the image context is what changes the output: the same photo, prompt and seed without it is another picture and another prediction' {
        $runs = Get-RunCount

        $withoutContext = Invoke-FashnBackgroundChange -Path $photo @edit -Wait | Save-FashnOutput -Destination (Join-Path $TestDrive 'none')

        (Get-RunCount) - $runs | Should -Be 1 -Because 'other settings are another journal key'
        $withoutContext.Name | Should -Be 'photo.png'
        (Get-FileHash $withoutContext.FullName).Hash | Should -Not -Be (Get-FileHash $script:withContext.FullName).Hash
    }

    It 'the same edit again is collected from the journal instead of paid for again' {
        $runs = Get-RunCount

        $again = Invoke-FashnBackgroundChange -Path $photo @edit -ImageContext $beach -NumImages 2 -Wait

        $again.Collected | Should -BeTrue
        $again.Output | Should -HaveCount 2
        (Get-RunCount) | Should -Be $runs
    }

    It 'edit''s parameters for background-change are one clear error, and nothing is sent' {
        $runs = Get-RunCount

        { Invoke-FashnBackgroundChange -Path $photo -Prompt 'studio' -Resolution 4k -NumImages 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'Fashn.InvalidArgument,FashnBackground.Commands.InvokeFashnBackgroundChangeCommand' -ExpectedMessage '*-Resolution and -NumImages are inputs of the edit model*-ModelName edit*'
        (Get-RunCount) | Should -Be $runs
    }

    It 'an -ImageContext that is missing or on no drive stops the command before anything is sent, naming it' {
        $runs = Get-RunCount
        $missing = Join-Path $TestDrive 'no-such-background.jpg'

        { Invoke-FashnBackgroundChange -Path $photo @edit -ImageContext $missing -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*image context*$missing*does not exist*"
        { Invoke-FashnBackgroundChange -Path $photo @edit -ImageContext 'NoSuchDrive:/beach.jpg' -ErrorAction Stop } |
            Should -Throw -ErrorId 'Fashn.InvalidArgument,*' -ExpectedMessage "*'NoSuchDrive:/beach.jpg' is neither a file system path nor an http(s) URL or data URI*"
        (Get-RunCount) | Should -Be $runs
    }

    It 'once FASHN has retired background-change, the batch stops with one error that says to use -ModelName edit, and edit still runs' {
        $retired = Start-TestEmulator -Arguments '--time-scale', '0.02', '--retired-models', 'background-change'
        try {
            $at = @{ BaseUri = $retired.BaseUri; ApiKey = $retired.ApiKey; NoJournal = $true }
            $batch = New-TestPhotoSet -Path (Join-Path $TestDrive 'retired') -Name 'a.png', 'b.png', 'c.png'

            $thrown = $null
            try { Get-ChildItem $batch -Filter *.png | Invoke-FashnBackgroundChange -Prompt 'studio' -Wait @at -ThrottleLimit 1 -ErrorAction Stop }
            catch { $thrown = $_ }
            $edited = Invoke-FashnBackgroundChange -Path (Join-Path $batch 'a.png') -ModelName edit -Prompt 'studio' -Wait @at

            $thrown.FullyQualifiedErrorId | Should -BeLike 'Fashn.ModelDiscontinued,*'
            $thrown.Exception.Message | Should -BeLike "*Unknown model_name 'background-change'*run the command again with -ModelName edit*"
            Get-EmulatorRequestCount $retired -Method POST -Route '/v1/run' | Should -Be 2 -Because 'one refused run stops the rest; then the edit'
            $edited.Status | Should -Be 'completed'
        }
        finally {
            Stop-TestEmulator $retired
        }
    }
}
