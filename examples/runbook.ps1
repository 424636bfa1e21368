<#
.SYNOPSIS
    Turns a CSV of invoices into Omise payment links, unattended: a template for a scheduled job (pwsh -File) and for an
    Azure Automation runbook.

.DESCRIPTION
    Reads the invoices from InputPath (or from InputCsv, the CSV text itself, or a webhook's body), creates one link per
    row with New-OmiseLink, writes the links to OutputPath. Every row's error names its row, and New-OmiseLink ends every
    run with one line, "New-OmiseLink summary: ...", that the console, a transcript and a *> log all keep.

    The key: in Azure Automation, the credential asset 'OmiseSecretKey' (its password is the key); elsewhere the
    OMISE_SECRET_KEY environment variable (and OMISE_API_URI to point elsewhere, as the tests do).

    The module: from ModulePath when given; else, when the template sits in a clone of the OmiseLinks repository that has
    been built (./build.ps1 Build), that build (out/OmiseLinks); else the installed OmiseLinks module, by name.

    Azure Automation (a PowerShell 7.4 runtime environment, or the PowerShell 5.1 runtime): the job's Output stream gets
    every link written and then the summary line (its Information stream, where New-OmiseLink writes the summary, is not
    shown in the job view), so Get-AzAutomationJobOutput has them. A relative OutputPath is put in the sandbox's temp
    folder, and the sandbox's disk is discarded when the job ends: fill in the storage upload block near the end of this
    template to keep the file. Elsewhere, -PassThru writes the links to the Output stream as well.

    Written to a file or a pipe (pwsh -File ... > run.log), the log is plain text: no colour escape sequences, and one
    line per row error instead of PowerShell's source block.

    Exit code (pwsh -File):
      0  every row made its link (or the file had no rows)
      1  the run went through, but some rows failed: their errors and the summary name them
      2  nothing could be done, or the run stopped: no key or a refused key, the API unreachable, the file missing, the
         process asked to stop (SIGTERM: the links written by then stay in OutputPath)
    Azure Automation does not read exit codes: there a run that is not clean throws, which marks the job Failed.

    Running the same file again converges: every row whose link was made in the last 24 hours gets that same link again
    (New-OmiseLink -ReuseExisting), only the rows without one are created, and OutputPath ends up holding every invoice's
    link. A retried or double-triggered schedule, or a re-run after fixing a row, never makes a second set of links. A
    row whose identical single-use link was paid meanwhile gets no new link (AlreadyPaid: a warning here, not a failure).

    OutputPath is replaced only by a run that wrote at least one link (the links go to OutputPath.partial first): a
    retried schedule whose rows are all refused as duplicates leaves the first run's links file as it was.

.EXAMPLE
    pwsh -NonInteractive -File ./runbook.ps1 -InputPath invoices.csv -OutputPath links.csv > run.log 2>&1; echo $?

    From bash (in cmd.exe, echo %ERRORLEVEL% instead of echo $?): the log holds everything the run printed.

.EXAMPLE
    pwsh -NonInteractive -File ./runbook.ps1 -InputPath invoices.csv -OutputPath links.csv *> run.log; $LASTEXITCODE

    From PowerShell: *> is PowerShell's redirection of every stream.

.EXAMPLE
    Start-AzAutomationRunbook -AutomationAccountName ops -ResourceGroupName rg -Name New-PaymentLinks -Parameters @{ InputCsv = (Get-Content invoices.csv -Raw -Encoding UTF8) }

    Azure Automation: the CSV text as a runbook parameter; Get-AzAutomationJobOutput then returns the links and the summary.
#>
[CmdletBinding()]
param(
    [string] $InputPath = 'invoices.csv',
    # The CSV text itself (header line first), used instead of InputPath: an Azure Automation runbook parameter.
    [string] $InputCsv,
    # Azure Automation fills this when a webhook starts the runbook: its RequestBody is the CSV text.
    [object] $WebhookData,
    [string] $OutputPath = 'links.csv',
    # The module's folder or manifest, e.g. ./out/OmiseLinks of a source build.
    [string] $ModulePath,
    # Also write the links to the Output stream (always done in Azure Automation).
    [switch] $PassThru,
    # Kept so that schedules written for earlier versions of this template still start: re-runs always reuse now.
    [switch] $ReuseExisting
)

$ErrorActionPreference = 'Stop'
$inAzureAutomation = [bool]$PSPrivateMetadata.JobId
# pwsh 7 colours warnings and errors even when they go to a file or a pipe; a log should be plain text.
$redirected = [Console]::IsOutputRedirected -or [Console]::IsErrorRedirected
if ($redirected -and $PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
# In a log, a row error is one line ("runbook.ps1: Row 4 (INV-1004): ..."), not a source block; Azure Automation shows
# the original error records, which keep their recommendation.
$conciseRowErrors = $redirected -and -not $inAzureAutomation
$emitLinks = $inAzureAutomation -or $PassThru
if ($inAzureAutomation -and -not [System.IO.Path]::IsPathRooted($OutputPath)) {
    $OutputPath = Join-Path ([System.IO.Path]::GetTempPath()) $OutputPath
}
if ($WebhookData) {
    # The PowerShell 7 runtime passes the webhook's data as JSON text, the 5.1 runtime as an object.
    if ($WebhookData -is [string]) { $WebhookData = $WebhookData | ConvertFrom-Json }
    $InputCsv = $WebhookData.RequestBody
}
$exitCode = 0
$partialPath = "$OutputPath.partial"
$linksWritten = 0
$links = New-Object System.Collections.Generic.List[object]
$summary = $null

# A row's error, written as the template's own non-terminating error.
function Write-RowError([System.Management.Automation.ErrorRecord] $RowError) {
    $ErrorActionPreference = 'Continue'
    if (-not $conciseRowErrors) { $PSCmdlet.WriteError($RowError); return }
    $text = if ($RowError.ErrorDetails -and $RowError.ErrorDetails.Message) { $RowError.ErrorDetails.Message } else { $RowError.Exception.Message }
    $line = New-Object System.Management.Automation.ErrorRecord($RowError.Exception, $RowError.FullyQualifiedErrorId,
        $RowError.CategoryInfo.Category, $RowError.TargetObject)
    $line.ErrorDetails = New-Object System.Management.Automation.ErrorDetails(($text -replace '\s*[\r\n]+\s*', ' '))
    $PSCmdlet.WriteError($line)
}

try {
    if ($ModulePath) { Import-Module $ModulePath }
    elseif ($PSScriptRoot -and (Test-Path -LiteralPath (Join-Path $PSScriptRoot '../out/OmiseLinks/OmiseLinks.psd1'))) {
        Import-Module (Join-Path $PSScriptRoot '../out/OmiseLinks/OmiseLinks.psd1')
    }
    else { Import-Module OmiseLinks }
    if ($inAzureAutomation) { Connect-Omise -Credential (Get-AutomationPSCredential -Name 'OmiseSecretKey') }
    else { Connect-Omise }

    # A bad row is an error naming it and the next rows go on (-ErrorAction Continue); a refused key or an unreachable
    # API stops the run with one terminating error, caught below.
    # The summary line is an information record (as Write-Host writes): -InformationVariable keeps its text.
    $rowErrors = @()
    $runInformation = @()
    & { if ($InputCsv) { $InputCsv.TrimStart([char]0xFEFF) | ConvertFrom-Csv } else { Import-Csv -Path $InputPath -Encoding UTF8 } } |
        New-OmiseLink -ReuseExisting -ErrorAction Continue -ErrorVariable rowErrors -InformationVariable runInformation 2>&1 |
        ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) {
                Write-RowError $_
            }
            else {
                $linksWritten++
                if ($emitLinks) { $links.Add($_) }
                $_
            }
        } |
        Export-Csv -Path $partialPath -NoTypeInformation -Encoding UTF8
    # A paid invoice is done, not failed: it needs no new link.
    $paid = @($rowErrors | Where-Object { $_.FullyQualifiedErrorId -like 'AlreadyPaid,*' })
    if ($paid.Count -gt 0) { Write-Warning "$($paid.Count) row(s) already paid: no new link was made for them (their rows are named above)." }
    if (@($rowErrors).Count -gt $paid.Count) { $exitCode = 1 }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    $exitCode = 2
}
finally {
    # Links written before a stop are kept too; a run that wrote none leaves an earlier links file alone.
    if ($linksWritten -gt 0) { Move-Item -LiteralPath $partialPath -Destination $OutputPath -Force }
    else {
        Remove-Item -LiteralPath $partialPath -ErrorAction SilentlyContinue
        if (Test-Path -LiteralPath $OutputPath) { Write-Warning "No link was written: $OutputPath was left as it was." }
    }
}

# Azure Automation's job view and Get-AzAutomationJobOutput show the Output stream, not the Information stream: the
# links, then the summary line.
$summary = @($runInformation | Where-Object { "$($_.MessageData)" -like 'New-OmiseLink summary:*' } | ForEach-Object { "$($_.MessageData)" }) |
    Select-Object -Last 1
if ($emitLinks) { $links }
if ($inAzureAutomation -and $summary) { $summary }

# Keeping the links file from Azure Automation: the sandbox's disk is discarded when the job ends. Fill in and uncomment;
# it needs the Az.Accounts and Az.Storage modules in the runtime environment and the Automation account's managed
# identity with the role "Storage Blob Data Contributor" on the container.
# if ($inAzureAutomation -and (Test-Path -LiteralPath $OutputPath)) {
#     Connect-AzAccount -Identity | Out-Null
#     $storage = New-AzStorageContext -StorageAccountName '<storage account>' -UseConnectedAccount
#     $blob = 'links-{0}.csv' -f $PSPrivateMetadata.JobId
#     Set-AzStorageBlobContent -File $OutputPath -Container '<container>' -Blob $blob -Context $storage -Force | Out-Null
#     "Links file kept as $blob"
# }

if ($exitCode -ne 0 -and $inAzureAutomation) {
    $why = if ($summary) { $summary } else { 'see the errors above' }
    throw "The payment link run did not complete cleanly (code $exitCode): $why"
}
exit $exitCode
