<#
.SYNOPSIS
    Smoke test of the built module in the PowerShell that runs this script; CI runs it in Windows PowerShell 5.1.

.DESCRIPTION
    Imports out/OmiseLinks, checks what the module initializer does on Windows PowerShell (TLS 1.2, connection limit,
    System.Text.Json loaded from the module folder), connects the way a runbook does (OMISE_SECRET_KEY and
    OMISE_API_URI), turns a CSV of 25 rows into links with -ThrottleLimit 10, and checks that the key shows nowhere.
    Without OMISE_API_URI it starts its own emulator (tests/Pester/TestEmulator.ps1). Exits non-zero on any failure.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/OmiseLinks/OmiseLinks.psd1')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Assert-That {
    param([bool] $Condition, [string] $Message)
    if (-not $Condition) { throw "Smoke test failed: $Message" }
    Write-Host "ok - $Message"
}

$ownEmulator = $null
if (-not $env:OMISE_API_URI) {
    . (Join-Path $PSScriptRoot 'TestEmulator.ps1')
    $ownEmulator = Start-TestEmulator
    $env:OMISE_API_URI = $ownEmulator.BaseUri.ToString()
    $env:OMISE_SECRET_KEY = $ownEmulator.SecretKey
}
$work = Join-Path ([System.IO.Path]::GetTempPath()) ('omiselinks-smoke-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null

try {
    Write-Host "PowerShell $($PSVersionTable.PSVersion) $($PSVersionTable.PSEdition) on CLR $([Environment]::Version)"
    $limitBefore = [System.Net.ServicePointManager]::DefaultConnectionLimit
    Import-Module $ModulePath -Force
    $module = Get-Module OmiseLinks
    Assert-That ($null -ne $module) 'OmiseLinks imports'
    Write-Host "OmiseLinks $($module.Version) from $($module.ModuleBase)"

    if ($PSVersionTable.PSEdition -ne 'Core') {
        $protocols = [System.Net.ServicePointManager]::SecurityProtocol
        Assert-That (($protocols -eq 0) -or (($protocols -band [System.Net.SecurityProtocolType]::Tls12) -ne 0)) "TLS 1.2 is enabled ($protocols)"
        $limit = [System.Net.ServicePointManager]::DefaultConnectionLimit
        Assert-That ($limit -eq $limitBefore) "the process-wide connection limit is left alone ($limitBefore before, $limit after)"
    }

    $session = Connect-Omise -PassThru
    Assert-That ($session.Validated) "Connect-Omise checked the key from OMISE_SECRET_KEY at $($session.ApiUri)"

    $csv = Join-Path $work 'invoices.csv'
    $out = Join-Path $work 'links.csv'
    $invoices = 1..25 | ForEach-Object { 'INV-{0:000}' -f $_ }
    # Thai titles, built from code points so this file stays ASCII (Windows PowerShell 5.1 reads a script without a BOM as ANSI).
    $thai = -join ([char[]](0x0E04, 0x0E48, 0x0E32, 0x0E40, 0x0E23, 0x0E35, 0x0E22, 0x0E19))
    $titles = 1..25 | ForEach-Object { if ($_ % 2) { "$thai $_" } else { "Smoke $_" } }
    1..25 | ForEach-Object {
        [pscustomobject]@{ Invoice = $invoices[$_ - 1]; Amount = [string](1000 * $_); Currency = 'thb'; Title = $titles[$_ - 1]; Description = 'CI smoke test'; Multiple = 'FALSE' }
    } | Export-Csv -Path $csv -NoTypeInformation -Encoding UTF8

    # As README documents the pipeline: -Encoding UTF8, without which Export-Csv in 5.1 writes ASCII and Thai becomes ???.
    Import-Csv -Path $csv | New-OmiseLink -ThrottleLimit 10 | Export-Csv -Path $out -NoTypeInformation -Encoding UTF8

    $links = @(Import-Csv -Path $out)
    Assert-That ($links.Count -eq 25) "25 rows became $($links.Count) links"
    Assert-That ((($links | ForEach-Object { $_.Reference }) -join ',') -eq ($invoices -join ',')) 'the links are in row order'
    Assert-That (@($links | Where-Object { $_.PaymentUri -notlike 'https://link.omise.co/*' }).Count -eq 0) 'every link has a payment URI'
    Assert-That ((($links | ForEach-Object { $_.Title }) -join '|') -eq ($titles -join '|')) 'Thai titles come back from links.csv unchanged'
    if ($PSVersionTable.PSEdition -ne 'Core') {
        $point = [System.Net.ServicePointManager]::FindServicePoint([uri]$session.ApiUri)
        Assert-That ($point.ConnectionLimit -eq 16) "the API's own connection limit is the handler's 16 ($($point.ConnectionLimit))"
    }

    if ($PSVersionTable.PSEdition -ne 'Core') {
        $json = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'System.Text.Json' })
        $jsonFolders = @($json | ForEach-Object { [System.IO.Path]::GetFullPath((Split-Path -Path $_.Location -Parent)).TrimEnd('\') })
        $moduleFolder = [System.IO.Path]::GetFullPath($module.ModuleBase).TrimEnd('\')
        Assert-That ($jsonFolders.Count -eq 1 -and $jsonFolders[0] -eq $moduleFolder) "System.Text.Json was loaded once, from the module folder ($($jsonFolders -join '; '))"
    }

    $shown = (Get-Content -Path $out -Raw) + ($session | Format-List -Property * | Out-String) + ($Error | Out-String)
    Assert-That (-not $shown.Contains($env:OMISE_SECRET_KEY)) 'the secret key shows nowhere'

    Disconnect-Omise
    Remove-Module OmiseLinks
    Assert-That ($null -eq (Get-Module OmiseLinks)) 'the module unloads'
    Write-Host 'Smoke test passed.'
}
finally {
    Remove-Item -Path $work -Recurse -Force -ErrorAction SilentlyContinue
    if ($ownEmulator) { Stop-TestEmulator -Emulator $ownEmulator }
}
