# Shared set-up of the Pester files: dot-source it in BeforeAll. Each file gets its own emulator and work folder, so
# the files are independent of each other and of the order they run in.
. (Join-Path $PSScriptRoot 'TestEmulator.ps1')

$repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$moduleManifest = Join-Path $repositoryRoot 'out/OmiseLinks/OmiseLinks.psd1'

# Run where the file's BeforeAll can see the variables: . Initialize-TestSession
# Sets $emulator, $work and $secureKey, imports the built module and connects to the emulator.
function Initialize-TestSession {
    $emulator = Start-TestEmulator -RepositoryRoot $repositoryRoot
    $work = Join-Path ([System.IO.Path]::GetTempPath()) ('omiselinks-pester-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    Import-Module $moduleManifest -Force
    $secureKey = ConvertTo-SecureString -String $emulator.SecretKey -AsPlainText -Force
    Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri
}

function Clear-TestSession {
    Disconnect-Omise -ErrorAction SilentlyContinue
    Remove-Module OmiseLinks -ErrorAction SilentlyContinue
    if ($emulator) { Stop-TestEmulator -Emulator $emulator }
    if ($work) { Remove-Item -Path $work -Recurse -Force -ErrorAction SilentlyContinue }
}

# How many links the server holds now.
function Get-ServerLinkCount { [int](Get-TestEmulatorStats -Emulator $emulator).links }

# Writes a CSV file the way Excel saves "CSV UTF-8": a byte order mark, CRLF line ends, quotes only where needed.
function New-ExcelCsv {
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string[]] $Lines)
    $path = Join-Path $work $Name
    [System.IO.File]::WriteAllText($path, (($Lines -join "`r`n") + "`r`n"), [System.Text.UTF8Encoding]::new($true))
    $path
}

# Thai text from the example invoices (read as UTF-8, so the test files need no particular encoding).
function Get-ThaiTitle {
    $text = [System.IO.File]::ReadAllText((Join-Path $repositoryRoot 'examples/invoices.csv'), [System.Text.Encoding]::UTF8)
    ($text -split "`n")[1].Split(',')[3]
}

# Runs a script in a new PowerShell process with the module imported and connected to this file's emulator: what a
# console shows.
function Invoke-InConsole {
    param([Parameter(Mandatory)] [string] $Script)
    $prelude = "Import-Module '$($moduleManifest -replace "'", "''")'; Connect-Omise`n"
    Invoke-TestConsole -Script ($prelude + $Script) -Environment @{
        OMISE_SECRET_KEY = $emulator.SecretKey
        OMISE_API_URI    = $emulator.BaseUri.ToString()
    }
}
