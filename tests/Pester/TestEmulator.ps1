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

# Runs a script in a new PowerShell process, as typed at a console: returns what the console showed (standard output
# and standard error as one text) and the exit code. The script is passed encoded, so quotes need no care.
function Invoke-TestConsole {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})

    $shell = Get-TestShellCommand
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes(
        "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new(`$false)`n" + $Script))
    $start = [System.Diagnostics.ProcessStartInfo]::new()
    $start.FileName = $shell.File
    $start.Arguments = (@($shell.Prefix | ForEach-Object { "`"$_`"" }) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -join ' '
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
    $start.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)
    foreach ($name in $Environment.Keys) { $start.EnvironmentVariables[$name] = [string]$Environment[$name] }
    $process = [System.Diagnostics.Process]::Start($start)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    [pscustomobject]@{ Text = $stdout + $stderr.Result; Output = $stdout; ErrorText = $stderr.Result; ExitCode = $process.ExitCode }
}
