#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# The user flows of the xunit suite, the way a person runs them: the built module from out/OmiseLinks, real CSV files
# through Import-Csv and Export-Csv, and the emulator as a separate process. Runs in Windows PowerShell 5.1 and
# PowerShell 7 (CI), with Pester 5: Invoke-Pester tests/Pester

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEmulator.ps1')
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $emulator = Start-TestEmulator -RepositoryRoot $repositoryRoot
    Import-Module (Join-Path $repositoryRoot 'out/OmiseLinks/OmiseLinks.psd1') -Force
    $secureKey = ConvertTo-SecureString -String $emulator.SecretKey -AsPlainText -Force
    Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri

    $work = Join-Path ([System.IO.Path]::GetTempPath()) ('omiselinks-pester-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null

    function New-TestCsv {
        param([string] $Name, [object[]] $Rows)
        $path = Join-Path $work $Name
        $Rows | Export-Csv -Path $path -NoTypeInformation -Encoding UTF8
        $path
    }

    function New-Row {
        param([string] $Amount, [string] $Title, [string] $Invoice = '', [string] $Currency = 'THB', [string] $Multiple = 'FALSE')
        [pscustomobject]@{ Invoice = $Invoice; Amount = $Amount; Currency = $Currency; Title = $Title; Description = 'Consulting, November'; Multiple = $Multiple }
    }
}

AfterAll {
    Disconnect-Omise -ErrorAction SilentlyContinue
    Remove-Module OmiseLinks -ErrorAction SilentlyContinue
    if ($emulator) { Stop-TestEmulator -Emulator $emulator }
    if ($work) { Remove-Item -Path $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'New-OmiseLink from a CSV file' {
    It 'writes one link per row, in row order, and Export-Csv keeps the reference to join back' {
        $before = Get-TestEmulatorStats -Emulator $emulator
        $csv = New-TestCsv -Name 'invoices.csv' -Rows @(
            New-Row -Amount '150000' -Title 'Website retainer' -Invoice 'INV-001'
            New-Row -Amount '2500' -Title 'Support hours' -Invoice 'INV-002' -Currency 'usd'
            New-Row -Amount '990' -Title 'Monthly plan' -Invoice 'INV-003' -Multiple 'TRUE'
        )
        $out = Join-Path $work 'links.csv'

        Import-Csv -Path $csv | New-OmiseLink | Export-Csv -Path $out -NoTypeInformation

        $links = @(Import-Csv -Path $out)
        $links.Count | Should -Be 3
        ($links.Reference -join ',') | Should -Be 'INV-001,INV-002,INV-003'
        ($links.Amount -join ',') | Should -Be '150000,2500,990'
        ($links.Currency -join ',') | Should -Be 'THB,USD,THB'
        ($links.Multiple -join ',') | Should -Be 'False,False,True'
        foreach ($link in $links) {
            $link.Id | Should -Match '^link_test_[0-9a-z]+$'
            $link.PaymentUri | Should -Match '^https://link\.omise\.co/'
        }
        @($links.Id | Sort-Object -Unique).Count | Should -Be 3
        (Get-TestEmulatorStats -Emulator $emulator).links | Should -Be ($before.links + 3)
    }

    It 'fails a row with a bad amount alone and creates the rows around it' {
        $before = Get-TestEmulatorStats -Emulator $emulator
        $csv = New-TestCsv -Name 'bad-amount.csv' -Rows @(
            New-Row -Amount '100' -Title 'before'
            New-Row -Amount '1,500' -Title 'bad'
            New-Row -Amount '300' -Title 'after'
        )

        $links = @(Import-Csv -Path $csv | New-OmiseLink -ThrottleLimit 1 -ErrorVariable rowErrors -ErrorAction SilentlyContinue)

        ($links.Title -join ',') | Should -Be 'before,after'
        $rowErrors.Count | Should -Be 1
        $rowErrors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAmount,*'
        "$($rowErrors[0])" | Should -BeLike 'Row 2*'
        "$($rowErrors[0])" | Should -Match ([regex]::Escape("Amount '1,500'"))
        $rowErrors[0].TargetObject.Title | Should -Be 'bad'
        (Get-TestEmulatorStats -Emulator $emulator).links | Should -Be ($before.links + 2)
    }

    It 'sends nothing with -WhatIf' {
        $before = Get-TestEmulatorStats -Emulator $emulator
        $csv = New-TestCsv -Name 'whatif.csv' -Rows @(
            New-Row -Amount '100' -Title 'one'
            New-Row -Amount '200' -Title 'two'
        )

        $links = @(Import-Csv -Path $csv | New-OmiseLink -WhatIf)

        $links.Count | Should -Be 0
        $after = Get-TestEmulatorStats -Emulator $emulator
        $after.request_count | Should -Be $before.request_count
        $after.links | Should -Be $before.links
    }

    It 'never shows the secret key: not in any stream, the session, errors or the exported file' {
        $csv = New-TestCsv -Name 'mixed.csv' -Rows @(
            New-Row -Amount '100' -Title 'good' -Invoice 'INV-100'
            New-Row -Amount '1.5' -Title 'bad' -Invoice 'INV-101'
        )
        $out = Join-Path $work 'mixed-links.csv'
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
        $everything.Contains("Amount '1.5'") | Should -BeTrue
        $everything.Contains($emulator.SecretKey) | Should -BeFalse
    }
}
