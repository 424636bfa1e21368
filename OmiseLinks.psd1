@{
    # The version comes from Directory.Build.props; the build stamps it into out/OmiseLinks/OmiseLinks.psd1.
    ModuleVersion        = '0.0.0'
    RootModule           = 'OmiseLinks.dll'
    GUID                 = '5b0f3f7e-8c3a-4d55-9a0e-2f6b8f1c7d41'
    Author               = 'OmiseLinks contributors'
    CompanyName          = 'OmiseLinks contributors'
    Copyright            = '(c) 2026 OmiseLinks contributors. MIT License.'
    Description          = 'Create and manage Omise payment links (single-use or multiple-use) from PowerShell: CSV in, links out, exactly once.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    # Windows PowerShell checks DotNetFrameworkVersion only up to 4.5. OmiseLinks.Preflight.ps1 runs first (nested
    # modules load before the root module) and stops the import with a clear message on a .NET Framework older than 4.7.2,
    # where OmiseLinks.dll (netstandard2.0) cannot load. It does nothing in PowerShell 7.
    DotNetFrameworkVersion = '4.7.2'
    NestedModules        = @('OmiseLinks.Preflight.ps1')
    FormatsToProcess     = @('OmiseLinks.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-Omise'
        'Disconnect-Omise'
        'Get-OmiseSession'
        'New-OmiseLink'
        'Get-OmiseLink'
        'Remove-OmiseLink'
        'Get-OmiseLinkCharge'
        'Export-OmiseLinkQRCode'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    # Where Update-Help looks for updatable help (OmiseLinks_<GUID>_HelpInfo.xml and the cab of each culture, published
    # with a release). The help itself ships in the module (en-US), so Get-Help works without Update-Help.
    HelpInfoURI          = 'https://github.com/omiselinks/OmiseLinks/releases/latest/download/'
    PrivateData          = @{
        PSData = @{
            Tags         = @('Omise', 'Payments', 'PaymentLinks', 'Links', 'Thailand', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/omiselinks/OmiseLinks'
            LicenseUri   = 'https://github.com/omiselinks/OmiseLinks/blob/main/LICENSE'
            IconUri      = 'https://raw.githubusercontent.com/omiselinks/OmiseLinks/main/docs/images/OmiseLinks.png'
            ReleaseNotes = 'See CHANGELOG.md: https://github.com/omiselinks/OmiseLinks/blob/main/CHANGELOG.md'
        }
    }
}
