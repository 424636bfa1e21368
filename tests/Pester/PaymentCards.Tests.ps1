#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# A sheet of payment cards as it prints: the example invoices (Thai and English titles, all five currencies) become
# links, the links CSV becomes Export-OmiseLinkQRCode -Format Html, headless Chromium prints it to PDF, pdftoppm turns
# the pages into pictures, and zbarimg must read every code back from the pictures: every card whole on its page.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'SystemPackages.ps1')
    . Initialize-TestSession

    $problem = Get-SystemPackageProblem -Packages @{
        chromium  = 'chromium'
        timeout   = 'coreutils'
        pdftoppm  = 'poppler-utils'
        pdffonts  = 'poppler-utils'
        pdftotext = 'poppler-utils'
        zbarimg   = 'zbar-tools'
        'fc-list' = 'fontconfig'
    }
    if (-not $problem -and -not (& fc-list ':lang=th' family)) {
        $problem = 'needs a font with Thai letters (Debian/Ubuntu package: fonts-thai-tlwg); install it to run this test'
    }

    $invoices = @(Import-Csv (Join-Path $repositoryRoot 'examples/invoices.csv'))
    $linksCsv = Join-Path $work 'links.csv'
    $invoices | New-OmiseLink | Export-Csv $linksCsv -NoTypeInformation -Encoding utf8
    $links = @(Import-Csv $linksCsv -Encoding utf8)

    # Prints an HTML file to PDF the way the help page shows, with a profile of its own and a bound on the wait.
    function Invoke-ChromiumPrint {
        param([string] $Html, [string] $Pdf)
        $userDataDir = Join-Path $work ('chromium-' + [guid]::NewGuid().ToString('N'))
        $arguments = @(
            '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-pdf-header-footer',
            "--user-data-dir=$userDataDir", "--print-to-pdf=$Pdf", ([System.Uri]::new($Html)).AbsoluteUri
        )
        # coreutils' timeout bounds a browser that hangs; its messages (D-Bus, GPU) are noise on a headless machine.
        $messages = & timeout 180 chromium @arguments 2>&1
        if (-not (Test-Path $Pdf)) { throw "chromium (exit code $LASTEXITCODE) wrote no PDF: $($messages -join "`n")" }
    }

    # Width and height of a PNG, from its IHDR.
    function Get-PngSize {
        param([string] $Path)
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $width = ([int]$bytes[16] -shl 24) -bor ([int]$bytes[17] -shl 16) -bor ([int]$bytes[18] -shl 8) -bor [int]$bytes[19]
        $height = ([int]$bytes[20] -shl 24) -bor ([int]$bytes[21] -shl 16) -bor ([int]$bytes[22] -shl 8) -bor [int]$bytes[23]
        "${width}x$height"
    }
}

AfterAll { Clear-TestSession }

Describe 'Export-OmiseLinkQRCode -Format Html printed by a browser' {
    It 'the example invoices are 12 links with Thai and English titles in all five currencies' {
        $links.Count | Should -Be 12
        @($links.Currency | Sort-Object -Unique) -join ',' | Should -Be 'JPY,MYR,SGD,THB,USD'
        @($links.Title | Where-Object { $_ -match '[\u0E00-\u0E7F]' }).Count | Should -BeGreaterThan 0
        @($links.Title | Where-Object { $_ -match '^[ -~]+$' }).Count | Should -BeGreaterThan 0
    }

    It 'prints every card whole on <Paper> pages: each of the 12 codes reads back once from the rendered pages' -ForEach @(
        @{ Paper = 'A4'; PageSize = '1240x1754' }      # 210 x 297 mm at 150 dpi
        @{ Paper = 'Letter'; PageSize = '1275x1650' }  # 8.5 x 11 in at 150 dpi
    ) {
        if ($problem) { Set-ItResult -Skipped -Because $problem; return }
        $html = Join-Path $work "cards-$Paper.html"
        $pdf = Join-Path $work "cards-$Paper.pdf"
        $pages = Join-Path $work "page-$Paper"

        $links | Export-OmiseLinkQRCode -Format Html -Path $html -PaperSize $Paper -Title 'Invoices ใบแจ้งหนี้ March 2026' | Out-Null
        Invoke-ChromiumPrint -Html $html -Pdf $pdf
        & pdftoppm -r 150 -png $pdf $pages
        $LASTEXITCODE | Should -Be 0

        $pictures = @(Get-ChildItem -Path $work -Filter "page-$Paper*.png" | Sort-Object Name)
        $pictures.Count | Should -BeGreaterThan 1
        foreach ($picture in $pictures) { Get-PngSize $picture.FullName | Should -Be $PageSize }

        $read = @(& zbarimg -q --raw @($pictures.FullName) 2>$null | Where-Object { $_ })
        ($read | Sort-Object) -join "`n" | Should -Be (($links.PaymentUri | Sort-Object) -join "`n")

        # The Thai text is set in a font that has Thai letters, and is text in the PDF (not missing-glyph boxes).
        $fonts = (& pdffonts $pdf) -join "`n"
        $fonts | Should -Match 'Loma|Garuda|Noto ?Sans ?Thai|Sarabun|Leelawadee|Thonburi|Tahoma|Kinnari|Norasi|Waree|Umpush|Laksaman|Sawasdee|Purisa|Tlwg'
        $text = (& pdftotext -enc UTF-8 $pdf - | Out-String) -replace '\s', ''
        foreach ($title in @($links.Title | Where-Object { $_ -match '[\u0E00-\u0E7F]' })) {
            $text | Should -BeLike ('*' + ($title -replace '\s', '') + '*')
        }
        foreach ($amount in @($links.AmountText)) { $text | Should -BeLike ('*' + ($amount -replace '\s', '') + '*') }
    }
}
