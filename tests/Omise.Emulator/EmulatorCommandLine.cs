using System.Globalization;

namespace Omise.Emulator;

/// <summary>The standalone program's command line (hand-written parsing, "--name value" or "--name=value").</summary>
public sealed class EmulatorCommandLine
{
    public const string Usage = """
        Usage: Omise.Emulator [options]
          --urls URL                      where to listen (default http://127.0.0.1:5080; port 0 = a free port)
          --secret-key KEY                the accepted secret key (default skey_test_5emulat0rk3yf0rt3sts)
          --public-key KEY                the account's public key (always refused, like api.omise.co)
          --live                          live mode ids (link_...) and livemode: true
          --ready-file PATH               write the base URI to PATH once listening
          --latency-ms N                  delay added to every API request
          --fault-seed N                  seed of the deterministic fault sequence (default 1)
          --fault-429 P                   probability of 429 without Retry-After
          --fault-429-retry-after P       probability of 429 with Retry-After
          --retry-after-seconds N         the Retry-After value (default 1)
          --fault-500 P                   probability of 500 internal_error
          --fault-503 P                   probability of 503 service_unavailable
          --fault-drop-before P           POST /links: drop the connection before storing
          --fault-drop-after P            POST /links: store the link, then drop the connection
          --fault-only-paths RULES        restrict faults, e.g. "POST /links" or "GET /links/*,GET /search"
          -h, --help                      this text
        """;

    public EmulatorOptions Options { get; } = new() { Urls = "http://127.0.0.1:5080" };
    public string? ReadyFile { get; private set; }
    public bool ShowHelp { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out EmulatorCommandLine result, out string? error)
    {
        result = new EmulatorCommandLine();
        error = null;
        var faults = result.Options.Faults;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                result.ShowHelp = true;
                continue;
            }
            if (arg == "--live")
            {
                result.Options.LiveMode = true;
                continue;
            }

            string name;
            string? value = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                name = arg;
            }
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                return false;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{name} needs a value";
                    return false;
                }
                value = args[++i];
            }

            switch (name)
            {
                case "--urls": result.Options.Urls = value; break;
                case "--secret-key": result.Options.SecretKey = value; break;
                case "--public-key": result.Options.PublicKey = value; break;
                case "--ready-file": result.ReadyFile = value; break;
                case "--fault-only-paths": faults.OnlyPaths = value.Length == 0 ? null : value; break;
                case "--latency-ms": if (!Int(name, value, v => faults.LatencyMs = v, out error)) return false; break;
                case "--fault-seed": if (!Int(name, value, v => faults.Seed = v, out error)) return false; break;
                case "--retry-after-seconds": if (!Int(name, value, v => faults.RetryAfterSeconds = v, out error)) return false; break;
                case "--fault-429": if (!Probability(name, value, p => faults.RateLimitWithoutRetryAfter = p, out error)) return false; break;
                case "--fault-429-retry-after": if (!Probability(name, value, p => faults.RateLimitWithRetryAfter = p, out error)) return false; break;
                case "--fault-500": if (!Probability(name, value, p => faults.ServerError500 = p, out error)) return false; break;
                case "--fault-503": if (!Probability(name, value, p => faults.ServiceUnavailable503 = p, out error)) return false; break;
                case "--fault-drop-before": if (!Probability(name, value, p => faults.DropBeforeStore = p, out error)) return false; break;
                case "--fault-drop-after": if (!Probability(name, value, p => faults.DropAfterStore = p, out error)) return false; break;
                default:
                    error = $"unknown option {name}";
                    return false;
            }
        }
        if (!result.Options.SecretKey.StartsWith("skey_", StringComparison.Ordinal))
        {
            error = "--secret-key must start with skey_";
            return false;
        }
        return true;
    }

    private static bool Int(string name, string text, Action<int> set, out string? error)
    {
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= 0)
        {
            set(v);
            error = null;
            return true;
        }
        error = $"{name} needs a whole number >= 0, not '{text}'";
        return false;
    }

    private static bool Probability(string name, string text, Action<double> set, out string? error)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1)
        {
            set(p);
            error = null;
            return true;
        }
        error = $"{name} needs a probability between 0 and 1, not '{text}'";
        return false;
    }
}
