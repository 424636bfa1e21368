#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Connect-Omise -Proxy against a real proxy that demands credentials: Debian's tinyproxy with BasicAuth, started here on a
# free loopback port with a config file of its own, forwarding to this file's emulator.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'SystemPackages.ps1')
    $proxySkip = Get-SystemPackageProblem -Packages @{ tinyproxy = 'tinyproxy' }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . Initialize-TestSession
    Disconnect-Omise

    $proxyUser = 'omiseproxy'
    $proxyPassword = 'pr0xy-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $proxyCredential = [pscredential]::new($proxyUser, (ConvertTo-SecureString $proxyPassword -AsPlainText -Force))
    $keyBase64 = [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($emulator.SecretKey + ':'))

    # A free port: the system gives one to a listener on port 0, which then lets it go for tinyproxy.
    function Get-FreeLoopbackPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    function Start-TestProxy {
        $port = Get-FreeLoopbackPort
        $folder = Join-Path $work ('tinyproxy-' + $port)
        New-Item -ItemType Directory -Path $folder | Out-Null
        $log = Join-Path $folder 'tinyproxy.log'
        $config = Join-Path $folder 'tinyproxy.conf'
        Set-Content -Path $config -Encoding Ascii -Value @(
            'Listen 127.0.0.1'
            "Port $port"
            "BasicAuth $proxyUser $proxyPassword"
            'Allow 127.0.0.1'
            "LogFile `"$log`""
            'LogLevel Info'
            'MaxClients 20'
        )
        $process = Start-Process -FilePath 'tinyproxy' -ArgumentList @('-d', '-c', "`"$config`"") -PassThru `
            -RedirectStandardOutput (Join-Path $folder 'stdout.txt') -RedirectStandardError (Join-Path $folder 'stderr.txt')
        # Ready when it accepts a connection.
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($true) {
            $client = [System.Net.Sockets.TcpClient]::new()
            try { $client.Connect([System.Net.IPAddress]::Loopback, $port); break }
            catch {
                if ($process.HasExited) { throw "tinyproxy stopped: $(Get-Content (Join-Path $folder 'stderr.txt') -Raw)" }
                if ([DateTime]::UtcNow -gt $deadline) { throw 'tinyproxy did not listen within 30 seconds.' }
                Start-Sleep -Milliseconds 100
            }
            finally { $client.Dispose() }
        }
        [pscustomobject]@{ Process = $process; Uri = [uri]"http://127.0.0.1:$port"; Log = $log }
    }

    function Get-ProxyLog { param($Proxy) Get-Content -Path $Proxy.Log -Raw -ErrorAction SilentlyContinue }

    if (-not $proxySkip) { $proxy = Start-TestProxy }
}

AfterAll {
    if ($proxy -and -not $proxy.Process.HasExited) { Stop-Process -Id $proxy.Process.Id -Force -ErrorAction SilentlyContinue }
    Clear-TestSession
}

Describe 'Connect-Omise -Proxy through tinyproxy with BasicAuth' -Skip:([bool]$proxySkip) {
    It 'creates a link through the proxy with the right credential, and the proxy never sees the key' {
        $before = Get-ServerLinkCount

        Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri -Proxy $proxy.Uri -ProxyCredential $proxyCredential -InformationAction Ignore
        $link = New-OmiseLink -Amount 10000 -Currency thb -Title 'Through the proxy' -Description 'Proxy test' -InformationAction Ignore
        $session = Get-OmiseSession

        $link.Id | Should -Match '^link_'
        (Get-ServerLinkCount) - $before | Should -Be 1
        $session.Proxy | Should -Be ($proxy.Uri.ToString())
        $log = Get-ProxyLog $proxy
        $log | Should -Match ([regex]::Escape("POST $($emulator.BaseUri)links"))
        $log | Should -Match ([regex]::Escape("GET $($emulator.BaseUri)account"))
        $log | Should -Not -Match ([regex]::Escape($emulator.SecretKey))
        $log | Should -Not -Match ([regex]::Escape($keyBase64.TrimEnd('=')))
    }

    It 'refuses a wrong credential with an error naming -ProxyCredential, sends nothing to the API and shows no key' {
        $wrong = [pscredential]::new($proxyUser, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $requestsBefore = (Get-TestEmulatorStats -Emulator $emulator).request_count

        { Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri -Proxy $proxy.Uri -ProxyCredential $wrong } |
            Should -Throw -ErrorId 'ProxyAuthenticationRequired,OmiseLinks.Commands.ConnectOmiseCommand'
        $record = $Error[0]
        $text = ($record | Out-String -Width 200) + $record.ErrorDetails.RecommendedAction

        $record.CategoryInfo.Category | Should -Be 'ConnectionError'
        # tinyproxy answers a wrong password with 401 (RFC 7235 says 407): without an Omise body it is the proxy's answer.
        $text | Should -Match 'proxy refused its credentials'
        $text | Should -Match '-ProxyCredential'
        $text | Should -Not -Match 'again later'
        $text | Should -Not -Match ([regex]::Escape($emulator.SecretKey))
        (Get-TestEmulatorStats -Emulator $emulator).request_count | Should -Be $requestsBefore
        Get-OmiseSession | Should -BeNullOrEmpty
        (Get-ProxyLog $proxy) | Should -Not -Match ([regex]::Escape($emulator.SecretKey))
    }

    It 'refuses a missing credential the same way, once: a 407 is not retried' {
        $proxyRequestsBefore = ([regex]::Matches((Get-ProxyLog $proxy), 'Request \(file descriptor')).Count

        { Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri -Proxy $proxy.Uri } |
            Should -Throw -ErrorId 'ProxyAuthenticationRequired,OmiseLinks.Commands.ConnectOmiseCommand'

        $Error[0].ToString() | Should -Match '407 Proxy Authentication Required'
        $Error[0].ErrorDetails.RecommendedAction | Should -Match '-ProxyCredential'
        ([regex]::Matches((Get-ProxyLog $proxy), 'Request \(file descriptor')).Count - $proxyRequestsBefore | Should -Be 1
    }

    It 'takes -ProxyUseDefaultCredentials, and a proxy that asks for Basic credentials instead ends it with the same advice' {
        # Windows sign-in (NTLM, Kerberos) is what -ProxyUseDefaultCredentials offers; tinyproxy asks for Basic only.
        { Connect-Omise -SecretKey $secureKey -ApiUri $emulator.BaseUri -Proxy $proxy.Uri -ProxyUseDefaultCredentials } |
            Should -Throw -ErrorId 'ProxyAuthenticationRequired,OmiseLinks.Commands.ConnectOmiseCommand'

        $Error[0].ErrorDetails.RecommendedAction | Should -Match '-ProxyUseDefaultCredentials'
    }
}

Describe 'A connection refused' {
    It 'advises checking -ApiUri and the proxy, not running again later' {
        $closedPort = Get-FreeLoopbackPort

        { Connect-Omise -SecretKey $secureKey -ApiUri "http://127.0.0.1:$closedPort" } |
            Should -Throw -ErrorId 'ConnectionRefused,OmiseLinks.Commands.ConnectOmiseCommand'

        $advice = $Error[0].ErrorDetails.RecommendedAction
        $advice | Should -Match '-ApiUri'
        $advice | Should -Match '-Proxy'
        $advice | Should -Not -Match 'again later'
    }
}
