#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# examples/runbook.ps1 as a scheduler runs it: pwsh -NonInteractive -File, the key in OMISE_SECRET_KEY, the exit code
# and the log read afterwards.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
    $runbook = Join-Path $repositoryRoot 'examples/runbook.ps1'

    # Starts the runbook (or a wrapper script around it, for transcripts and *>) in a new process and returns at once. The
    # module is found by name, as an installed one would be. Get-TestShellCommand starts pwsh itself (pwsh, or dotnet
    # pwsh.dll), not the "dotnet pwsh" tool launcher, which runs pwsh two processes further down: the process started is the
    # one running the script, the one a signal must reach.
    function Start-Runbook {
        param([string[]] $Arguments = @(), [string] $Key = $emulator.SecretKey, [string] $ApiUri = $emulator.BaseUri.ToString(),
            [string] $File = $runbook)
        $shell = Get-TestShellCommand
        $start = New-Object System.Diagnostics.ProcessStartInfo
        $start.FileName = $shell.File
        $start.Arguments = (@($shell.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments | ForEach-Object { "`"$_`"" }) -join ' '
        $start.UseShellExecute = $false
        $start.WorkingDirectory = $work
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.EnvironmentVariables['OMISE_SECRET_KEY'] = $Key
        $start.EnvironmentVariables['OMISE_API_URI'] = $ApiUri
        $start.EnvironmentVariables['PSModulePath'] = (Join-Path $repositoryRoot 'out') + [System.IO.Path]::PathSeparator + $env:PSModulePath
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $process = [System.Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Clock = $clock
            Stdout = $process.StandardOutput.ReadToEndAsync(); Stderr = $process.StandardError.ReadToEndAsync() }
    }

    # Waits for a started run to end (killing it after -TimeoutSeconds, so a hung process fails the test instead of the
    # suite): exit code and everything the process printed.
    function Wait-Runbook {
        param([Parameter(Mandatory)] $Run, [int] $TimeoutSeconds = 600)
        if (-not $Run.Process.WaitForExit($TimeoutSeconds * 1000)) {
            $Run.Process.Kill()
            throw "The process did not end within $TimeoutSeconds s."
        }
        $Run.Process.WaitForExit()
        [pscustomobject]@{ ExitCode = $Run.Process.ExitCode; Text = $Run.Stdout.Result + $Run.Stderr.Result; Seconds = $Run.Clock.Elapsed.TotalSeconds }
    }

    function Invoke-Runbook {
        param([string[]] $Arguments = @(), [string] $Key = $emulator.SecretKey, [string] $ApiUri = $emulator.BaseUri.ToString(),
            [string] $File = $runbook)
        Wait-Runbook -Run (Start-Runbook @PSBoundParameters)
    }

    function New-InvoiceFile([string] $Name, [int] $Count, [int] $BadRow = 0) {
        $path = Join-Path $work $Name
        1..$Count | ForEach-Object {
            [pscustomobject]@{
                invoice = 'RB-{0:000}' -f $_; amount = $(if ($_ -eq $BadRow) { '1,500.00' } else { [string](10000 + $_) })
                currency = 'thb'; title = "$Name row $_"; description = 'Runbook test'
            }
        } | Export-Csv -Path $path -NoTypeInformation -Encoding UTF8
        $path
    }
}

AfterAll { Clear-TestSession }

Describe 'examples/runbook.ps1 under pwsh -NonInteractive -File' {
    BeforeEach { Reset-TestEmulator -Emulator $emulator }

    It 'exits 0 when every row made its link, and the log ends with the summary' {
        $csv = New-InvoiceFile 'good.csv' 5

        $run = Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', (Join-Path $work 'good-links.csv')

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'New-OmiseLink summary: 5 rows; 5 links written: 5 created; 0 failed;'
        @(Import-Csv (Join-Path $work 'good-links.csv')).Count | Should -Be 5
        Get-ServerLinkCount | Should -Be 5
    }

    It 'exits 1 when a row failed, and the summary names the row and its reference' {
        $csv = New-InvoiceFile 'one-bad.csv' 6 -BadRow 4

        $run = Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', (Join-Path $work 'one-bad-links.csv')

        $run.ExitCode | Should -Be 1
        $run.Text | Should -Match 'New-OmiseLink summary: 6 rows; 5 links written: 5 created; 1 failed: row 4 \(line 5\) RB-004 \(amount\)'
        @(Import-Csv (Join-Path $work 'one-bad-links.csv')).Count | Should -Be 5
    }

    It 'converges: a re-run after fixing a row exits 0 with every invoice in the links file, the same links as before and no new one' {
        $csv = New-InvoiceFile 'fixed.csv' 6 -BadRow 4
        $links = Join-Path $work 'fixed-links.csv'
        $first = Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', $links
        $firstIds = @(Import-Csv $links).Id
        (Get-Content $csv) -replace '"1,500.00"', '"10004"' | Set-Content $csv -Encoding UTF8

        # The retried schedule: same parameters, same links file.
        $again = Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', $links
        $after = @(Import-Csv $links)
        $third = Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', $links

        $first.ExitCode | Should -Be 1
        $firstIds.Count | Should -Be 5
        $again.ExitCode | Should -Be 0 -Because $again.Text
        $again.Text | Should -Match '6 links written: 1 created, 5 reused; 0 failed'
        $after.Reference | Should -Be @('RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005', 'RB-006')
        @($after | Where-Object Reference -ne 'RB-004').Id | Should -Be $firstIds
        $third.ExitCode | Should -Be 0
        $third.Text | Should -Match '6 links written: 0 created, 6 reused; 0 failed'
        @(Import-Csv $links).Id | Should -Be $after.Id
        Test-Path "$links.partial" | Should -BeFalse
        Get-ServerLinkCount | Should -Be 6
    }

    It 'never links a paid invoice again: the re-run after a payment exits 0, warns, and creates nothing' {
        $csv = New-InvoiceFile 'paid.csv' 3
        $links = Join-Path $work 'paid-links.csv'
        (Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', $links).ExitCode | Should -Be 0
        $paidLink = @(Import-Csv $links)[1]
        Invoke-TestEmulatorPayment -Emulator $emulator -LinkId $paidLink.Id | Out-Null

        $again = Invoke-Runbook -Arguments '-InputPath', $csv, '-OutputPath', $links

        $again.ExitCode | Should -Be 0 -Because $again.Text
        $again.Text | Should -Match "row 2 \(line 3\) RB-002 \(paid $($paidLink.Id)\)"
        $again.Text | Should -Match '1 row\(s\) already paid: no new link'
        @(Import-Csv $links).Reference | Should -Be @('RB-001', 'RB-003')
        Get-ServerLinkCount | Should -Be 3
    }

    It 'exits 2 with a wrong key, having created nothing' {
        $csv = New-InvoiceFile 'wrong-key.csv' 3

        $run = Invoke-Runbook -Key 'skey_test_0000000000wrongkey42' -Arguments '-InputPath', $csv

        $run.ExitCode | Should -Be 2
        $run.Text | Should -Not -Match 'wrongkey42'
        Get-ServerLinkCount | Should -Be 0
    }

    It 'exits 2 quickly when the API cannot be reached' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $csv = New-InvoiceFile 'down.csv' 300

        $run = Invoke-Runbook -ApiUri "http://127.0.0.1:$port/" -Arguments '-InputPath', $csv

        $run.ExitCode | Should -Be 2
        $run.Seconds | Should -BeLessThan 30
        $run.Text | Should -Match 'Could not connect'
    }

    It 'leaves the summary in a Start-Transcript file and in a *> log' {
        $csv = New-InvoiceFile 'logged.csv' 3 -BadRow 2
        $transcript = Join-Path $work 'transcript.txt'
        $redirected = Join-Path $work 'redirected.log'
        $wrapper = Join-Path $work 'wrapper.ps1'
        Set-Content -Path $wrapper -Encoding UTF8 -Value @"
Start-Transcript -Path '$transcript' | Out-Null
& '$runbook' -InputPath '$csv' -OutputPath '$(Join-Path $work 'logged-1.csv')'
`$first = `$LASTEXITCODE
Stop-Transcript | Out-Null
& '$runbook' -InputPath '$csv' -OutputPath '$(Join-Path $work 'logged-2.csv')' -ReuseExisting *> '$redirected'
exit (10 * `$first + `$LASTEXITCODE)
"@

        $run = Invoke-Runbook -File $wrapper

        $run.ExitCode | Should -Be 11 -Because $run.Text
        Get-Content $transcript -Raw | Should -Match 'New-OmiseLink summary: 3 rows; 2 links written: 2 created; 1 failed: row 2 \(line 3\) RB-002 \(amount\)'
        Get-Content $redirected -Raw | Should -Match 'New-OmiseLink summary: 3 rows; 2 links written: 0 created, 2 reused; 1 failed: row 2 \(line 3\) RB-002 \(amount\)'
        Get-Content $redirected -Raw | Should -Match 'Row 2 \(line 3, RB-002\): Amount'
    }
}

# A stopped container or CI agent sends SIGTERM, then SIGKILL about 10 s later. Windows has no SIGTERM.
Describe 'SIGTERM during a run (a stopped container or CI agent)' -Skip:(-not ($IsLinux -or $IsMacOS)) {
    BeforeAll {
        # Sends SIGTERM once the server holds at least $AfterLinks links (a bounded poll of the emulator), then waits for the
        # process to end. Returns what Wait-Runbook returns, with the links the server held when the signal was sent.
        function Stop-WithSigterm {
            param([Parameter(Mandatory)] $Run, [int] $AfterLinks = 1)
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while ((Get-ServerLinkCount) -lt $AfterLinks) {
                if ($Run.Process.HasExited) { throw "The process ended before the signal: $($Run.Stdout.Result)$($Run.Stderr.Result)" }
                if ([DateTime]::UtcNow -gt $deadline) { $Run.Process.Kill(); throw "No $AfterLinks links on the server within 120 s." }
                Start-Sleep -Milliseconds 50
            }
            $atSignal = Get-ServerLinkCount
            & (Get-Command kill -CommandType Application | Select-Object -First 1) -s TERM $Run.Process.Id
            $result = Wait-Runbook -Run $Run -TimeoutSeconds 60
            $result | Add-Member -NotePropertyName LinksAtSignal -NotePropertyValue $atSignal -PassThru
        }

        # What a stopped run must leave, counted on the server: the links written are in input order, as many as the summary
        # line says; every other link the server holds is named by id in the log; they are at most 3 x ThrottleLimit
        # (2 x ThrottleLimit sent ahead of the oldest row not written, plus ThrottleLimit in flight).
        function Assert-StoppedRun {
            param([Parameter(Mandatory)] $Result, [Parameter(Mandatory)] [string] $LinksPath, [int] $Rows, [int] $ThrottleLimit)
            $written = @(Import-Csv $LinksPath)
            $server = @(Get-OmiseLink)
            $Result.Text | Should -Match "New-OmiseLink summary: \d+ rows; $($written.Count) links written: $($written.Count) created; 0 failed; ended early: the process was asked to stop \(SIGTERM\)"
            $written.Count | Should -BeGreaterThan 0
            $written.Count | Should -BeLessThan $Rows -Because "the signal came after $($Result.LinksAtSignal) links"
            # In input order, each row once (a row the signal kept from being sent again leaves a gap, as a failed row does).
            $order = @($written.Reference | ForEach-Object { [int]($_ -replace '^RB-') })
            $order | Should -Be @($order | Sort-Object -Unique)
            $written.Id | Where-Object { $server.Id -notcontains $_ } | Should -BeNullOrEmpty
            $unwritten = @($server.Id | Where-Object { $written.Id -notcontains $_ })
            $unwritten | Where-Object { $Result.Text -notmatch [regex]::Escape($_) } | Should -BeNullOrEmpty -Because 'every link not written is named'
            $unwritten.Count | Should -BeLessOrEqual (3 * $ThrottleLimit)
        }
    }

    BeforeEach {
        Reset-TestEmulator -Emulator $emulator
        # Latency keeps the 300 rows running for several seconds, so the signal comes in the middle of the run.
        Set-TestEmulatorFaults -Emulator $emulator -Faults @{ latency_ms = 200 }
    }
    AfterEach { Set-TestEmulatorFaults -Emulator $emulator }

    It 'the runbook stops sending, keeps the links written in its links file, ends with the summary and exits 2' {
        $csv = New-InvoiceFile 'sigterm.csv' 300
        $links = Join-Path $work 'sigterm-links.csv'

        $result = Stop-WithSigterm -Run (Start-Runbook -Arguments '-InputPath', $csv, '-OutputPath', $links) -AfterLinks 8

        $result.ExitCode | Should -Be 2 -Because $result.Text
        $result.Text | Should -Match 'ProcessTerminating|New-OmiseLink stopped: the process was asked to stop \(SIGTERM\)'
        Test-Path "$links.partial" | Should -BeFalse
        Assert-StoppedRun -Result $result -LinksPath $links -Rows 300 -ThrottleLimit 4
    }

    It 'Import-Csv | New-OmiseLink | Export-Csv under pwsh -File writes the links created before the signal' {
        $csv = New-InvoiceFile 'sigterm-plain.csv' 300
        $links = Join-Path $work 'sigterm-plain-links.csv'
        $script = Join-Path $work 'sigterm-plain.ps1'
        Set-Content -Path $script -Encoding UTF8 -Value @"
Import-Module OmiseLinks
Connect-Omise
Import-Csv '$csv' | New-OmiseLink -ThrottleLimit 10 | Export-Csv '$links' -NoTypeInformation
"@

        $result = Stop-WithSigterm -Run (Start-Runbook -File $script) -AfterLinks 20

        $result.ExitCode | Should -Be 1 -Because $result.Text
        Assert-StoppedRun -Result $result -LinksPath $links -Rows 300 -ThrottleLimit 10
    }

    It 'ends the process as before when no New-OmiseLink run is active' {
        $ready = Join-Path $work 'sigterm-idle.ready'
        $script = Join-Path $work 'sigterm-idle.ps1'
        Set-Content -Path $script -Encoding UTF8 -Value @"
Import-Module OmiseLinks
Connect-Omise
New-OmiseLink -Amount 10000 -Currency thb -Title 'Before the signal' -Description 'Idle' | Out-Null
New-Item -ItemType File -Path '$ready' | Out-Null
while (`$true) { Start-Sleep -Milliseconds 100 }
"@
        $run = Start-Runbook -File $script
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while (-not (Test-Path $ready) -and -not $run.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        if (-not (Test-Path $ready)) {
            if (-not $run.Process.HasExited) { $run.Process.Kill() }
            throw "The script did not get ready: $((Wait-Runbook -Run $run).Text)"
        }

        & (Get-Command kill -CommandType Application | Select-Object -First 1) -s TERM $run.Process.Id
        $result = Wait-Runbook -Run $run -TimeoutSeconds 60

        $result.ExitCode | Should -Be 143 -Because 'SIGTERM ends the process (128 + 15)'
        $result.Text | Should -Not -Match 'SIGTERM'
    }
}

Describe 'examples/runbook.ps1 in a simulated Azure Automation job' {
    BeforeAll {
        # What Azure Automation provides a runbook: Get-AutomationPSCredential and $PSPrivateMetadata.JobId. The template is
        # run with & as the job runs it; its Output stream (what Get-AzAutomationJobOutput returns) is kept apart from
        # everything else the process printed, and an exception ending the job is noted as the job's failure.
        # OMISE_SECRET_KEY holds a wrong key: the run must take the key from the credential asset.
        function Invoke-AutomationJob([string] $Parameters) {
            $outputFile = Join-Path $work ('job-output-' + [guid]::NewGuid().ToString('N') + '.json')
            $wrapper = Join-Path $work ('job-' + [guid]::NewGuid().ToString('N') + '.ps1')
            Set-Content -Path $wrapper -Encoding UTF8 -Value @"
function Get-AutomationPSCredential([string] `$Name) {
    if (`$Name -ne 'OmiseSecretKey') { throw "No credential asset `$Name" }
    New-Object System.Management.Automation.PSCredential('omise', (ConvertTo-SecureString '$($emulator.SecretKey)' -AsPlainText -Force))
}
`$PSPrivateMetadata = @{ JobId = [guid]::NewGuid() }
`$failure = `$null
`$records = New-Object System.Collections.Generic.List[object]
try {
    & '$runbook' $Parameters | ForEach-Object {
        if (`$_ -is [string]) { `$records.Add(@{ Kind = 'text'; Text = `$_ }) }
        elseif (`$_.PSObject.TypeNames -contains 'OmiseLinks.Link') { `$records.Add(@{ Kind = 'link'; Id = `$_.Id; Reference = `$_.Reference; PaymentUri = `$_.PaymentUri }) }
        else { `$records.Add(@{ Kind = `$_.GetType().FullName }) }
    }
}
catch { `$failure = `$_.Exception.Message }
ConvertTo-Json -Depth 3 -InputObject @{ Output = `$records.ToArray(); Failure = `$failure } | Set-Content -Path '$outputFile' -Encoding UTF8
"@
            $run = Invoke-Runbook -File $wrapper -Key 'skey_test_0000000000wrongenvkey'
            $job = Get-Content $outputFile -Raw | ConvertFrom-Json
            [pscustomobject]@{ Run = $run; Output = @($job.Output); Failure = $job.Failure; Json = (Get-Content $outputFile -Raw) }
        }
    }
    BeforeEach { Reset-TestEmulator -Emulator $emulator }

    It 'takes the CSV text as -InputCsv and writes the links, then the summary, to the Output stream' {
        $csvText = (Get-Content (New-InvoiceFile 'aa-good.csv' 3) -Raw) -replace "'", "''"
        $links = Join-Path $work 'aa-good-links.csv'

        $job = Invoke-AutomationJob "-InputCsv '$csvText' -OutputPath '$links'"

        $job.Failure | Should -BeNullOrEmpty -Because $job.Run.Text
        $job.Output.Count | Should -Be 4
        $job.Output[0..2].Kind | Should -Be @('link', 'link', 'link')
        $job.Output[0..2].Reference | Should -Be @('RB-001', 'RB-002', 'RB-003')
        $job.Output[0..2].PaymentUri | Should -Match '^https://'
        $job.Output[3].Kind | Should -Be 'text'
        $job.Output[3].Text | Should -Match '^New-OmiseLink summary: 3 rows; 3 links written: 3 created; 0 failed;'
        @(Import-Csv $links).Id | Should -Be $job.Output[0..2].Id
        $job.Run.Text + $job.Json | Should -Not -Match ([regex]::Escape($emulator.SecretKey))
        Get-ServerLinkCount | Should -Be 3
    }

    It 'takes a webhook''s body, and a failed row ends the job with an exception holding the summary' {
        $csvText = Get-Content (New-InvoiceFile 'aa-bad.csv' 3 -BadRow 2) -Raw
        # The PowerShell 7 runtime hands the webhook's data to the runbook as JSON text.
        $webhook = (ConvertTo-Json -Compress -InputObject @{ WebhookName = 'invoices'; RequestBody = $csvText; RequestHeader = @{} }) -replace "'", "''"

        $job = Invoke-AutomationJob "-WebhookData '$webhook' -OutputPath '$(Join-Path $work 'aa-bad-links.csv')'"

        $job.Failure | Should -Match 'did not complete cleanly \(code 1\): New-OmiseLink summary: 3 rows; 2 links written: 2 created; 1 failed: row 2 \(line 3\) RB-002 \(amount\)'
        @($job.Output | Where-Object Kind -eq 'link').Reference | Should -Be @('RB-001', 'RB-003')
        @($job.Output | Where-Object Kind -eq 'text').Text | Should -Match '^New-OmiseLink summary: 3 rows; 2 links written'
        $job.Run.Text | Should -Match 'Row 2 \(line 3, RB-002\): Amount'
        $job.Run.Text + $job.Json | Should -Not -Match ([regex]::Escape($emulator.SecretKey))
        Get-ServerLinkCount | Should -Be 2
    }
}

Describe 'README''s runbook lines, as written, in bash and in pwsh, from a built clone' {
    BeforeAll {
        # A clone as the README's reader has it: examples/runbook.ps1 next to the build in out/OmiseLinks, the module not
        # installed, "pwsh" a command on the PATH. Rows 2 and 4 of the invoices are bad.
        $clone = Join-Path $work 'clone'
        New-Item -ItemType Directory -Path (Join-Path $clone 'examples'), (Join-Path $clone 'out') | Out-Null
        Copy-Item -Path $runbook -Destination (Join-Path $clone 'examples')
        Copy-Item -Path (Join-Path $repositoryRoot 'out/OmiseLinks') -Destination (Join-Path $clone 'out') -Recurse
        Set-Content -Path (Join-Path $clone 'examples/invoices.csv') -Encoding UTF8 -Value @(
            'invoice,amount,currency,title,description'
            'RM-1,10001,thb,Row one,README run'
            'RM-2,"1,500.00",thb,Row two,README run'
            'RM-3,10003,thb,Row three,README run'
            'RM-4,12.5,thb,Row four,README run')
        $bin = Join-Path $work 'bin'
        New-Item -ItemType Directory -Path $bin | Out-Null
        $shell = Get-TestShellCommand
        $shim = Join-Path $bin 'pwsh'
        Set-Content -Path $shim -Value ("#!/bin/sh`nexec " + ((@($shell.File) + @($shell.Prefix) | ForEach-Object { "'$_'" }) -join ' ') + ' "$@"')
        if (Get-Command chmod -ErrorAction Ignore) { & chmod +x $shim }

        $readme = Get-Content (Join-Path $repositoryRoot 'README.md')
        $bashLine = @($readme | Where-Object { $_ -like 'pwsh *runbook.ps1*> run.log 2>&1*' })[0]
        $pwshLine = @($readme | Where-Object { $_ -like 'pwsh *runbook.ps1*`*> run.log*' })[0]

        # Runs one README line in a shell, in the clone, with the key in the environment: what the shell printed.
        function Invoke-ReadmeLine([string] $File, [string[]] $Arguments) {
            Remove-Item -Path (Join-Path $clone 'run.log'), (Join-Path $clone 'links.csv') -ErrorAction SilentlyContinue
            $start = New-Object System.Diagnostics.ProcessStartInfo
            $start.FileName = $File
            foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
            $start.UseShellExecute = $false
            $start.WorkingDirectory = $clone
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $start.EnvironmentVariables['PATH'] = $bin + [System.IO.Path]::PathSeparator + $env:PATH
            $start.EnvironmentVariables['OMISE_SECRET_KEY'] = $emulator.SecretKey
            $start.EnvironmentVariables['OMISE_API_URI'] = $emulator.BaseUri.ToString()
            # Only PowerShell's own modules: the template must find the clone's build by itself.
            $start.EnvironmentVariables['PSModulePath'] = Join-Path $PSHOME 'Modules'
            $process = [System.Diagnostics.Process]::Start($start)
            $stderr = $process.StandardError.ReadToEndAsync()
            $stdout = $process.StandardOutput.ReadToEnd()
            $process.WaitForExit()
            [pscustomobject]@{ Printed = ($stdout + $stderr.Result).Trim(); Log = [System.IO.File]::ReadAllText((Join-Path $clone 'run.log')) }
        }
    }
    BeforeEach { Reset-TestEmulator -Emulator $emulator }

    It 'the bash line runs in bash: exit code 1 printed, a plain-text log with one line per row error' -Skip:([Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT -or -not (Get-Command bash -ErrorAction Ignore)) {
        $bashLine | Should -Not -BeNullOrEmpty

        $run = Invoke-ReadmeLine -File 'bash' -Arguments '-c', $bashLine

        $run.Printed | Should -Be '1' -Because $run.Log
        $run.Log | Should -Match 'New-OmiseLink summary: 4 rows; 2 links written: 2 created; 2 failed: row 2 \(line 3\) RM-2 \(amount\), row 4 \(line 5\) RM-4 \(amount\)'
        $run.Log.IndexOf([char]27) | Should -Be -1
        $lines = $run.Log -split '\r?\n'
        @($lines | Where-Object { $_ -match '^runbook\.ps1: Row \d' }).Count | Should -Be 2
        @($lines | Where-Object { $_ -match '^runbook\.ps1: Row 2 \(line 3, RM-2\): Amount .* amounts are never rounded\.$' }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match '^\s*(Line \||\d+ \||\| )' }).Count | Should -Be 0
        $run.Log | Should -Not -Match ([regex]::Escape($emulator.SecretKey))
        @(Import-Csv (Join-Path $clone 'links.csv')).Reference | Should -Be @('RM-1', 'RM-3')
    }

    It 'the PowerShell line runs in pwsh: $LASTEXITCODE 1 printed, a plain-text *> log with one line per row error' -Skip:([Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT) {
        $pwshLine | Should -Not -BeNullOrEmpty

        $run = Invoke-ReadmeLine -File $shim -Arguments '-NoProfile', '-NonInteractive', '-Command', $pwshLine

        $run.Printed | Should -Be '1' -Because $run.Log
        $run.Log | Should -Match 'New-OmiseLink summary: 4 rows; 2 links written: 2 created; 2 failed: row 2 \(line 3\) RM-2 \(amount\), row 4 \(line 5\) RM-4 \(amount\)'
        $run.Log.IndexOf([char]27) | Should -Be -1
        $lines = $run.Log -split '\r?\n'
        @($lines | Where-Object { $_ -match '^runbook\.ps1: Row \d' }).Count | Should -Be 2
        @($lines | Where-Object { $_ -match '^runbook\.ps1: Row 4 \(line 5, RM-4\): Amount .* amounts are never rounded\.$' }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match '^\s*(Line \||\d+ \||\| )' }).Count | Should -Be 0
        @(Import-Csv (Join-Path $clone 'links.csv')).Reference | Should -Be @('RM-1', 'RM-3')
    }
}
