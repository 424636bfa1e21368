using System.Globalization;

namespace OmiseLinks.Demo;

/// <summary>What one demo run does: which CSV, where the links go, which API.</summary>
public sealed class DemoOptions
{
    public const string SecretKeyVariable = "OMISE_SECRET_KEY";

    /// <summary>The invoices to turn into links. Default: examples/invoices.csv of this repository.</summary>
    public string? CsvPath { get; set; }

    /// <summary>Where links.csv goes; relative paths are from the current directory.</summary>
    public string OutPath { get; set; } = "links.csv";

    /// <summary>New-OmiseLink -ThrottleLimit; null leaves the module's default.</summary>
    public int? ThrottleLimit { get; set; }

    /// <summary>An Omise API to use instead of the in-process emulator (needs <see cref="SecretKey"/>).</summary>
    public Uri? ApiUri { get; set; }

    /// <summary>The secret key for <see cref="ApiUri"/>; from OMISE_SECRET_KEY on the command line. Never printed.</summary>
    public string? SecretKey { get; set; }

    public bool ShowHelp { get; set; }

    public const string Usage = """
        Usage: dotnet run --project tools/OmiseLinks.Demo [-- options]

          --csv PATH       invoices to turn into payment links (default: examples/invoices.csv)
          --out PATH       where to write the links (default: links.csv in the current directory)
          --throttle N     requests in flight at once, 1 to 10 (New-OmiseLink -ThrottleLimit)
          --api-uri URI    use this Omise API instead of the built-in emulator; the secret key
                           is read from the OMISE_SECRET_KEY environment variable
          --help           show this text

        Exit code: 0 when every row became a link, 1 otherwise, 2 for a bad command line.
        """;

    /// <summary>Reads the command line; <paramref name="environment"/> gives environment variables (the key).</summary>
    public static bool TryParse(IReadOnlyList<string> args, Func<string, string?> environment, out DemoOptions options, out string? error)
    {
        options = new DemoOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                options.ShowHelp = true;
                continue;
            }
            if (arg is not ("--csv" or "--out" or "--throttle" or "--api-uri"))
            {
                error = $"unknown argument '{arg}'";
                return false;
            }
            if (i + 1 >= args.Count || args[i + 1].Length == 0)
            {
                error = $"{arg} needs a value";
                return false;
            }
            var value = args[++i];
            switch (arg)
            {
                case "--csv":
                    options.CsvPath = value;
                    break;
                case "--out":
                    options.OutPath = value;
                    break;
                case "--throttle":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var throttle) || throttle is < 1 or > 10)
                    {
                        error = $"--throttle must be a whole number from 1 to 10, not '{value}'";
                        return false;
                    }
                    options.ThrottleLimit = throttle;
                    break;
                case "--api-uri":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    {
                        error = $"--api-uri must be an absolute http(s) URI, not '{value}'";
                        return false;
                    }
                    options.ApiUri = uri;
                    break;
            }
        }
        if (options.ApiUri != null && !options.ShowHelp)
        {
            options.SecretKey = environment(SecretKeyVariable);
            if (string.IsNullOrWhiteSpace(options.SecretKey))
            {
                error = $"--api-uri needs the secret key in the {SecretKeyVariable} environment variable";
                return false;
            }
        }
        return true;
    }
}
