#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# A link's life through the pipeline (New | Get | Remove), payments, and an interrupted run resumed safely.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
}

AfterAll { Clear-TestSession }

Describe 'New | Get | Remove' {
    It 'reads back the link just created and removes it, leaving it out of the list' {
        $created = New-OmiseLink -Amount 150050 -Currency thb -Title 'Invoice 1007' -Description 'Consulting, November'

        $read = $created | Get-OmiseLink
        $removed = $read | Remove-OmiseLink -Confirm:$false -PassThru

        $read.Id | Should -Be $created.Id
        $read.Amount | Should -Be 150050
        $removed.Deleted | Should -BeTrue
        @(Get-OmiseLink | Where-Object Id -eq $created.Id).Count | Should -Be 0
        @(Get-OmiseLink -IncludeDeleted | Where-Object Id -eq $created.Id).Count | Should -Be 1
    }

    It 'removes nothing with -WhatIf, and without -PassThru removes the link writing nothing' {
        $link = New-OmiseLink -Amount 100 -Currency thb -Title 'Keep me' -Description 'Still here'

        $link | Remove-OmiseLink -WhatIf
        (Get-OmiseLink -Id $link.Id).Deleted | Should -BeFalse
        $quiet = @($link | Remove-OmiseLink -Confirm:$false)

        $quiet.Count | Should -Be 0
        (Get-OmiseLink -Id $link.Id).Deleted | Should -BeTrue
    }

    It 'reports an unknown id as one NotFound error and goes on with the other ids' {
        $link = New-OmiseLink -Amount 100 -Currency thb -Title 'Known' -Description 'Exists'

        $found = @(Get-OmiseLink -Id 'link_test_nosuchlink0000001', $link.Id -ErrorVariable lookUpErrors -ErrorAction SilentlyContinue)

        $found.Id | Should -Be $link.Id
        $lookUpErrors.Count | Should -Be 1
        $lookUpErrors[0].FullyQualifiedErrorId | Should -BeLike 'NotFound,*'
        $lookUpErrors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows the charge a customer paid through a link, and the link as used' {
        $link = New-OmiseLink -Amount 35000 -Currency jpy -Title 'Workshop seat' -Description 'One seat'
        $null = Invoke-TestEmulatorPayment -Emulator $emulator -LinkId $link.Id

        $charges = @($link | Get-OmiseLinkCharge)

        $charges.Count | Should -Be 1
        $charges[0].Amount | Should -Be 35000
        (Get-OmiseLink -Id $link.Id).Used | Should -BeTrue
    }

    It 'stops asking the server for pages once Select-Object -First has what it needs' {
        1..45 | ForEach-Object { [pscustomobject]@{ amount = '100'; currency = 'thb'; title = "Page $_"; description = 'Paging' } } |
            New-OmiseLink -ThrottleLimit 10 | Out-Null
        $before = (Get-TestEmulatorStats -Emulator $emulator).request_count

        $first = @(Get-OmiseLink | Select-Object -First 2)

        $first.Count | Should -Be 2
        ((Get-TestEmulatorStats -Emulator $emulator).request_count - $before) | Should -BeLessOrEqual 2
    }
}

Describe 'An interrupted run, run again with -ReuseExisting' {
    It 'creates only the missing links: the server holds one link per row, no duplicates' {
        Reset-TestEmulator -Emulator $emulator
        $rows = 1..20 | ForEach-Object {
            [pscustomobject]@{ invoice = 'INV-{0:000}' -f $_; amount = [string](1000 + $_); currency = 'thb'; title = "Order $_"; description = 'Resumed run' }
        }
        $csv = Join-Path $work 'resume.csv'
        $rows | Export-Csv -Path $csv -NoTypeInformation

        # The first run, in a PowerShell process of its own on a slow server (100 ms a request), is ended from outside
        # part way, as closing the window or a runbook killed for time would end it.
        Set-TestEmulatorFaults -Emulator $emulator -Faults @{ latency_ms = 100 }
        try {
            $first = Invoke-TestConsole -NoWait -Environment @{ OMISE_SECRET_KEY = $emulator.SecretKey; OMISE_API_URI = $emulator.BaseUri.ToString() } -Script (
                "Import-Module '$moduleManifest'; Connect-Omise; Import-Csv '$csv' | New-OmiseLink -ThrottleLimit 1 | Export-Csv '$csv.out' -NoTypeInformation")
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-ServerLinkCount) -lt 5 -and -not $first.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Stop-Process -Id $first.Id -Force
            $first.WaitForExit()
        }
        finally { Set-TestEmulatorFaults -Emulator $emulator }
        $afterInterruption = Get-ServerLinkCount

        $links = @(Import-Csv $csv | New-OmiseLink -ReuseExisting)

        $afterInterruption | Should -BeGreaterOrEqual 5
        $afterInterruption | Should -BeLessThan 20
        $links.Count | Should -Be 20
        ($links.Reference -join ',') | Should -Be ($rows.invoice -join ',')
        @($links | Where-Object Reused).Count | Should -Be $afterInterruption
        Get-ServerLinkCount | Should -Be 20
        @(Get-OmiseLink | Select-Object -ExpandProperty Id | Sort-Object -Unique).Count | Should -Be 20
    }
}
