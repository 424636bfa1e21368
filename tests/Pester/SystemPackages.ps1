# Programs some tests need from the operating system (a real proxy, a browser, a QR reader). Dot-source it.
# Where they can be had (Debian or Ubuntu, as root: this machine and CI), the missing ones are installed with apt-get
# once per process; elsewhere the test that needs them is skipped, and the skip says what to install.
# Works in Windows PowerShell 5.1 and PowerShell 7.

$script:systemPackageUpdateDone = $false

# Returns $null when every command is available (installing packages if it can), else a sentence for -Skip's reason.
# -Packages maps each command to the Debian package that provides it: @{ tinyproxy = 'tinyproxy' }.
function Get-SystemPackageProblem {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [hashtable] $Packages)

    $missing = @($Packages.Keys | Where-Object { -not (Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue) })
    if ($missing.Count -eq 0) { return $null }
    $names = @($missing | ForEach-Object { $Packages[$_] } | Sort-Object -Unique)
    $canInstall = $IsLinux -and (Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue) -and
        ((& id -u) -eq '0')
    if (-not $canInstall) {
        return "needs $($missing -join ', ') (Debian/Ubuntu packages: $($names -join ' ')); install them to run this test"
    }
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get install -y -q --no-install-recommends @names *> $null
    if ($LASTEXITCODE -ne 0 -and -not $script:systemPackageUpdateDone) {
        $script:systemPackageUpdateDone = $true
        & apt-get update -q *> $null
        & apt-get install -y -q --no-install-recommends @names *> $null
    }
    $still = @($missing | Where-Object { -not (Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue) })
    if ($still.Count -gt 0) { return "needs $($still -join ', '): apt-get install $($names -join ' ') failed" }
    return $null
}
