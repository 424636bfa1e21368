<#
.SYNOPSIS
    Turns a CSV of invoices into Omise payment links, unattended: a template for a scheduled job (pwsh -File) and for an
    Azure Automation runbook.

.DESCRIPTION
    Reads InputPath, creates one link per row with New-OmiseLink, writes the links to OutputPath. Every row's error names
    its row, and New-OmiseLink ends every run with one line, "New-OmiseLink summary: ...", that the console, a transcript
    and a *> log all keep.

    The key: in Azure Automation, the credential asset 'OmiseSecretKey' (its password is the key); elsewhere the
    OMISE_SECRET_KEY environment variable (and OMISE_API_URI to point elsewhere, as the tests do).

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
    pwsh -NonInteractive -File ./runbook.ps1 -InputPath invoices.csv -OutputPath links.csv *> run.log; $LASTEXITCODE
#>
[CmdletBinding()]
param(
    [string] $InputPath = 'invoices.csv',
    [string] $OutputPath = 'links.csv',
    # Kept so that schedules written for earlier versions of this template still start: re-runs always reuse now.
    [switch] $ReuseExisting
)

$ErrorActionPreference = 'Stop'
$inAzureAutomation = [bool]$PSPrivateMetadata.JobId
$exitCode = 0
$partialPath = "$OutputPath.partial"
$linksWritten = 0
try {
    Import-Module OmiseLinks
    if ($inAzureAutomation) { Connect-Omise -Credential (Get-AutomationPSCredential -Name 'OmiseSecretKey') }
    else { Connect-Omise }

    # A bad row is an error naming it and the next rows go on (-ErrorAction Continue); a refused key or an unreachable
    # API stops the run with one terminating error, caught below.
    $rowErrors = @()
    Import-Csv -Path $InputPath -Encoding UTF8 |
        New-OmiseLink -ReuseExisting -ErrorAction Continue -ErrorVariable rowErrors |
        ForEach-Object { $linksWritten++; $_ } |
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

if ($exitCode -ne 0 -and $inAzureAutomation) {
    throw "The payment link run did not complete cleanly (code $exitCode): see the errors and the New-OmiseLink summary above."
}
exit $exitCode
