<#
.SYNOPSIS
    Builds, tests and packages the OmiseLinks module.

.DESCRIPTION
    Runs the named tasks, always in the order below whatever order they are given in. It runs in Windows PowerShell 5.1
    and in PowerShell 7, and needs the .NET 10 SDK (the tests and the emulator target net10.0).

    Build    dotnet build -c <Configuration>. The build lays out the importable module in out/OmiseLinks
             (assemblies, format file, LICENSE, help, and the manifest with the version from Directory.Build.props).
    Test     dotnet test on the solution (xunit: the hosted-engine tests and the unit tests), then the Pester tests
             under tests/Pester in a new process of the PowerShell running this script (powershell.exe or pwsh), so
             Windows PowerShell 5.1 tests the module in Windows PowerShell. Pester 5 is needed for that part; without
             it the script says how to install it and skips it.
    Help     Where Microsoft.PowerShell.PlatyPS is installed: turns the cmdlet pages in docs/ into
             out/OmiseLinks/en-US/OmiseLinks.dll-Help.xml with Import-MarkdownCommandHelp | Export-MamlCommandHelp.
             Without platyPS there is nothing to do: the .NET build already writes the help files.
    Package  Builds in Release, then publishes out/OmiseLinks to a temporary local file repository registered for the
             occasion, which leaves out/package/OmiseLinks.<version>.nupkg: the file the PowerShell Gallery receives.
             Uses Publish-PSResource (Microsoft.PowerShell.PSResourceGet, in PowerShell 7.4+) where present, else
             Publish-Module (PowerShellGet 2). Nothing is sent anywhere. To release, publish the same folder to the
             Gallery yourself: Publish-PSResource -Path out/OmiseLinks -Repository PSGallery -ApiKey <key>.
    Demo     dotnet run --project tools/OmiseLinks.Demo.

.PARAMETER Task
    One or more of Build, Test, Help, Package, Demo. Default: Build, Test.

.PARAMETER Configuration
    Release (default) or Debug. Package always builds Release.

.EXAMPLE
    ./build.ps1

    Builds the module in Release and runs every test suite.

.EXAMPLE
    ./build.ps1 -Task Package

    Builds in Release and writes out/package/OmiseLinks.<version>.nupkg.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Package', 'Demo')]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$root = $PSScriptRoot
$solution = Join-Path $root 'Omise.PowerShell.sln'
$moduleFolder = Join-Path $root 'out/OmiseLinks'
$manifest = Join-Path $moduleFolder 'OmiseLinks.psd1'
$packageFolder = Join-Path $root 'out/package'

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Host "> dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-BuildTask {
    param([string] $BuildConfiguration)
    Invoke-Dotnet -Arguments @('build', $solution, '-c', $BuildConfiguration, '--nologo')
    if (-not (Test-Path $manifest)) { throw "The build did not lay out the module: $manifest is missing." }
}

function Invoke-TestTask {
    Invoke-Dotnet -Arguments @('test', $solution, '-c', $Configuration, '--nologo')

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed, so the Pester tests were skipped. Install it with: Install-Module Pester -MinimumVersion 5.5.0 -Scope CurrentUser -Force -SkipPublisherCheck'
        return
    }
    # A new process, so the module DLLs it loads are not held by this one, and Windows PowerShell tests in Windows PowerShell.
    $shell = (Get-Process -Id $PID).Path
    $pesterPath = Join-Path $root 'tests/Pester'
    $command = "Import-Module Pester -MinimumVersion 5.0; " +
        "`$configuration = New-PesterConfiguration; " +
        "`$configuration.Run.Path = '$($pesterPath -replace "'", "''")'; " +
        "`$configuration.Run.Exit = `$true; " +
        "`$configuration.Output.Verbosity = 'Detailed'; " +
        "Invoke-Pester -Configuration `$configuration"
    $shellArguments = @('-NoProfile', '-NonInteractive')
    # For this child process only: the Pester files and the emulator helper are unsigned local scripts.
    if ([Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT) { $shellArguments += @('-ExecutionPolicy', 'Bypass') }
    Write-Host "> $shell $($shellArguments -join ' ') -Command Invoke-Pester $pesterPath"
    & $shell @shellArguments -Command $command
    if ($LASTEXITCODE -ne 0) { throw "The Pester tests failed (exit code $LASTEXITCODE)." }
}

function Invoke-HelpTask {
    $platyPS = Get-Module -ListAvailable -Name Microsoft.PowerShell.PlatyPS | Select-Object -First 1
    if (-not $platyPS) {
        Write-Host 'Microsoft.PowerShell.PlatyPS is not installed: nothing to do, the .NET build already wrote out/OmiseLinks/en-US from docs/.'
        return
    }
    if (-not (Test-Path $manifest)) { throw "Run the Build task first: $manifest is missing." }
    Import-Module $platyPS
    $staging = Join-Path ([System.IO.Path]::GetTempPath()) ('omiselinks-maml-' + [guid]::NewGuid().ToString('N'))
    try {
        $pages = Measure-PlatyPSMarkdown -Path (Join-Path $root 'docs/*.md') | Where-Object { $_.FileType -match 'CommandHelp' }
        $pages | Import-MarkdownCommandHelp -Path { $_.FilePath } | Export-MamlCommandHelp -OutputFolder $staging -Force | Out-Null
        $maml = @(Get-ChildItem -Path $staging -Filter '*.xml' -Recurse)
        if ($maml.Count -ne 1) { throw "Expected one MAML file from platyPS, found $($maml.Count) in $staging." }
        $helpFolder = Join-Path $moduleFolder 'en-US'
        New-Item -ItemType Directory -Path $helpFolder -Force | Out-Null
        Copy-Item -Path $maml[0].FullName -Destination (Join-Path $helpFolder 'OmiseLinks.dll-Help.xml') -Force
        Write-Host "Wrote $(Join-Path $helpFolder 'OmiseLinks.dll-Help.xml') with platyPS $($platyPS.Version)."
    }
    finally {
        Remove-Item -Path $staging -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-PackageTask {
    $repositoryName = 'OmiseLinksLocal-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    New-Item -ItemType Directory -Path $packageFolder -Force | Out-Null
    Remove-Item -Path (Join-Path $packageFolder 'OmiseLinks.*.nupkg') -ErrorAction SilentlyContinue

    if (Get-Command Publish-PSResource -ErrorAction SilentlyContinue) {
        Register-PSResourceRepository -Name $repositoryName -Uri $packageFolder -Trusted
        try { Publish-PSResource -Path $moduleFolder -Repository $repositoryName }
        finally { Unregister-PSResourceRepository -Name $repositoryName }
    }
    elseif (Get-Command Publish-Module -ErrorAction SilentlyContinue) {
        Register-PSRepository -Name $repositoryName -SourceLocation $packageFolder -PublishLocation $packageFolder -InstallationPolicy Trusted
        try { Publish-Module -Path $moduleFolder -Repository $repositoryName }
        finally { Unregister-PSRepository -Name $repositoryName }
    }
    else {
        throw 'Neither Publish-PSResource (Microsoft.PowerShell.PSResourceGet) nor Publish-Module (PowerShellGet) is available. Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser'
    }

    $package = @(Get-ChildItem -Path $packageFolder -Filter 'OmiseLinks.*.nupkg')
    if ($package.Count -ne 1) { throw "Expected one OmiseLinks package in $packageFolder, found $($package.Count)." }
    Write-Host "Package: $($package[0].FullName)"
}

function Invoke-DemoTask {
    $project = Join-Path $root 'tools/OmiseLinks.Demo'
    if (-not (Test-Path $project)) { throw "The demo project is not in this checkout: $project" }
    Invoke-Dotnet -Arguments @('run', '--project', $project, '-c', $Configuration)
}

# The order is fixed: Test (dotnet test builds, and every build lays out out/OmiseLinks anew) comes before Help, so
# the help platyPS writes is still there when Package packs the folder. Package always packs a Release build.
$selected = @($Task)
if ($selected -contains 'Package') {
    if ($Configuration -ne 'Release' -and $selected -contains 'Build') { throw 'Package packs a Release build: use -Configuration Release.' }
    $Configuration = 'Release'
    if ($selected -notcontains 'Build') { $selected += 'Build' }
}

foreach ($name in @('Build', 'Test', 'Help', 'Package', 'Demo')) {
    if ($selected -notcontains $name) { continue }
    Write-Host "=== $name ($Configuration)"
    switch ($name) {
        'Build' { Invoke-BuildTask -BuildConfiguration $Configuration }
        'Test' { Invoke-TestTask }
        'Help' { Invoke-HelpTask }
        'Package' { Invoke-PackageTask }
        'Demo' { Invoke-DemoTask }
    }
}
