#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Ctrl+C pressed in a real console (tmux at 120 x 40) during Import-Csv | New-OmiseLink | Export-Csv under
# Start-Transcript: the warning and the summary line reach the transcript, and every link the server holds is in the
# links file or named there.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'SystemPackages.ps1')
    $tmuxSkip = $null
    if ($IsWindows) { $tmuxSkip = 'needs a terminal multiplexer (tmux) to press Ctrl+C' }
    else { $tmuxSkip = Get-SystemPackageProblem -Packages @{ tmux = 'tmux' } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
}

AfterAll { Clear-TestSession }

Describe 'Ctrl+C in a console with Start-Transcript' -Skip:([bool]$tmuxSkip) {
    It 'leaves the warning and the summary in the transcript, and every link written or named' {
        Set-TestEmulatorFaults -Emulator $emulator -Faults @{ LatencyMs = 100 }
        $csv = Join-Path $work 'ctrl-c.csv'
        1..400 | ForEach-Object {
            [pscustomobject]@{ invoice = 'CC-{0:000}' -f $_; amount = 10000 + $_; currency = 'thb'; title = "Ctrl C $_"; description = 'Ctrl+C test' }
        } | Export-Csv -Path $csv -NoTypeInformation -Encoding UTF8
        $transcript = Join-Path $work 'transcript.txt'
        $links = Join-Path $work 'ctrl-c-links.csv'
        $script = Join-Path $work 'ctrl-c.ps1'
        @"
Import-Module '$moduleManifest'
Connect-Omise -SecretKey (ConvertTo-SecureString '$($emulator.SecretKey)' -AsPlainText -Force) -ApiUri '$($emulator.BaseUri)'
Start-Transcript -Path '$transcript' | Out-Null
Import-Csv '$csv' | New-OmiseLink -ThrottleLimit 4 | Export-Csv '$links' -NoTypeInformation
"@ | Set-Content -Path $script -Encoding UTF8
        $shell = Get-TestShellCommand
        $command = (@($shell.File) + @($shell.Prefix) + @('-NoProfile', '-NoLogo', '-File', $script) | ForEach-Object { "'$_'" }) -join ' '
        $session = 'omiselinks-ctrlc-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        & tmux new-session -d -s $session -x 120 -y 40 "$command; sleep 600"
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-ServerLinkCount) -lt 20 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            & tmux send-keys -t $session C-c
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ((Test-Path $transcript) -and (Get-Content $transcript -Raw) -match 'New-OmiseLink summary:') -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 200
            }
            $screen = (& tmux capture-pane -t $session -p -S -200) -join "`n"
        }
        finally {
            & tmux kill-session -t $session
        }

        $told = Get-Content $transcript -Raw
        $told | Should -Match 'New-OmiseLink summary: \d+ rows; \d+ links written: .*ended early: the pipeline was stopped \(Ctrl\+C\)' -Because $screen
        $told | Should -Match 'WARNING: New-OmiseLink ended before writing every row'
        $written = @(Import-Csv $links).Id
        $stored = @((Get-OmiseLink).Id)
        $stored.Count | Should -BeGreaterOrEqual 20
        $stored.Count | Should -BeLessThan 400
        $unaccounted = @($stored | Where-Object { $written -notcontains $_ -and $told -notmatch $_ })
        $unaccounted | Should -BeNullOrEmpty -Because "$($stored.Count) stored, $($written.Count) written"
        ($stored.Count - $written.Count) | Should -BeLessOrEqual (2 * 4 + 1)
    }
}
