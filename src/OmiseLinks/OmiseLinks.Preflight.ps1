# Runs before OmiseLinks.dll loads: a nested module in OmiseLinks.psd1, and nested modules load before the root module.
#
# OmiseLinks.dll is built for netstandard2.0. Windows PowerShell 5.1 on a .NET Framework older than 4.7.2 cannot load it
# and fails with "Could not load file or assembly 'netstandard'". DotNetFrameworkVersion in the manifest does not stop
# that: Windows PowerShell checks it only up to 4.5. No code in the DLL can run before that failure, so this script reads
# the installed .NET Framework release from the registry and stops the import with a clear message instead.
# In PowerShell 7 it checks the version only: PowerShell 7.0-7.3 (.NET Core 3.1 to .NET 7, such as Azure Automation's
# PowerShell 7.2 runtime) carry an older System.Text.Json in the box, which the process loads first, so OmiseLinks.dll
# (built against System.Text.Json 8) would fail at its first request with an obscure load error; the manifest's
# PowerShellVersion stays 5.1 for Windows PowerShell, so this script stops the import with a message naming 7.4 instead.
# Everything runs inside one script block, so it defines and exports nothing.
# Keep it Windows PowerShell 5.1 syntax and ASCII only.
& {
    function Get-OmiseLinksFrameworkProblem {
        param([string] $Edition, [object] $Release)

        if ($Edition -ne 'Desktop') { return $null }
        # Not readable: say nothing and let the import try.
        if ($null -eq $Release) { return $null }
        $number = 0
        if (-not [int]::TryParse([string] $Release, [ref] $number)) { return $null }
        # 461808 is .NET Framework 4.7.2 (461814 on Windows other than Windows 10 1803).
        if ($number -ge 461808) { return $null }

        $name = '.NET Framework 4.5 or older'
        if ($number -ge 461308) { $name = '.NET Framework 4.7.1' }
        elseif ($number -ge 460798) { $name = '.NET Framework 4.7' }
        elseif ($number -ge 394802) { $name = '.NET Framework 4.6.2' }
        elseif ($number -ge 394254) { $name = '.NET Framework 4.6.1' }
        elseif ($number -ge 393295) { $name = '.NET Framework 4.6' }
        elseif ($number -ge 379893) { $name = '.NET Framework 4.5.2' }
        elseif ($number -ge 378675) { $name = '.NET Framework 4.5.1' }

        return ("OmiseLinks needs .NET Framework 4.7.2 or later in Windows PowerShell 5.1, and this computer has {0} " +
            "(release {1}). Install .NET Framework 4.8 (https://dotnet.microsoft.com/download/dotnet-framework) and start " +
            "a new Windows PowerShell, or use PowerShell 7 (https://aka.ms/powershell).") -f $name, $number
    }

    function Get-OmiseLinksPowerShellProblem {
        param([string] $Edition, [int] $Major, [int] $Minor, [string] $Version)

        if ($Edition -ne 'Core') { return $null }
        if ($Major -gt 7 -or ($Major -eq 7 -and $Minor -ge 4)) { return $null }

        return ("OmiseLinks needs PowerShell 7.4 or later (or Windows PowerShell 5.1), and this is PowerShell {0}, whose " +
            ".NET cannot load the System.Text.Json 8 that OmiseLinks uses. Install PowerShell 7.4 or later " +
            "(https://aka.ms/powershell). In Azure Automation, run the runbook in a runtime environment with PowerShell " +
            "7.4 (Runtime Environments, then Create: PowerShell 7.4), not the PowerShell 7.2 runtime, and import " +
            "OmiseLinks into that runtime environment.") -f $Version
    }

    $edition = 'Desktop'
    if ($PSVersionTable.ContainsKey('PSEdition')) { $edition = [string] $PSVersionTable.PSEdition }
    $version = $PSVersionTable.PSVersion
    $tooOld = Get-OmiseLinksPowerShellProblem -Edition $edition -Major $version.Major -Minor $version.Minor -Version ([string] $version)
    if ($tooOld) {
        $exception = [System.PlatformNotSupportedException]::new($tooOld)
        $record = [System.Management.Automation.ErrorRecord]::new($exception, 'PowerShellTooOld', [System.Management.Automation.ErrorCategory]::NotInstalled, [string] $version)
        throw $record
    }
    $release = $null
    if ($edition -eq 'Desktop') {
        try {
            $release = (Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name Release -ErrorAction Stop).Release
        }
        catch {
            $release = $null
        }
    }

    $problem = Get-OmiseLinksFrameworkProblem -Edition $edition -Release $release
    if ($problem) {
        $exception = [System.PlatformNotSupportedException]::new($problem)
        $record = [System.Management.Automation.ErrorRecord]::new($exception, 'DotNetFrameworkTooOld', [System.Management.Automation.ErrorCategory]::NotInstalled, $release)
        throw $record
    }
}
