#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# The PowerShell Gallery install, rehearsed: the package build.ps1 Package publishes to out/package is installed with
# Install-PSResource into a clean, empty profile, imported by name in a new process and used against the emulator.

BeforeDiscovery {
    $package = @(Get-ChildItem -Path (Join-Path $PSScriptRoot '../../out/package') -Filter 'OmiseLinks.*.nupkg' -ErrorAction SilentlyContinue)
    $canInstall = $PSVersionTable.PSEdition -eq 'Core' -and -not $IsWindows -and (Get-Command Install-PSResource -ErrorAction SilentlyContinue)
    $skip = -not ($package.Count -eq 1 -and $canInstall)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $package = @(Get-ChildItem -Path (Join-Path $repositoryRoot 'out/package') -Filter 'OmiseLinks.*.nupkg' -ErrorAction SilentlyContinue)
}

Describe 'The package' {
    It 'is there: build.ps1 Package (part of build.ps1 Test on PowerShell 7.4+) made it' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $package.Count | Should -Be 1
    }

    It 'holds exactly what ships: the module files, nothing else' -Skip:($package.Count -ne 1) {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package[0].FullName)
        try { $entries = @($zip.Entries | ForEach-Object { [uri]::UnescapeDataString($_.FullName) }) }
        finally { $zip.Dispose() }
        $content = @($entries | Where-Object { $_ -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|[^/]+\.nuspec$)' } | Sort-Object)

        # What ships is what the build laid out in out/OmiseLinks (whose exact file list the xunit layout test pins).
        $laidOut = Join-Path $repositoryRoot 'out/OmiseLinks'
        $shouldShip = @(Get-ChildItem -Path $laidOut -Recurse -File |
            ForEach-Object { $_.FullName.Substring($laidOut.Length + 1).Replace('\', '/') }) | Sort-Object
        $shouldShip | Should -Contain 'OmiseLinks.dll'
        ($content -join "`n") | Should -Be ($shouldShip -join "`n")
    }
}

Describe 'Install-PSResource from a local repository' -Skip:$skip {
    BeforeAll {
        $emulator = Start-TestEmulator -RepositoryRoot $repositoryRoot
        # A clean profile: no module path, repository list or cache of the person running the tests is used or touched.
        $profileRoot = Join-Path ([System.IO.Path]::GetTempPath()) ('omiselinks-install-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $profileRoot | Out-Null
        # (PSResourceGet installs under $HOME/.local/share whatever XDG_DATA_HOME says, so no XDG_* variable is kept.)
        $cleanProfile = @{ HOME = $profileRoot; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }
        $install = Invoke-TestConsole -Environment $cleanProfile -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name OmiseLinksTest -Uri '$(Split-Path $package[0].FullName -Parent)' -Trusted
Install-PSResource -Name OmiseLinks -Repository OmiseLinksTest -Scope CurrentUser -Confirm:`$false
"@
    }

    AfterAll {
        if ($emulator) { Stop-TestEmulator -Emulator $emulator }
        Remove-Item -Path $profileRoot -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'installs into the clean profile without prompting' {
        $install.ExitCode | Should -Be 0 -Because $install.Text
        Test-Path (Join-Path $profileRoot '.local/share/powershell/Modules/OmiseLinks') | Should -BeTrue
    }

    It 'imports by name in a new process and creates a link' {
        $environment = $cleanProfile.Clone()
        $environment.OMISE_SECRET_KEY = $emulator.SecretKey
        $environment.OMISE_API_URI = $emulator.BaseUri.ToString()

        $run = Invoke-TestConsole -Environment $environment -Script @'
$ErrorActionPreference = 'Stop'
Import-Module OmiseLinks
'base=' + (Get-Module OmiseLinks).ModuleBase
Connect-Omise
$link = New-OmiseLink -Amount 100 -Currency thb -Title 'Installed' -Description 'From the package'
'uri=' + $link.PaymentUri
'@

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Output | Should -Match ('base=' + [regex]::Escape($profileRoot))
        $run.Output | Should -Match 'uri=https://link\.omise\.co/[0-9A-Z]+'
        (Get-TestEmulatorStats -Emulator $emulator).links | Should -Be 1
    }
}
