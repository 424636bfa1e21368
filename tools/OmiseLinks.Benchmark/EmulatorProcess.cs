using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OmiseLinks.Benchmark;

/// <summary>What GET /_emulator/stats tells.</summary>
internal sealed record EmulatorStats(long Links, long RequestCount, int MaxConcurrentRequests, IReadOnlyDictionary<string, int> Faults)
{
    public int FaultTotal => Faults.Values.Sum();
}

/// <summary>
/// The emulator as a child process (<c>dotnet Omise.Emulator.dll --urls http://127.0.0.1:0 --ready-file …</c>), driven through its
/// admin endpoints. Its own memory and its stored links stay out of this process, so the client's managed-memory figures are the
/// module's and the engine's alone. Disposing kills it; so do Ctrl+C and process exit.
/// </summary>
internal sealed class EmulatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _admin;
    private int _killed;

    private EmulatorProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        _admin = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUri { get; }

    public static EmulatorProcess Start(string secretKey)
    {
        var readyFile = Path.Combine(Path.GetTempPath(), $"omise-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.uri");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, // its banner shows the key: read and dropped, never echoed
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Repo.EmulatorDll, "--urls", "http://127.0.0.1:0", "--ready-file", readyFile, "--secret-key", secretKey })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the emulator.");
        var tail = new Queue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (tail)
            {
                tail.Enqueue(e.Data);
                while (tail.Count > 20) tail.Dequeue();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(readyFile))
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The emulator exited with code {process.ExitCode}: {string.Join(" | ", tail)}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The emulator did not report ready within 30 s.");
                Thread.Sleep(20);
            }
            var uri = new Uri(File.ReadAllText(readyFile).Trim());
            File.Delete(readyFile);
            return new EmulatorProcess(process, uri);
        }
        catch
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
            throw;
        }
    }

    public int ProcessId => _process.Id;

    /// <summary>CPU time the emulator has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Replaces the fault options (latency included); fields left out take their defaults.</summary>
    public void SetFaults(object faults)
    {
        // Enums (BrokenAnswerShape) travel by name, as the admin endpoint reads them.
        var json = new System.Text.Json.JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        using var response = _admin.PutAsync("_emulator/faults", JsonContent.Create(faults, options: json)).GetAwaiter().GetResult();
        EnsureOk(response, "PUT /_emulator/faults");
    }

    /// <summary>Clears links and stats and restarts the fault sequence.</summary>
    public void Reset()
    {
        using var response = _admin.PostAsync("_emulator/reset", content: null).GetAwaiter().GetResult();
        EnsureOk(response, "POST /_emulator/reset");
    }

    /// <summary>Stores <paramref name="count"/> distinct links, one second apart, the newest a minute ago ("Seeded 1" ... "Seeded N").</summary>
    public void Seed(int count)
    {
        using var response = _admin.PostAsync($"_emulator/seed?count={count}", content: null).GetAwaiter().GetResult();
        EnsureOk(response, "POST /_emulator/seed");
    }

    public EmulatorStats Stats()
    {
        using var response = _admin.GetAsync("_emulator/stats").GetAwaiter().GetResult();
        EnsureOk(response, "GET /_emulator/stats");
        using var json = JsonDocument.Parse(response.Content.ReadAsStream());
        var root = json.RootElement;
        var faults = root.GetProperty("faults").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        return new EmulatorStats(root.GetProperty("links").GetInt64(), root.GetProperty("request_count").GetInt64(),
            root.GetProperty("max_concurrent_requests").GetInt32(), faults);
    }

    private static void EnsureOk(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }

    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) != 0) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        Kill();
        _admin.Dispose();
        _process.Dispose();
    }
}
