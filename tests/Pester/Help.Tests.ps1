#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Get-Help as a user reads it, for every exported cmdlet: the full help with every example of its docs/ page.

BeforeDiscovery {
    $manifest = Join-Path $PSScriptRoot '../../out/OmiseLinks/OmiseLinks.psd1'
    $cmdlets = @((Import-PowerShellDataFile $manifest).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $moduleManifest -Force
}

AfterAll { Remove-Module OmiseLinks -ErrorAction SilentlyContinue }

Describe 'Get-Help <Name> -Full' -ForEach $cmdlets {
    BeforeAll {
        $page = Get-Content -Path (Join-Path $repositoryRoot "docs/$Name.md") -Encoding UTF8
        $exampleTitles = @($page | Where-Object { $_ -match '^### Example \d+:' } | ForEach-Object { ($_ -replace '^### ', '').Trim() })
        $help = Get-Help $Name -Full
        $text = $help | Out-String -Width 200
    }

    It 'has a synopsis, a description, every parameter described and every example of docs/<Name>.md' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *"   # made up from the syntax when no help is found
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        $exampleTitles.Count | Should -BeGreaterOrEqual 2
        @($help.examples.example).Count | Should -Be $exampleTitles.Count
        foreach ($title in $exampleTitles) { $text | Should -Match ([regex]::Escape(($title -replace '^Example \d+: ', ''))) }
        foreach ($parameter in @($help.parameters.parameter | Where-Object { $_ -and $_.name })) {
            ($parameter.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) needs a description"
        }
    }
}

Describe 'about_OmiseLinks' {
    It 'is a help topic' {
        $topic = Get-Help about_OmiseLinks | Out-String
        $topic | Should -Match 'ReuseExisting'
        $topic | Should -Match 'OMISE_SECRET_KEY'
    }
}
