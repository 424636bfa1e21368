#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Tab completion the way the console asks for it: TabExpansion2 on a line typed so far.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object { $_.CompletionText })
    }
}

AfterAll { Clear-TestSession }

Describe 'Tab completion' {
    It 'offers the five currencies for New-OmiseLink -Currency' {
        (Get-Completion 'New-OmiseLink -Currency ' | Sort-Object) -join ',' | Should -Be 'jpy,myr,sgd,thb,usd'
    }

    It 'completes a currency from its first letter' {
        Get-Completion 'New-OmiseLink -Currency j' | Should -Be @('jpy')
    }

    It 'offers the same currencies for Get-OmiseLink -Currency, from its ValidateSet' {
        (Get-Completion 'Get-OmiseLink -Currency ' | Sort-Object) -join ',' | Should -Be 'jpy,myr,sgd,thb,usd'
        Get-Completion 'Get-OmiseLink -Currency u' | Should -Be @('usd')
    }

    It 'offers the ids of links this session created for Get-OmiseLink -Id and Remove-OmiseLink -Id' {
        $link = New-OmiseLink -Amount 100 -Currency thb -Title 'Completed' -Description 'By tab'

        Get-Completion 'Get-OmiseLink -Id ' | Should -Contain $link.Id
        Get-Completion 'Remove-OmiseLink -Id ' | Should -Contain $link.Id
    }

    It 'narrows the ids to those starting with what is typed' {
        $links = 1..2 | ForEach-Object { New-OmiseLink -Amount 100 -Currency thb -Title "Tab $_" -Description 'By tab' }
        $prefix = $links[1].Id.Substring(0, $links[1].Id.Length - 3)

        $offered = Get-Completion "Get-OmiseLink -Id $prefix"

        $offered | Should -Contain $links[1].Id
        $offered | ForEach-Object { $_ | Should -BeLike "$prefix*" }
    }
}
