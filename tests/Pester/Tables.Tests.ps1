#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Tables a person reads: Format-Table -View Wide at 120 and 80 columns, and the output tables of the help examples as
# Get-Help -Examples shows them.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
}

AfterAll { Clear-TestSession }

Describe 'Format-Table -View Wide' {
    BeforeAll {
        Reset-TestEmulator -Emulator $emulator
        $links = @(
            [pscustomobject]@{ invoice = 'INV-2026-1007'; amount = '15005000'; currency = 'thb'; title = 'Consulting, November: twenty hours of on-site work'; description = 'd' }
            [pscustomobject]@{ invoice = 'INV-2026-1008'; amount = '3500000'; currency = 'jpy'; title = 'Tokyo workshop seat'; description = 'd' }
        ) | New-OmiseLink 6>$null
        function Get-TableLine([int] $Width) {
            @(($links | Format-Table -View Wide | Out-String -Width $Width) -split '\r?\n' | ForEach-Object { $_.TrimEnd() } | Where-Object { $_ })
        }
    }

    It 'fits 120 columns with its headers on one line and every address whole' {
        $lines = Get-TableLine 120

        $lines[0] -split ' +' | Should -Be @('Id', 'Reference', 'Amount', 'PaymentUri', 'Status', 'Created')
        $lines[1] | Should -Match '^-+( +-+){5}$'
        $lines.Count | Should -Be 4
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 120 }
        $lines[2] | Should -Match ('^{0} +INV-2026-1007 +150,050\.00 THB {1} unpaid +\d{{4}}-\d\d-\d\d$' -f $links[0].Id, [regex]::Escape($links[0].PaymentUri))
        $lines[3] | Should -Match ('^{0} +INV-2026-1008 +3,500,000 JPY {1} unpaid ' -f $links[1].Id, [regex]::Escape($links[1].PaymentUri))
    }

    It 'keeps the id, the reference and the amount whole at 80 columns' {
        $lines = Get-TableLine 80

        $lines[0] | Should -Match '^Id +Reference +Amount '
        $lines.Count | Should -Be 4
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match ('^{0} +INV-2026-1007 +150,050\.00 THB ' -f $links[0].Id)
    }
}

Describe 'Output tables in Get-Help -Examples' {
    It 'keep the header in line with its rows, as the docs page shows it' {
        $checked = 0
        foreach ($page in Get-ChildItem -Path (Join-Path $repositoryRoot 'docs') -Filter '*-Omise*.md') {
            $lines = @(Get-Content -Path $page.FullName -Encoding UTF8)
            $help = @((Get-Help $page.BaseName -Examples | Out-String -Width 250) -split '\r?\n')
            $inOutput = $false
            for ($i = 0; $i -lt $lines.Count; $i++) {
                if ($lines[$i] -eq '```output') { $inOutput = $true; continue }
                if ($lines[$i] -eq '```') { $inOutput = $false; continue }
                # A header line followed by its line of dashes: the dashes start where the header's first column does.
                if (-not $inOutput -or $lines[$i] -notmatch '^ *-{2,}( +-+)*$' -or $i -eq 0) { continue }
                $header = $lines[$i - 1]
                $at = [array]::IndexOf($help, @($help | Where-Object { $_.Trim() -eq $header.Trim() })[0])
                $at | Should -BeGreaterOrEqual 0 -Because "$($page.Name) line $i's table header '$($header.Trim())' is in Get-Help -Examples"
                $shift = $help[$at].Length - $help[$at].TrimStart().Length - ($header.Length - $header.TrimStart().Length)
                $dashShift = $help[$at + 1].Length - $help[$at + 1].TrimStart().Length - ($lines[$i].Length - $lines[$i].TrimStart().Length)
                $dashShift | Should -Be $shift -Because "$($page.Name): the header '$($header.Trim())' and the dashes under it move together"
                $checked++
            }
        }
        $checked | Should -BeGreaterOrEqual 2
    }
}
