namespace OmiseLinks.Tests;

/// <summary>Issue 17: one Export-Csv holds everything a mail merge needs, the invoice's own columns included.</summary>
public class MailMergeTests
{
    [Fact]
    public async Task IncludeInputColumns_keeps_the_rows_other_columns_through_the_QR_codes_into_one_csv()
    {
        await using var bed = await TestBed.StartAsync();
        var folder = Directory.CreateTempSubdirectory("omiselinks-mailmerge-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "invoices.csv"),
                "Invoice No,amount,currency,title,description,email,Customer Name,Status\r\n" +
                "INV-1,150050,thb,Lessons,December,somchai@example.com,Somchai K.,open\r\n" +
                "INV-2,9900,usd,E-book,Download,ann@example.com,Ann Lee,open\r\n");
            bed.Shell.SetVariable("folder", folder.FullName);

            var plain = bed.Run("Import-Csv (Join-Path $folder invoices.csv) | New-OmiseLink -AllowDuplicate");
            var result = bed.Run("""
                Set-Location $folder
                Import-Csv ./invoices.csv | New-OmiseLink -IncludeInputColumns -AllowDuplicate |
                    Export-OmiseLinkQRCode -Path ./qr -PassThru | Export-Csv ./mail-merge.csv -NoTypeInformation
                Import-Csv ./mail-merge.csv
                """);

            Assert.Empty(plain.Errors);
            Assert.Null(plain.Output[0].Properties["email"]);
            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Output.Count);
            var first = result.Output[0];
            Assert.Equal("INV-1", first.Properties["Reference"].Value);
            Assert.Equal("somchai@example.com", first.Properties["email"].Value);
            Assert.Equal("Somchai K.", first.Properties["Customer Name"].Value);
            Assert.StartsWith("https://link.omise.co/", (string)first.Properties["PaymentUri"].Value);
            Assert.EndsWith("INV-1.png", (string)first.Properties["QRCodePath"].Value);
            // Columns New-OmiseLink read are not repeated, and a name the link has keeps the link's value.
            var names = first.Properties.Select(p => p.Name).ToList();
            Assert.DoesNotContain("Invoice No", names);
            Assert.DoesNotContain("amount", names.Where(n => n != "Amount"));
            Assert.Equal("unpaid", first.Properties["Status"].Value);
            Assert.Equal(4, bed.Emulator.Links.Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
