using System.Text;

namespace Omise.Core.Tests;

/// <summary>LinkFields' text rule on its own: what is encoding damage, what is invisible, and what real text is neither.</summary>
public class LinkFieldsTests
{
    static LinkFieldsTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string Misread(string text, int savedIn, int readAs) =>
        Encoding.GetEncoding(readAs).GetString(Encoding.GetEncoding(savedIn).GetBytes(text));

    [Theory]
    [InlineData("ค่าเช่าห้องประชุม")]
    [InlineData("เธอ ค่าเรียน")] // "เธ" read as 1252 is "à¸", the mark of UTF-8 read as 1252: told apart
    [InlineData("INV-2026-0042 ค่าที่ปรึกษา")]
    public void Thai_code_page_874_text_read_as_1252_or_Latin_1_is_damage_with_the_text_874_would_read(string thai)
    {
        foreach (var readAs in new[] { 1252, 28591 })
        {
            var damaged = Misread(thai, 874, readAs);
            var problem = LinkFields.TextProblem("Title", damaged);
            Assert.Contains("Thai text saved in the Thai Windows code page (874) and read as Windows-1252/Latin-1", problem);
            Assert.Contains($"read as 874 it says '{thai}'", problem);
            Assert.Equal(LinkFields.ThaiCodePageAdvice, LinkFields.EncodingAdviceFor(damaged));
        }
    }

    [Fact]
    public void UTF8_Thai_read_as_1252_is_still_told_as_UTF8_damage()
    {
        var damaged = Misread("เธอ ค่าเรียน", 65001, 1252);
        Assert.Contains("the mark of UTF-8 text read as Windows-1252/Latin-1", LinkFields.TextProblem("Title", damaged));
        Assert.Equal(LinkFields.EncodingAdvice, LinkFields.EncodingAdviceFor(damaged));
    }

    [Theory]
    [InlineData("Café Crème brûlée")]
    [InlineData("Übergrößenträger")]
    [InlineData("São João, Ærøskøbing")]
    [InlineData("Zürich – Genève “quoted” ¿Qué? ¡Olé!")]
    [InlineData("Þjóðhátíð 2026 × 2 ÷ 4 ±1 °C")]
    [InlineData("ค่าเช่าห้องประชุม")]
    [InlineData("Room\u200Bbooking")]
    public void Real_text_is_neither_damaged_nor_invisible(string text)
    {
        Assert.Null(LinkFields.TextProblem("Title", text));
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\uFEFF\u200C\u200D")]
    [InlineData("\u3164")]
    [InlineData("\u115F\u1160 \uFFA0")]
    [InlineData("\u2060\u00AD\u034F\uFE0F")]
    [InlineData("\u2800")]
    [InlineData("\U000E0041\U000E0042")]
    public void Text_of_invisible_characters_only_is_blank(string text)
    {
        Assert.StartsWith("Title is made only of invisible characters (U+", LinkFields.TextProblem("Title", text));
    }
}
