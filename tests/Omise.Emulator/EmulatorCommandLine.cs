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
          --fault-late-store-502 P        POST /links: answer 502 at once, store the link --late-store-delay-ms later
          --late-store-delay-ms N         delay of that late store (default 1500)
          --fault-late-store-timeout P    POST /links: answer nothing for --hang-ms, then store the link and drop the connection
          --hang-ms N                     how long that hang lasts (default 5000)
          --fault-broken-answer P         POST /links: store the link, answer 200 with a body that is not a link
          --broken-answer-shape S         rotate (default), empty ({}), object ({"object":"link"}) or error (error object, 200)
          --fault-list-data-null P        GET /links, GET /search: 200 with "data": null
          --list-ignores-offset           GET /links always returns the first page
          --trickle-body-ms N             write response bodies one byte at a time, N ms apart (restricted by --fault-only-paths)
          --fault-only-paths RULES        restrict faults, e.g. "POST /links" or "GET /links/*,GET /search"
          --ignore-idempotency-key        play a server that ignores the Idempotency-Key header
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
            if (arg == "--ignore-idempotency-key")
            {
                result.Options.IgnoreIdempotencyKey = true;
                continue;
            }
            if (arg == "--list-ignores-offset")
            {
                faults.ListIgnoresOffset = true;
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
                case "--fault-late-store-502": if (!Probability(name, value, p => faults.LateStoreAfter502 = p, out error)) return false; break;
                case "--fault-late-store-timeout": if (!Probability(name, value, p => faults.LateStoreAfterTimeout = p, out error)) return false; break;
                case "--late-store-delay-ms": if (!Int(name, value, v => faults.LateStoreDelayMs = v, out error)) return false; break;
                case "--hang-ms": if (!Int(name, value, v => faults.HangMs = v, out error)) return false; break;
                case "--fault-broken-answer": if (!Probability(name, value, p => faults.BrokenCreateAnswer = p, out error)) return false; break;
                case "--broken-answer-shape":
                    if (EmulatorServer.ParseShape(value) is not { } shape)
                    {
                        error = $"{name} needs rotate, empty, object or error, not '{value}'";
                        return false;
                    }
                    faults.BrokenAnswerShape = shape;
                    break;
                case "--fault-list-data-null": if (!Probability(name, value, p => faults.ListDataNull = p, out error)) return false; break;
                case "--trickle-body-ms": if (!Int(name, value, v => faults.TrickleBodyMs = v, out error)) return false; break;
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
