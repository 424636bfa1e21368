<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the OmiseLinks module.

.DESCRIPTION
    Runs the named tasks, always in the order below whatever order they are given in. It runs in PowerShell 7 (also
    as the .NET local tool: dotnet tool restore; dotnet pwsh ./build.ps1) and in Windows PowerShell 5.1, and needs the
    .NET 10 SDK (the tests and the emulator target net10.0).

    Build    dotnet build -c <Configuration>. The build lays out the importable module in out/OmiseLinks
             (assemblies, format file, LICENSE, help, and the manifest with the version from Directory.Build.props).
    Test     Build, Package (where PSResourceGet is present), then every test: dotnet test on the solution (xunit),
             then the Pester tests under tests/Pester in a new process of the PowerShell running this script
             (pwsh, or powershell.exe, so Windows PowerShell 5.1 tests the module in Windows PowerShell), with the
             Pester that the restore fetched from NuGet. Ends with the line "N passed, N failed" counting both.
    Help     Where Microsoft.PowerShell.PlatyPS is installed: turns the cmdlet pages in docs/ into
             out/OmiseLinks/en-US/OmiseLinks.dll-Help.xml with Import-MarkdownCommandHelp | Export-MamlCommandHelp.
             Without platyPS there is nothing to do: the .NET build already writes the help files.
    Package  Builds in Release, then publishes out/OmiseLinks to a local file repository registered for the occasion
             (Publish-PSResource), which leaves out/package/OmiseLinks.<version>.nupkg: the file the PowerShell
             Gallery receives. Nothing is sent anywhere, nothing prompts. To release, publish the same folder yourself:
             Publish-PSResource -Path out/OmiseLinks -Repository PSGallery -ApiKey <key>.
    Demo     The main job against the bundled emulator: starts tests/Omise.Emulator on a free loopback port, then in a
             new PowerShell process imports the module, connects, runs
             Import-Csv examples/invoices.csv | New-OmiseLink | Export-Csv links.csv -NoTypeInformation
             and shows the links written to links.csv.

.PARAMETER Task
    One or more of Build, Test, Help, Package, Demo. Default: Build, Test.

.PARAMETER Configuration
    Release (default) or Debug. Package always builds Release.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test

    Builds the module in Release and runs every test suite, xunit and Pester.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Demo

    Turns examples/invoices.csv into payment links against the emulator and writes links.csv.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
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
$script:testsFailed = $false
# The emulator helpers and Get-TestShellCommand (a new process of the PowerShell running this script).
. (Join-Path $root 'tests/Pester/TestEmulator.ps1')

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Host "> dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Shell {
    param([Parameter(Mandatory)] [string] $Command, [string] $What = 'PowerShell')
    $shell = Get-TestShellCommand
    $arguments = @($shell.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $Command)
    & $shell.File @arguments | Out-Host
    $LASTEXITCODE
}

function Get-NuGetPackageFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list | Where-Object { $_ -match 'global-packages:' } | Select-Object -First 1
    if (-not $line) { throw 'dotnet nuget locals global-packages --list did not name the NuGet package folder.' }
    ($line -replace '^.*global-packages:\s*', '').Trim()
}

function Get-PesterManifest {
    [xml] $packages = Get-Content -Path (Join-Path $root 'Directory.Packages.props') -Raw
    $version = @($packages.Project.PropertyGroup | ForEach-Object { $_.PesterVersion } | Where-Object { $_ })[0]
    $path = Join-Path (Get-NuGetPackageFolder) "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $version is not in the NuGet package folder ($path): run dotnet restore $solution." }
    $path
}

function Quote([string] $Text) { "'" + ($Text -replace "'", "''") + "'" }

function Invoke-BuildTask {
    param([string] $BuildConfiguration)
    Invoke-Dotnet -Arguments @('build', $solution, '-c', $BuildConfiguration, '--nologo')
    if (-not (Test-Path $manifest)) { throw "The build did not lay out the module: $manifest is missing." }
}

function Invoke-TestTask {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $results = Join-Path $root 'out/test-results'
    Remove-Item -Path $results -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Path $results -Force | Out-Null

    # xunit: one TRX file per test project, counted below.
    $xunitFolder = Join-Path $results 'xunit'
    Write-Host "> dotnet test $solution -c $Configuration --no-build"
    & dotnet test $solution -c $Configuration --no-build --nologo --logger trx --results-directory $xunitFolder
    $xunitExit = $LASTEXITCODE
    $xunit = @{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($trx in @(Get-ChildItem -Path $xunitFolder -Filter '*.trx' -ErrorAction SilentlyContinue)) {
        [xml] $report = Get-Content -LiteralPath $trx.FullName -Raw
        $counters = $report.TestRun.ResultSummary.Counters
        $xunit.Passed += [int]$counters.GetAttribute('passed')
        foreach ($name in 'failed', 'error', 'timeout', 'aborted') { $xunit.Failed += [int]$counters.GetAttribute($name) }
        $xunit.Skipped += [int]$counters.GetAttribute('notExecuted')
    }
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $xunit.Failed = 1 }
    # The names of failed tests, repeated at the end: a CI log that keeps only its tail still says what failed.
    $xunitFailures = @(foreach ($trx in @(Get-ChildItem -Path $xunitFolder -Filter '*.trx' -ErrorAction SilentlyContinue)) {
        [xml] $report = Get-Content -LiteralPath $trx.FullName -Raw
        foreach ($result in @($report.TestRun.Results.UnitTestResult)) {
            if ($result -and $result.outcome -ne 'Passed' -and $result.outcome -ne 'NotExecuted') {
                $message = "$($result.Output.ErrorInfo.Message)".Trim() -split "`r?`n" | Select-Object -First 6
                "$($result.testName): $($result.outcome)`n      " + ($message -join "`n      ")
            }
        }
    })

    # Pester, in a new process: the module DLLs it loads are not held by this one, and Windows PowerShell tests in
    # Windows PowerShell. The emulator and the module were built above, so the tests do not build them again.
    $summary = Join-Path $results 'pester.json'
    $command = "`$ErrorActionPreference = 'Stop'; Import-Module $(Quote (Get-PesterManifest)); " +
        "`$env:OMISELINKS_PREBUILT = '1'; " +
        "`$c = New-PesterConfiguration; `$c.Run.Path = $(Quote (Join-Path $root 'tests/Pester')); `$c.Run.PassThru = `$true; " +
        "`$c.Output.Verbosity = 'Detailed'; " +
        "`$r = Invoke-Pester -Configuration `$c; " +
        "`$names = @(`$r.Failed | ForEach-Object { `$_.ExpandedPath + ': ' + (([string](`$_.ErrorRecord | Select-Object -First 1) -split '\r?\n')[0]) }); " +
        "@{ Passed = `$r.PassedCount; Skipped = `$r.SkippedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Names = `$names } | ConvertTo-Json | Set-Content -Path $(Quote $summary); " +
        "if (`$r.Result -ne 'Passed') { exit 1 }"
    Write-Host "> Invoke-Pester tests/Pester (PowerShell $($PSVersionTable.PSVersion), new process)"
    $pesterExit = Invoke-Shell -Command $command
    $pester = @{ Passed = 0; Failed = 1; Skipped = 0 }
    if (Test-Path $summary) {
        $counts = Get-Content -Path $summary -Raw | ConvertFrom-Json
        $pester = @{ Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; Skipped = [int]$counts.Skipped; Names = @($counts.Names) }
        # A skip says why (what to install) in Pester's own output above; it is counted, never passed silently.
    }
    if ($pesterExit -ne 0 -and $pester.Failed -eq 0) { $pester.Failed = 1 }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    if ($passed -eq 0) { $failed++ }
    if ($failed -gt 0) { $script:testsFailed = $true }
    Write-Host ''
    foreach ($failure in $xunitFailures) { Write-Host "FAILED xunit $failure" }
    foreach ($failure in @($pester.Names | Where-Object { $_ })) { Write-Host "FAILED Pester $failure" }
    Write-Host ("xunit: {0} passed, {1} failed; Pester: {2} passed, {3} failed; {4:0} s" -f $xunit.Passed, $xunit.Failed, $pester.Passed, $pester.Failed, $clock.Elapsed.TotalSeconds)
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host ("$passed passed, $failed failed" + $(if ($skipped -gt 0) { ", $skipped skipped" } else { '' }))
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
    if (-not (Get-Command Publish-PSResource -ErrorAction SilentlyContinue)) {
        throw 'Publish-PSResource (Microsoft.PowerShell.PSResourceGet, part of PowerShell 7.4+) is needed: run dotnet tool restore; dotnet pwsh ./build.ps1 Package'
    }
    New-Item -ItemType Directory -Path $packageFolder -Force | Out-Null
    Remove-Item -Path (Join-Path $packageFolder 'OmiseLinks.*.nupkg') -ErrorAction SilentlyContinue

    # A repository registered for this publish only, under a name no one else uses, removed afterwards.
    $repositoryName = 'OmiseLinksLocal-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    Register-PSResourceRepository -Name $repositoryName -Uri $packageFolder -Trusted
    try { Publish-PSResource -Path $moduleFolder -Repository $repositoryName -Confirm:$false }
    finally { Unregister-PSResourceRepository -Name $repositoryName }

    $package = @(Get-ChildItem -Path $packageFolder -Filter 'OmiseLinks.*.nupkg')
    if ($package.Count -ne 1) { throw "Expected one OmiseLinks package in $packageFolder, found $($package.Count)." }
    Write-Host "Package: $($package[0].FullName)"
}

# What the Demo task runs in a new PowerShell process, in the repository folder: what a user types, and what they see.
$demoScript = {
    param([string] $ModulePath)
    $ErrorActionPreference = 'Stop'
    try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { Write-Verbose 'The console encoding stays as it is.' }
    $line = 'Import-Csv examples/invoices.csv | New-OmiseLink | Export-Csv links.csv -NoTypeInformation'
    Write-Host "PowerShell $($PSVersionTable.PSVersion) $($PSVersionTable.PSEdition); the API is the bundled emulator at $env:OMISE_API_URI"
    Write-Host ''
    Write-Host 'PS> Import-Module ./out/OmiseLinks/OmiseLinks.psd1'
    Import-Module $ModulePath
    Write-Host 'PS> Connect-Omise            # the key from $env:OMISE_SECRET_KEY, the API from $env:OMISE_API_URI'
    Connect-Omise
    Write-Host "PS> $line"
    Remove-Item -Path links.csv -ErrorAction SilentlyContinue
    $ErrorActionPreference = 'Continue'   # as at a prompt: a bad row is an error shown, the next rows go on
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    Import-Csv examples/invoices.csv | New-OmiseLink -ErrorVariable failures | Export-Csv links.csv -NoTypeInformation
    $took = $clock.Elapsed.TotalSeconds
    Write-Host 'PS> Import-Csv links.csv | Format-Table Reference, AmountText, Title, PaymentUri'
    Import-Csv links.csv | Format-Table Reference, AmountText, Title, PaymentUri | Out-String -Width 160 | Write-Host
    $rows = @(Import-Csv examples/invoices.csv).Count
    $links = @(Import-Csv links.csv).Count
    Write-Host ('{0} rows read, {1} links written to links.csv, {2} errors, {3:0.00} s.' -f $rows, $links, @($failures).Count, $took)
    if ($links -ne $rows -or @($failures).Count -gt 0) { exit 1 }
}

function Invoke-DemoTask {
    Invoke-Dotnet -Arguments @('build', (Join-Path $root 'src/OmiseLinks/OmiseLinks.csproj'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    Invoke-Dotnet -Arguments @('build', (Join-Path $root 'tests/Omise.Emulator/Omise.Emulator.csproj'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    $emulator = Start-TestEmulator -RepositoryRoot $root -Configuration $Configuration -NoBuild
    $previous = @{ Uri = $env:OMISE_API_URI; Key = $env:OMISE_SECRET_KEY }
    try {
        # The child reads the key the way a scheduled job does; it is the emulator's fresh fake key.
        $env:OMISE_API_URI = $emulator.BaseUri.ToString()
        $env:OMISE_SECRET_KEY = $emulator.SecretKey
        Push-Location $root
        try { $exit = Invoke-Shell -Command "& { $demoScript } -ModulePath $(Quote $manifest)" }
        finally { Pop-Location }
        $stats = Get-TestEmulatorStats -Emulator $emulator
        Write-Host "The emulator at $($emulator.BaseUri) now holds $($stats.links) links."
        if ($exit -ne 0) { throw "The demo failed (exit code $exit)." }
    }
    finally {
        $env:OMISE_API_URI = $previous.Uri
        $env:OMISE_SECRET_KEY = $previous.Key
        Stop-TestEmulator -Emulator $emulator
    }
}

# The order is fixed: Build, Help (platyPS writes into out/OmiseLinks), Package (so the install test finds the package),
# Test, Demo.
$selected = @($Task)
if ($selected -contains 'Package') {
    if ($Configuration -ne 'Release' -and $selected -contains 'Build') { throw 'Package packs a Release build: use -Configuration Release.' }
    $Configuration = 'Release'
}
if (($selected -contains 'Package' -or $selected -contains 'Test') -and $selected -notcontains 'Build') { $selected += 'Build' }
# Test includes Package where PSResourceGet is at hand (PowerShell 7.4+): the install test installs that package.
if ($selected -contains 'Test' -and $selected -notcontains 'Package' -and $Configuration -eq 'Release' -and
    (Get-Command Publish-PSResource -ErrorAction SilentlyContinue)) { $selected += 'Package' }

foreach ($name in @('Build', 'Help', 'Package', 'Test', 'Demo')) {
    if ($selected -notcontains $name) { continue }
    Write-Host "=== $name ($Configuration)"
    switch ($name) {
        'Build' { Invoke-BuildTask -BuildConfiguration $Configuration }
        'Package' { Invoke-PackageTask }
        'Test' { Invoke-TestTask }
        'Help' { Invoke-HelpTask }
        'Demo' { Invoke-DemoTask }
    }
}
if ($script:testsFailed) { exit 1 }
