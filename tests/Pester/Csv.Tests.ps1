#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# The main job, as a user runs it: CSV files in (as Excel and Export-Csv write them), links out, through the real
# Import-Csv and Export-Csv. What the server holds is counted through the emulator's admin endpoint.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
    $header = 'invoice,amount,currency,title,description,multiple'
}

AfterAll { Clear-TestSession }

Describe 'Import-Csv | New-OmiseLink | Export-Csv' {
    It 'turns the example invoices into one link each, in row order, and Export-Csv keeps the invoice to join back' {
        $before = Get-ServerLinkCount
        $out = Join-Path $work 'links.csv'

        Import-Csv (Join-Path $repositoryRoot 'examples/invoices.csv') | New-OmiseLink | Export-Csv $out -NoTypeInformation

        $rows = @(Import-Csv (Join-Path $repositoryRoot 'examples/invoices.csv'))
        $links = @(Import-Csv $out)
        $links.Count | Should -Be 12
        ($links.Reference -join ',') | Should -Be ($rows.invoice -join ',')
        ($links.Amount -join ',') | Should -Be ($rows.amount -join ',')
        foreach ($link in $links) {
            $link.Id | Should -Match '^link_test_[0-9a-z]+$'
            $link.PaymentUri | Should -Match '^https://link\.omise\.co/[0-9A-Z]+$'
        }
        @($links.Id | Sort-Object -Unique).Count | Should -Be 12
        Get-ServerLinkCount | Should -Be ($before + 12)
    }

    It 'reads an Excel "CSV UTF-8" file (byte order mark, CRLF, quoted commas) with Thai titles intact' {
        $thai = Get-ThaiTitle
        $csv = New-ExcelCsv -Name 'excel.csv' -Lines @(
            $header
            "INV-1,250000,THB,$thai,""Lessons, March"",FALSE"
            'INV-2,9900,usd,E-book bundle,Three e-books,FALSE'
        )
        $out = Join-Path $work 'excel-links.csv'

        Import-Csv $csv | New-OmiseLink | Export-Csv $out -NoTypeInformation -Encoding UTF8

        $links = @(Import-Csv $out -Encoding UTF8)
        $links.Count | Should -Be 2
        $links[0].Reference | Should -Be 'INV-1'
        $links[0].Title | Should -Be $thai
        $links[0].Description | Should -Be 'Lessons, March'
        $links[0].Currency | Should -Be 'THB'
        $links[1].Currency | Should -Be 'USD'
        (Get-OmiseLink -Id $links[0].Id).Title | Should -Be $thai
    }

    It 'makes two links from two rows with the same fields and their own invoice numbers' {
        $before = Get-ServerLinkCount
        $csv = New-ExcelCsv -Name 'twins.csv' -Lines @(
            $header
            'INV-7,35000,thb,Yoga drop-in class,One class,false'
            'INV-8,35000,thb,Yoga drop-in class,One class,false'
        )

        $links = @(Import-Csv $csv | New-OmiseLink)

        $links.Count | Should -Be 2
        $links[0].Id | Should -Not -Be $links[1].Id
        Get-ServerLinkCount | Should -Be ($before + 2)
    }

    It 'refuses a copied line (the same invoice number twice) unless -AllowDuplicate, naming the first row' {
        $before = Get-ServerLinkCount
        $csv = New-ExcelCsv -Name 'copied-line.csv' -Lines @(
            $header
            'INV-9,120000,thb,Yoga month pass,Unlimited classes,false'
            'INV-9,120000,thb,Yoga month pass,Unlimited classes,false'
        )

        $links = @(Import-Csv $csv | New-OmiseLink -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

        $links.Count | Should -Be 1
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateReference,*'
        "$($failed[0])" | Should -BeLike 'Row 2 (line 3, INV-9): The reference INV-9 was already used by row 1 (line 2)*'
        Get-ServerLinkCount | Should -Be ($before + 1)

        @(Import-Csv $csv | New-OmiseLink -AllowDuplicate).Count | Should -Be 2
        Get-ServerLinkCount | Should -Be ($before + 3)
    }

    It 'fails each bad row alone, with its own error naming the value, and still makes the good rows' {
        $before = Get-ServerLinkCount
        $csv = New-ExcelCsv -Name 'mixed.csv' -Lines @(
            $header
            'INV-1,100,thb,first,good,false'
            'INV-2,"1,500",thb,comma,bad amount,false'
            'INV-3,300,thb,third,good,false'
            'INV-4,1500.50,thb,decimal,bad amount,false'
            'INV-5,500,btc,coin,bad currency,false'
            'INV-6,600,thb,sixth,good,maybe'
            'INV-7,700,thb,seventh,good,false'
        )

        $links = @(Import-Csv $csv | New-OmiseLink -ErrorVariable rowErrors -ErrorAction SilentlyContinue)

        ($links.Reference -join ',') | Should -Be 'INV-1,INV-3,INV-7'
        $rowErrors.Count | Should -Be 4
        (@($rowErrors | ForEach-Object { $_.TargetObject.invoice }) -join ',') | Should -Be 'INV-2,INV-4,INV-5,INV-6'
        "$($rowErrors[0])" | Should -Match ([regex]::Escape("'1,500'"))
        "$($rowErrors[1])" | Should -Match ([regex]::Escape("'1500.50'"))
        $rowErrors[0].FullyQualifiedErrorId | Should -BeLike '*,OmiseLinks.Commands.NewOmiseLinkCommand'
        Get-ServerLinkCount | Should -Be ($before + 3)
    }

    It 'stops at the first bad row with -ErrorAction Stop' {
        $before = Get-ServerLinkCount
        $csv = New-ExcelCsv -Name 'stop.csv' -Lines @(
            $header
            'INV-1,1e3,thb,bad,scientific,false'
            'INV-2,200,thb,never,not reached,false'
        )

        { Import-Csv $csv | New-OmiseLink -ThrottleLimit 1 -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'1e3'*"

        Get-ServerLinkCount | Should -Be $before
    }

    It 'with -Unordered writes the rows after one the server keeps failing without waiting for it' {
        $before = Get-ServerLinkCount
        $csv = New-ExcelCsv -Name 'unordered.csv' -Lines (@($header, 'UO-1,20001,thb,Unordered 1 SLOW,answered 503 every time,false') +
            @(2..6 | ForEach-Object { "UO-$_,2000$_,thb,Unordered $_,goes on,false" }))
        $out = Join-Path $work 'unordered-links.csv'
        Set-TestEmulatorFaults -Emulator $emulator -Faults @{ refuse_title_containing = ' SLOW'; refuse_status = 503 }
        try {
            # The first row's create is answered 503 and looked up through the settle interval (3 s) before it fails; the
            # links and the error are seen in the order they come, each link appended to the file as it comes.
            $seen = @(Import-Csv $csv | New-OmiseLink -Unordered -MaxAttempts 1 -ErrorAction Continue 2>&1 | ForEach-Object {
                    if ($_ -is [System.Management.Automation.ErrorRecord]) { "error $($_.TargetObject.invoice)" }
                    else { $_ | Export-Csv $out -Append -NoTypeInformation; $_.Reference }
                })
        } finally {
            Set-TestEmulatorFaults -Emulator $emulator
        }

        $seen[-1] | Should -Be 'error UO-1'
        ($seen[0..4] | Sort-Object) -join ',' | Should -Be 'UO-2,UO-3,UO-4,UO-5,UO-6'
        (@(Import-Csv $out).Reference | Sort-Object) -join ',' | Should -Be 'UO-2,UO-3,UO-4,UO-5,UO-6'
        Get-ServerLinkCount | Should -Be ($before + 5)
    }

    It 'binds the column names a spreadsheet is likely to use' {
        $csv = New-ExcelCsv -Name 'aliases.csv' -Lines @(
            'OrderId,AmountSatang,Ccy,Subject,Memo,Reusable'
            'A-77,120000,thb,Cooking class,Saturday 10:00,yes'
        )

        $link = Import-Csv $csv | New-OmiseLink

        $link.Reference | Should -Be 'A-77'
        $link.Amount | Should -Be 120000
        $link.Title | Should -Be 'Cooking class'
        $link.Multiple | Should -BeTrue
    }

    It 'exports every field of the link, the charges as ids' {
        $out = Join-Path $work 'fields.csv'
        New-OmiseLink -Amount 100 -Currency thb -Title 'Fields' -Description 'All of them' | Export-Csv $out -NoTypeInformation

        $columns = (Get-Content $out -TotalCount 1) -replace '"', ''

        foreach ($name in 'Reference', 'Id', 'Amount', 'Currency', 'Title', 'Description', 'Multiple', 'Used', 'PaymentUri', 'CreatedAt', 'Charges') {
            $columns.Split(',') | Should -Contain $name
        }
    }
}

Describe 'New-OmiseLink -WhatIf' {
    It 'previews every row and creates nothing: the server holds no more links and saw no create' {
        $before = Get-TestEmulatorStats -Emulator $emulator

        $links = @(Import-Csv (Join-Path $repositoryRoot 'examples/invoices.csv') | New-OmiseLink -WhatIf)

        $links.Count | Should -Be 0
        $after = Get-TestEmulatorStats -Emulator $emulator
        $after.links | Should -Be $before.links
        # No create; the reads are the duplicate guard's, as a real run would make them.
        $after.create_requests | Should -Be $before.create_requests
    }
}
