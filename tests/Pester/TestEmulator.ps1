# Helpers for the Pester tests, the CI smoke test and build.ps1: the emulator (tests/Omise.Emulator) as a process of
# its own on a free loopback port, its admin endpoints, and new PowerShell processes. Dot-source it.
# Works in Windows PowerShell 5.1 and PowerShell 7.
#
# The emulator is built once and started as "dotnet Omise.Emulator.dll" rather than "dotnet run": then the process
# started is the emulator itself, and stopping it stops the server (dotnet run would leave its child running).

function Start-TestEmulator {
    [CmdletBinding()]
    param(
        [string] $RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path,
        [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
        [int] $TimeoutSeconds = 120,
        # The caller has just built it (build.ps1 sets OMISELINKS_PREBUILT for the Pester run).
        [switch] $NoBuild
    )

    $project = Join-Path $RepositoryRoot 'tests/Omise.Emulator/Omise.Emulator.csproj'
    if (-not $NoBuild -and $env:OMISELINKS_PREBUILT -ne '1') {
        & dotnet build $project -c $Configuration --nologo -v quiet | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "Building the emulator failed (dotnet build exit code $LASTEXITCODE)." }
    }
    $dll = Get-ChildItem -Path (Join-Path $RepositoryRoot "tests/Omise.Emulator/bin/$Configuration") -Filter 'Omise.Emulator.dll' -Recurse |
        Select-Object -First 1
    if (-not $dll) { throw "Omise.Emulator.dll not found under tests/Omise.Emulator/bin/$Configuration." }

    # A fresh fake key per run, so nothing depends on the emulator's default one.
    $key = 'skey_test_' + [guid]::NewGuid().ToString('N').Substring(0, 24)
    $name = 'omise-emulator-' + [guid]::NewGuid().ToString('N')
    $readyFile = Join-Path ([System.IO.Path]::GetTempPath()) "$name.uri"
    $log = Join-Path ([System.IO.Path]::GetTempPath()) "$name.log"
    # Start-Process joins the arguments with spaces without quoting them, so paths are quoted here.
    $arguments = @("`"$($dll.FullName)`"", '--urls', 'http://127.0.0.1:0', '--ready-file', "`"$readyFile`"", '--secret-key', $key)
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput $log -RedirectStandardError "$log.err"

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path $readyFile)) {
        if ($process.HasExited) {
            throw "The emulator stopped before it was ready: $(Get-Content "$log.err" -Raw -ErrorAction SilentlyContinue)"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
            throw "The emulator was not ready within $TimeoutSeconds seconds."
        }
        Start-Sleep -Milliseconds 100
    }

    [pscustomobject]@{
        Process   = $process
        BaseUri   = [uri](Get-Content $readyFile -Raw).Trim()
        SecretKey = $key
        ReadyFile = $readyFile
        Log       = $log
    }
}

function Stop-TestEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)

    if (-not $Emulator.Process.HasExited) { Stop-Process -Id $Emulator.Process.Id -Force -ErrorAction SilentlyContinue }
    $null = $Emulator.Process.WaitForExit(10000)
    Remove-Item -Path $Emulator.ReadyFile, $Emulator.Log, "$($Emulator.Log).err" -ErrorAction SilentlyContinue
}

# What the emulator has seen: links stored and API requests counted (its admin endpoints are not counted).
function Get-TestEmulatorStats {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)

    Invoke-RestMethod -Uri ([uri]::new($Emulator.BaseUri, '_emulator/stats')) -UseBasicParsing
}

# Forgets every link and count, so a test starts from an empty server.
function Reset-TestEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)

    $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($Emulator.BaseUri, '_emulator/reset')) -UseBasicParsing
}

# Replaces the emulator's fault options (latency, injected failures); no argument puts the defaults back.
function Set-TestEmulatorFaults {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator, [hashtable] $Faults = @{})

    $body = ConvertTo-Json -InputObject $Faults -Compress
    $null = Invoke-RestMethod -Method Put -Uri ([uri]::new($Emulator.BaseUri, '_emulator/faults')) -Body $body -ContentType 'application/json' -UseBasicParsing
}

# A customer pays a link through its payment page.
function Invoke-TestEmulatorPayment {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $LinkId)

    Invoke-RestMethod -Method Post -Uri ([uri]::new($Emulator.BaseUri, "_emulator/links/$LinkId/pay")) -UseBasicParsing
}

# The PowerShell running this script, as a command line for a new process of it: powershell.exe for Windows
# PowerShell, pwsh for PowerShell 7, and "dotnet <PSHOME>/pwsh.dll" when pwsh runs as a .NET tool (its process is
# dotnet then).
function Get-TestShellCommand {
    if ($PSVersionTable.PSEdition -ne 'Core') {
        return @{ File = (Join-Path $PSHOME 'powershell.exe'); Prefix = @('-ExecutionPolicy', 'Bypass') }
    }
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @{ File = $process; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
    }
    $prefix = @()
    if ([Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT) { $prefix = @('-ExecutionPolicy', 'Bypass') }
    @{ File = $process; Prefix = $prefix }
}

# Runs a script in a new PowerShell process, as a console runs it: returns what the console showed (Output: standard
# output, ErrorText: standard error, Text: both) and the exit code. The script goes through a temporary file, so
# quotes need no care. $null in -Environment removes that variable for the new process.
function Invoke-TestConsole {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{},
        # Returns the running process at once (its output not captured) instead of waiting for it.
        [switch] $NoWait)

    $shell = Get-TestShellCommand
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ('omiselinks-console-' + [guid]::NewGuid().ToString('N') + '.ps1')
    # A byte order mark, so Windows PowerShell 5.1 reads the file as UTF-8 too.
    [System.IO.File]::WriteAllText($file, "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new(`$false)`n" + $Script, [System.Text.UTF8Encoding]::new($true))
    try {
        $start = New-Object System.Diagnostics.ProcessStartInfo
        $start.FileName = $shell.File
        $start.Arguments = (@($shell.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $file) | ForEach-Object { "`"$_`"" }) -join ' '
        $start.UseShellExecute = $false
        if ($NoWait) {
            foreach ($name in $Environment.Keys) { $start.EnvironmentVariables[$name] = [string]$Environment[$name] }
            $file = $null   # the process still has to read it; it is left in the temp folder
            return [System.Diagnostics.Process]::Start($start)
        }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.StandardOutputEncoding = New-Object System.Text.UTF8Encoding($false)
        $start.StandardErrorEncoding = New-Object System.Text.UTF8Encoding($false)
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { $start.EnvironmentVariables.Remove($name) }
            else { $start.EnvironmentVariables[$name] = [string]$Environment[$name] }
        }
        $process = [System.Diagnostics.Process]::Start($start)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ Text = $stdout + $stderr.Result; Output = $stdout; ErrorText = $stderr.Result; ExitCode = $process.ExitCode }
    }
    finally {
        if ($file) { Remove-Item -Path $file -ErrorAction SilentlyContinue }
    }
}
