namespace OmiseLinks.UnitTests;

public class RunProgressTests
{
    [Fact]
    public void An_early_end_names_the_rows_that_were_in_flight_so_a_person_can_look_for_their_links()
    {
        var progress = new RunProgress();
        progress.EndEarly("the pipeline was stopped (Ctrl+C)");
        for (var row = 60; row < 67; row++) progress.CountMayExist($"Row {row} (line {row + 1}, INV-{row:0000})");

        var warning = progress.EarlyEndWarning()!;
        var summary = progress.SummaryLine();

        Assert.Contains("7 row(s) were in flight and may have a link: row 60 (line 61) INV-0060, row 61 (line 62) INV-0061, " +
            "row 62 (line 63) INV-0062, row 63 (line 64) INV-0063, row 64 (line 65) INV-0064 and 2 more (the summary line names each)", warning);
        for (var row = 60; row < 67; row++) Assert.Contains($"row {row} (line {row + 1}) INV-{row:0000}", summary);
    }

    [Fact]
    public void The_progress_bar_counts_adopted_links_so_its_counts_add_up()
    {
        var progress = new RunProgress();
        progress.Count(Omise.Core.LinkOrigin.Created, "link_test_1", "Row 1 (line 2)");
        progress.Count(Omise.Core.LinkOrigin.Adopted, "link_test_2", "Row 2 (line 3)");

        Assert.Contains("2 rows done: 1 created, 1 adopted, 0 reused, 0 failed", progress.Record().StatusDescription);
    }
}
