#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# What a person reads at a console: the table view, -WhatIf lines, errors, and never the key. Table layout details
# (columns, widths) are the format file's to choose: these tests look for the values a user needs, not the layout.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
}

AfterAll { Clear-TestSession }

Describe 'The table view of a link' {
    It 'shows the payment URI and the amount at 120 columns' {
        $link = New-OmiseLink -Amount 250000 -Currency thb -Title 'Thai lessons' -Description 'Ten lessons' -Reference 'INV-42'

        $table = $link | Format-Table | Out-String -Width 120

        $table | Should -Match 'https://link\.omise\.co/'
        $table | Should -Match '250000|250,000|2,500\.00|2500\.00'
        $table | Should -Match 'Thai lessons'
    }

    It 'shows each whole payment URI and the amount in currency units at <Width> columns, one line per link' -ForEach @(
        @{ Width = 120 }, @{ Width = 80 }
    ) {
        $links = 1..3 | ForEach-Object { New-OmiseLink -Amount (150050 * $_) -Currency thb -Title "Plan $_ ($Width columns)" -Description 'Monthly' -Reference "INV-$_" }

        $table = $links | Format-Table | Out-String -Width $Width

        foreach ($link in $links) { $table | Should -Match ([regex]::Escape($link.PaymentUri)) }
        $table | Should -Match '1,500\.50 THB'
        $table | Should -Match 'INV-3'
        @($table -split "`n" | Where-Object { $_ -match 'https://link\.omise\.co/' }).Count | Should -Be 3
        @($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt $Width }).Count | Should -Be 0
    }
}

Describe 'A console session' {
    It 'shows one "What if" line per row with -WhatIf, and the server holds nothing afterwards' {
        $before = Get-ServerLinkCount

        $console = Invoke-InConsole -Script "Import-Csv '$(Join-Path $repositoryRoot 'examples/invoices.csv')' | New-OmiseLink -WhatIf"

        $console.ExitCode | Should -Be 0
        @($console.Text -split "`n" | Where-Object { $_ -match '^What if: ' }).Count | Should -Be 12
        $console.Text | Should -Match 'Tokyo workshop seat'
        Get-ServerLinkCount | Should -Be $before
    }

    It 'shows a bad row as one error naming the field and the value, and the good rows go on' {
        $csv = New-ExcelCsv -Name 'console-bad.csv' -Lines @(
            'invoice,amount,currency,title,description'
            'INV-1,100,thb,good,fine'
            'INV-2,"1,500",thb,bad,comma'
            'INV-3,300,thb,also good,fine'
        )

        $console = Invoke-InConsole -Script "Import-Csv '$csv' | New-OmiseLink | ForEach-Object { 'created ' + `$_.Reference }"

        $console.Output | Should -Match 'created INV-1'
        $console.Output | Should -Match 'created INV-3'
        $console.ErrorText | Should -Match 'New-OmiseLink'
        $console.ErrorText | Should -Match ([regex]::Escape("'1,500'"))
        $console.ErrorText | Should -Match 'Amount'
        $console.Text | Should -Not -Match 'at System\.|   at '   # no stack trace
    }

    It 'says what to do when nothing is connected' {
        $console = Invoke-TestConsole -Script "Import-Module '$moduleManifest'; New-OmiseLink -Amount 100 -Currency thb -Title t -Description d" -Environment @{ OMISE_SECRET_KEY = $null; OMISE_API_URI = $null }

        $console.ErrorText | Should -Match 'Connect-Omise'
    }

    It 'never shows the secret key: not in any stream, the session, errors or the exported file' {
        $csv = New-ExcelCsv -Name 'secret.csv' -Lines @(
            'invoice,amount,currency,title,description'
            'INV-100,100,thb,good,fine'
            'INV-101,1.5,thb,bad,fraction'
        )
        $out = Join-Path $work 'secret-links.csv'
        $Error.Clear()

        $everything = & {
            $DebugPreference = 'Continue'   # not -Debug: in Windows PowerShell 5.1 that would ask before every message
            Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri -PassThru -Verbose | Format-List -Property * | Out-String -Width 4096
            Import-Csv -Path $csv | New-OmiseLink -Verbose -ErrorAction Continue | Export-Csv -Path $out -NoTypeInformation
        } *>&1 | Out-String -Width 4096
        $everything += Get-Content -Path $out -Raw
        $everything += $Error | ForEach-Object { "$_ $($_.Exception) $($_.TargetObject)" } | Out-String -Width 4096

        $everything.Contains('KeyHint') | Should -BeTrue
        $everything.Contains('GET /account') | Should -BeTrue
        $everything.Contains("'1.5'") | Should -BeTrue
        $everything.Contains($emulator.SecretKey) | Should -BeFalse
    }
}
