# Runs tests/Omise.Emulator as a process of its own on a free loopback port, for the Pester tests and the CI smoke test.
# Dot-source it. Works in Windows PowerShell 5.1 and PowerShell 7.
#
# The emulator is built once and started as "dotnet Omise.Emulator.dll" rather than "dotnet run": then the process
# started is the emulator itself, and stopping it stops the server (dotnet run would leave its child running).

function Start-TestEmulator {
    [CmdletBinding()]
    param(
        [string] $RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path,
        [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
        [int] $TimeoutSeconds = 120
    )

    $project = Join-Path $RepositoryRoot 'tests/Omise.Emulator/Omise.Emulator.csproj'
    & dotnet build $project -c $Configuration --nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "Building the emulator failed (dotnet build exit code $LASTEXITCODE)." }
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
