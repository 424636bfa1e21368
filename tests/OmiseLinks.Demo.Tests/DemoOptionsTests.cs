namespace OmiseLinks.Demo.Tests;

public sealed class DemoOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void No_arguments_mean_the_example_csv_links_csv_here_and_the_emulator()
    {
        Assert.True(DemoOptions.TryParse([], NoEnvironment, out var options, out var error));

        Assert.Null(error);
        Assert.Null(options.CsvPath);
        Assert.Equal("links.csv", options.OutPath);
        Assert.Null(options.ThrottleLimit);
        Assert.Null(options.ApiUri);
        Assert.Null(options.SecretKey);
    }

    [Fact]
    public void Every_option_is_read_and_the_key_comes_from_OMISE_SECRET_KEY()
    {
        string[] args = ["--csv", "in.csv", "--out", "out/links.csv", "--throttle", "7", "--api-uri", "https://api.omise.co"];

        Assert.True(DemoOptions.TryParse(args, name => name == "OMISE_SECRET_KEY" ? "skey_test_x" : null, out var options, out _));

        Assert.Equal("in.csv", options.CsvPath);
        Assert.Equal("out/links.csv", options.OutPath);
        Assert.Equal(7, options.ThrottleLimit);
        Assert.Equal(new Uri("https://api.omise.co"), options.ApiUri);
        Assert.Equal("skey_test_x", options.SecretKey);
    }

    [Theory]
    [InlineData("--api-uri needs the secret key in the OMISE_SECRET_KEY environment variable", "--api-uri", "https://api.omise.co")]
    [InlineData("--throttle must be a whole number from 1 to 10, not '11'", "--throttle", "11")]
    [InlineData("--throttle must be a whole number from 1 to 10, not '2.5'", "--throttle", "2.5")]
    [InlineData("--api-uri must be an absolute http(s) URI, not 'api.omise.co'", "--api-uri", "api.omise.co")]
    [InlineData("--csv needs a value", "--csv")]
    [InlineData("unknown argument '--key'", "--key", "skey_test_x")]
    public void A_bad_command_line_is_refused_with_a_reason(string expected, params string[] args)
    {
        Assert.False(DemoOptions.TryParse(args, NoEnvironment, out _, out var error));
        Assert.Equal(expected, error);
    }
}
