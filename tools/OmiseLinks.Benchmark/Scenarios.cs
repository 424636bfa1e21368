namespace OmiseLinks.Benchmark;

/// <summary>The five scenarios. Each prints its details as it goes and adds its figures to <see cref="Table"/>.</summary>
internal sealed class Scenarios
{
    private const int LatencyMs = 50;

    private readonly EmulatorProcess _emulator;
    private readonly BenchShell _shell;
    private readonly PlainLoop _plain;
    private readonly int _scale;

    public Scenarios(EmulatorProcess emulator, BenchShell shell, PlainLoop plain, int scale)
    {
        _emulator = emulator;
        _shell = shell;
        _plain = plain;
        _scale = scale;
    }

    public ResultTable Table { get; } = new();

    private int Size(int full) => Math.Max(1, full / _scale);

    private static object NoFaults => new { };

    /// <summary>JIT and connections warm before anything is timed.</summary>
    public void Warm()
    {
        _emulator.SetFaults(NoFaults);
        _emulator.Reset();
        var run = _shell.CreateLinks(Size(2000), "-ThrottleLimit 4");
        Require(run, Size(2000), "warm-up");
    }

    /// <summary>1. With 50 ms added to every request, the time should be the ideal N × 50 ms / throttle: the module adds nothing that serialises.</summary>
    public void LatencyBound()
    {
        var rows = Size(2000);
        Console.WriteLine($"1. Latency bound: {rows:N0} rows, {LatencyMs} ms added to every request");
        foreach (var throttle in new[] { 1, 4, 10 })
        {
            _emulator.SetFaults(new { latency_ms = LatencyMs });
            _emulator.Reset();
            var run = _shell.CreateLinks(rows, $"-ThrottleLimit {throttle}");
            var stats = _emulator.Stats();
            Require(run, rows, $"throttle {throttle}");
            RequireStored(stats, rows, $"throttle {throttle}");
            var ideal = TimeSpan.FromMilliseconds((double)rows * LatencyMs / throttle);
            var ratio = run.Elapsed / ideal;
            Console.WriteLine($"   throttle {throttle,2}: {run.Elapsed.TotalSeconds,7:0.00} s, ideal {ideal.TotalSeconds,6:0.00} s, ratio {ratio:0.000}, " +
                              $"{rows / run.Elapsed.TotalSeconds,6:0.0} rows/s, max concurrent requests seen {stats.MaxConcurrentRequests}, requests {stats.RequestCount:N0}");
            Table.Add("1 latency bound", $"throttle {throttle}: time / ideal", $"{ratio:0.000} ({run.Elapsed.TotalSeconds:0.0} s / {ideal.TotalSeconds:0.0} s)", "<= 1.15", ratio <= 1.15);
            Table.Add("1 latency bound", $"throttle {throttle}: max concurrent", stats.MaxConcurrentRequests.ToString(), $"= {throttle}", stats.MaxConcurrentRequests == throttle);
        }
        Console.WriteLine();
    }

    /// <summary>2. No added latency, throttle 1: what the module and the engine add to each request, against a plain HttpClient loop.</summary>
    public void Overhead()
    {
        var rows = Size(5000);
        var warm = Size(200);
        const int repeats = 5;
        Console.WriteLine($"2. Overhead: {rows:N0} rows, no added latency, sequential; warm-up {warm} requests each; median of {repeats} alternating runs");
        _emulator.SetFaults(NoFaults);
        _emulator.Reset();
        Require(_shell.CreateLinks(warm, "-ThrottleLimit 1"), warm, "warm-up");
        _emulator.Reset();
        _plain.Run(warm);
        _shell.RowsOnly(warm);

        var module = new List<Measured>();
        var loop = new List<Measured>();
        var rowsOnly = new List<Measured>();
        for (var i = 0; i < repeats; i++)
        {
            _emulator.Reset();
            var (run, moduleCost) = Measure(() => _shell.CreateLinks(rows, "-ThrottleLimit 1"), r => r.Elapsed);
            Require(run, rows, "New-OmiseLink");
            RequireStored(_emulator.Stats(), rows, "New-OmiseLink");
            module.Add(moduleCost);

            _emulator.Reset();
            var (_, loopCost) = Measure(() => _plain.Run(rows), elapsed => elapsed);
            RequireStored(_emulator.Stats(), rows, "plain loop");
            loop.Add(loopCost);

            var (only, onlyCost) = Measure(() => _shell.RowsOnly(rows), r => r.Elapsed);
            Require(only, rows, "rows only");
            rowsOnly.Add(onlyCost);
            Console.WriteLine($"   run {i + 1}: New-OmiseLink {moduleCost.Wall.TotalSeconds:0.000} s, plain loop {loopCost.Wall.TotalSeconds:0.000} s, " +
                              $"rows without the cmdlet {onlyCost.Wall.TotalSeconds:0.000} s");
        }
        var m = Median(module);
        var p = Median(loop);
        var r = Median(rowsOnly);
        var ratio = m.Wall / p.Wall;
        Console.WriteLine($"   median wall time per row: New-OmiseLink {Us(m.Wall, rows)} µs, plain loop {Us(p.Wall, rows)} µs, ratio {ratio:0.000}; " +
                          $"the PowerShell rows and last stage alone {Us(r.Wall, rows)} µs");
        Console.WriteLine($"   median CPU per row (client / emulator): New-OmiseLink {Us(m.ClientCpu, rows)} / {Us(m.EmulatorCpu, rows)} µs, " +
                          $"plain loop {Us(p.ClientCpu, rows)} / {Us(p.EmulatorCpu, rows)} µs, rows alone {Us(r.ClientCpu, rows)} µs");
        Console.WriteLine();
        Table.Add("2 overhead", "New-OmiseLink / plain loop", $"{ratio:0.000} ({Us(m.Wall, rows)} / {Us(p.Wall, rows)} µs per row)", "<= 1.5", ratio <= 1.5);
        Table.Add("2 overhead", "client CPU per row", $"{Us(m.ClientCpu, rows)} / {Us(p.ClientCpu, rows)} µs", "(diagnostic)", null);
        Table.Add("2 overhead", "rows + last stage, no cmdlet", $"{Us(r.Wall, rows)} µs per row", "(diagnostic)", null);
    }

    private sealed record Measured(TimeSpan Wall, TimeSpan ClientCpu, TimeSpan EmulatorCpu);

    /// <summary>Runs <paramref name="action"/>; its wall time (as the action reports it) and the CPU both processes spent meanwhile.</summary>
    private (T Result, Measured Cost) Measure<T>(Func<T> action, Func<T, TimeSpan> wall)
    {
        var self = System.Diagnostics.Process.GetCurrentProcess();
        var client0 = self.TotalProcessorTime;
        var emulator0 = _emulator.CpuTime;
        var result = action();
        self.Refresh();
        return (result, new Measured(wall(result), self.TotalProcessorTime - client0, _emulator.CpuTime - emulator0));
    }

    /// <summary>3. 100,000 rows streamed: the managed heap at the end of the run should be as high as at its start, no higher.</summary>
    public void Memory()
    {
        var rows = Size(100_000);
        Console.WriteLine($"3. Memory: {rows:N0} rows streamed, no added latency, throttle 4, GC.GetTotalMemory(false) every 50 ms");
        _emulator.SetFaults(NoFaults);
        _emulator.Reset();
        var before = FullGcBytes();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var tenth = rows / 10;
        // Live memory after a full GC, read once just past 10 % and once at 80 % of the rows: outside both peak windows.
        var sampler = new MemorySampler(_shell.Counter, TimeSpan.FromMilliseconds(50), new long[] { tenth + 1, 8L * tenth });
        BulkRun run;
        try
        {
            run = _shell.CreateLinks(rows, "-ThrottleLimit 4");
        }
        finally
        {
            sampler.Stop();
        }
        var samples = sampler.Samples;
        var live = sampler.Live;
        var after = FullGcBytes();
        Require(run, rows, "memory run");
        RequireStored(_emulator.Stats(), rows, "memory run");
        var early = samples.Where(s => s.RowsDone <= tenth).ToList();
        var late = samples.Where(s => s.RowsDone >= rows - tenth).ToList();
        double? ratio = null;
        Console.WriteLine($"   {run.Elapsed.TotalSeconds:0.0} s, {rows / run.Elapsed.TotalSeconds:0} rows/s; {samples.Count} samples " +
                          $"({early.Count} in the first 10 %, {late.Count} in the last 10 %); GCs gen0/1/2: " +
                          $"{GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}");
        if (early.Count > 0 && late.Count > 0)
        {
            var earlyPeak = early.Max(s => s.Bytes);
            var latePeak = late.Max(s => s.Bytes);
            ratio = (double)latePeak / earlyPeak;
            Console.WriteLine($"   peak first 10 %: {Mb(earlyPeak)}, peak last 10 %: {Mb(latePeak)}, ratio {ratio:0.000}; " +
                              $"after a full GC: {Mb(before)} at start, {Mb(after)} at end");
            Table.Add("3 memory", "peak last 10 % / first 10 %", $"{ratio:0.000} ({Mb(latePeak)} / {Mb(earlyPeak)})", "<= 1.25", ratio <= 1.25);
        }
        else
        {
            Console.WriteLine($"   too few samples for the peaks: the run was shorter than the sampling allows; after a full GC: {Mb(before)} at start, {Mb(after)} at end");
            Table.Add("3 memory", "peak last 10 % / first 10 %", "run too short to sample", "<= 1.25", null);
        }
        double? retainedPerRow = null;
        if (live.Count == 2)
        {
            retainedPerRow = (double)(live[1].LiveBytes - live[0].LiveBytes) / (live[1].RowsDone - live[0].RowsDone);
            Console.WriteLine($"   live after a full GC mid-run: {Mb(live[0].LiveBytes)} at {live[0].RowsDone:N0} rows, {Mb(live[1].LiveBytes)} at {live[1].RowsDone:N0} rows: " +
                              $"{retainedPerRow:0} bytes kept per row");
        }
        foreach (var decile in Enumerable.Range(0, 10))
        {
            var inDecile = samples.Where(s => s.RowsDone >= decile * tenth && s.RowsDone < (decile + 1) * tenth).ToList();
            if (inDecile.Count > 0)
                Console.WriteLine($"     rows {decile * 10,2}-{decile * 10 + 10,3} %: peak {Mb(inDecile.Max(s => s.Bytes))}, low {Mb(inDecile.Min(s => s.Bytes))} ({inDecile.Count} samples)");
        }
        Console.WriteLine();
        if (retainedPerRow is { } perRow)
            Table.Add("3 memory", "live mid-run, 10 % -> 80 %", $"{Mb(live[0].LiveBytes)} -> {Mb(live[1].LiveBytes)} ({perRow:0} B per row)", "(diagnostic)", null);
        Table.Add("3 memory", "after full GC, start -> end", $"{Mb(before)} -> {Mb(after)}", "(diagnostic)", null);
        Table.Add("3 memory", "throughput, throttle 4", $"{rows / run.Elapsed.TotalSeconds:0} rows/s", "(diagnostic)", null);
    }

    /// <summary>4. The fault-suite mix: every row ends as exactly one link, and what the retries and look-ups cost in time.</summary>
    public void Faults()
    {
        var rows = Size(2000);
        const int seed = 2026;
        Console.WriteLine($"4. Faults: {rows:N0} rows, throttle 4, -MaxAttempts 8; per API request 3 % each of 429 + Retry-After 1 s, 429, 500, 503, " +
                          $"drop before store, drop after store; latency 1 ms; seed {seed}");
        _emulator.SetFaults(new { latency_ms = 1 });
        _emulator.Reset();
        // -Verbose in both runs: the retry lines tell how long rows waited before trying again.
        var clean = _shell.CreateLinks(rows, "-MaxAttempts 8 -Verbose");
        Require(clean, rows, "fault-free run");
        RequireStored(_emulator.Stats(), rows, "fault-free run");

        _emulator.SetFaults(Omise.Emulator.FaultOptions.FaultSuiteMix(seed));
        _emulator.Reset();
        var recorder = new LinkRecorder();
        _shell.SetVariable("recorder", recorder);
        var faulty = _shell.CreateLinks(rows, "-MaxAttempts 8 -Verbose", "$counter.Increment(); $recorder.Add($_.Id, $_.Reference)");
        var stats = _emulator.Stats();
        _emulator.SetFaults(NoFaults); // the check below reads every stored link, unfaulted
        var stored = _plain.ListAllLinks();

        var duplicates = stored.Count - stored.Select(l => l.Title).Distinct(StringComparer.Ordinal).Count();
        var written = recorder.Links;
        var storedIds = stored.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        var distinctWritten = written.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count();
        var writtenStored = written.Count(l => storedIds.Contains(l.Id));
        var inOrder = written.Select(l => l.Reference).SequenceEqual(Enumerable.Range(1, rows).Select(i => "INV-" + i));
        var ratio = faulty.Elapsed / clean.Elapsed;
        Console.WriteLine($"   fault-free {clean.Elapsed.TotalSeconds:0.00} s, with faults {faulty.Elapsed.TotalSeconds:0.00} s, ratio {ratio:0.00}; " +
                          $"{stats.RequestCount:N0} API requests, {stats.FaultTotal} faults injected ({string.Join(", ", stats.Faults.Select(f => $"{f.Key} {f.Value}"))})");
        Console.WriteLine($"   links stored {stored.Count:N0} (rows {rows:N0}), rows written {written.Count:N0}, distinct ids written {distinctWritten:N0}, " +
                          $"written ids stored {writtenStored:N0}, rows errored {faulty.Errors}, duplicates {duplicates}, written in input order: {(inOrder ? "yes" : "no")}");
        var waits = faulty.Verbose.Select(v => RetryWait.Match(v)).Where(m => m.Success).Select(m => double.Parse(m.Groups[1].Value) / 1000).ToList();
        var lookups = faulty.Verbose.Count(v => v.Contains("looking for its link before sending anything again", StringComparison.Ordinal));
        var settles = faulty.Verbose.Count(v => v.Contains("no link yet; looking again for up to", StringComparison.Ordinal));
        var adopted = faulty.Verbose.Count(v => v.Contains("adopting it instead of creating another", StringComparison.Ordinal));
        const int throttle = 4;
        Console.WriteLine($"   {waits.Count} retries waited {waits.Sum():0.0} s in all (if spread evenly over the {throttle} slots: {waits.Sum() / throttle:0.0} s); " +
                          $"{lookups} look-ups after a create that may have reached the server, {settles} of them waited to look again, {adopted} links adopted");
        foreach (var error in faulty.FirstErrors) Console.WriteLine("   error: " + error);

        // The same faults and seed with -Unordered: rows written as they finish, so a row waiting out a retry or a settle
        // interval does not hold back the rows after it.
        _emulator.SetFaults(Omise.Emulator.FaultOptions.FaultSuiteMix(seed));
        _emulator.Reset();
        var unorderedRecorder = new LinkRecorder();
        _shell.SetVariable("recorder", unorderedRecorder);
        var unordered = _shell.CreateLinks(rows, "-MaxAttempts 8 -Unordered", "$counter.Increment(); $recorder.Add($_.Id, $_.Reference)");
        _emulator.SetFaults(NoFaults);
        var unorderedStored = _plain.ListAllLinks();
        var unorderedWritten = unorderedRecorder.Links;
        var unorderedIds = unorderedStored.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        var unorderedOnce = unorderedWritten.Count == rows
            && unorderedWritten.Select(l => l.Reference).Distinct(StringComparer.Ordinal).Count() == rows
            && unorderedWritten.All(l => unorderedIds.Contains(l.Id))
            && unorderedStored.Count == rows;
        Console.WriteLine($"   -Unordered: {unordered.Elapsed.TotalSeconds:0.00} s ({unordered.Elapsed / faulty.Elapsed:0.00} of in order); links stored {unorderedStored.Count:N0}, " +
                          $"rows written {unorderedWritten.Count:N0}, each row once with a stored link: {(unorderedOnce ? "yes" : "no")}, rows errored {unordered.Errors}");
        Console.WriteLine();
        Table.Add("4 faults", "time with -Unordered / in order", $"{unordered.Elapsed / faulty.Elapsed:0.00} ({unordered.Elapsed.TotalSeconds:0.0} s / {faulty.Elapsed.TotalSeconds:0.0} s)", "(reported)", null);
        Table.Add("4 faults", "-Unordered: each row once, all stored", $"{unorderedWritten.Count:N0} written, {unorderedStored.Count:N0} stored, {unordered.Errors} errored", $"= {rows:N0}", unorderedOnce && unordered.Errors == 0);
        Table.Add("4 faults", "time with faults / fault-free", $"{ratio:0.00} ({faulty.Elapsed.TotalSeconds:0.0} s / {clean.Elapsed.TotalSeconds:0.0} s)", "(reported)", null);
        Table.Add("4 faults", "faults injected", $"{stats.FaultTotal} in {stats.RequestCount:N0} requests", "(reported)", null);
        Table.Add("4 faults", "retry waits, total / per slot", $"{waits.Sum():0.0} s / {waits.Sum() / throttle:0.0} s ({waits.Count} retries)", "(diagnostic)", null);
        Table.Add("4 faults", "links stored", $"{stored.Count:N0}", $"= {rows:N0}", stored.Count == rows);
        Table.Add("4 faults", "rows errored", faulty.Errors.ToString(), "= 0", faulty.Errors == 0);
        Table.Add("4 faults", "duplicates", duplicates.ToString(), "= 0", duplicates == 0);
        Table.Add("4 faults", "rows written once, in order", $"{written.Count:N0} written, {distinctWritten:N0} distinct, all stored: {(writtenStored == rows ? "yes" : "no")}, in order: {(inOrder ? "yes" : "no")}",
            $"= {rows:N0}", written.Count == rows && distinctWritten == rows && writtenStored == rows && inOrder);
    }

    /// <summary>
    /// 6. -ReuseExisting on an account with 20,000 links at 50 ms latency: one row whose link exists (the newest). The index
    /// is read once, first page then the rest ThrottleLimit (10) pages at a time: the floor is 200 pages / 10 x 50 ms = 1.0 s.
    /// </summary>
    public void ReuseIndex()
    {
        var links = Size(20_000);
        const int throttle = 10;
        Console.WriteLine($"6. -ReuseExisting on an account with {links:N0} links, {LatencyMs} ms added to every request, -ThrottleLimit {throttle}");
        _emulator.SetFaults(NoFaults);
        _emulator.Reset();
        _emulator.Seed(links);
        _emulator.SetFaults(new { latency_ms = LatencyMs });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var run = _shell.Script($"New-OmiseLink -Amount {1000 + links} -Currency thb -Title 'Seeded {links}' -Description 'Seeded link' " +
                                $"-ReuseExisting -ThrottleLimit {throttle} | Where-Object Reused | ForEach-Object {{ $counter.Increment() }}");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var stats = _emulator.Stats();
        Require(run, 1, "reuse run");
        RequireStored(stats, links, "reuse run");
        var pages = (links + 99) / 100;
        var floor = TimeSpan.FromMilliseconds((double)pages / throttle * LatencyMs);
        var ratio = run.Elapsed / floor;
        Console.WriteLine($"   {run.Elapsed.TotalSeconds:0.00} s for {stats.RequestCount} requests ({pages} list pages and one GET of the reused link); " +
                          $"floor {floor.TotalSeconds:0.00} s, ratio {ratio:0.00}, max concurrent {stats.MaxConcurrentRequests}; " +
                          $"{allocated / (1024.0 * 1024):0.0} MiB allocated in the client ({(double)allocated / links:0} B per link read)");
        Table.Add("6 reuse index", $"{links:N0} links: time / floor", $"{ratio:0.00} ({run.Elapsed.TotalSeconds:0.00} s / {floor.TotalSeconds:0.00} s)", "<= 1.5", ratio <= 1.5);
        Table.Add("6 reuse index", "max concurrent", stats.MaxConcurrentRequests.ToString(), $"<= {throttle}", stats.MaxConcurrentRequests <= throttle);
        Console.WriteLine();
    }

    /// <summary>5. Import-Module of the built module in a fresh process each time.</summary>
    public void ImportModule()
    {
        const int launches = 5;
        Console.WriteLine($"5. Import-Module, cold: {launches} fresh processes, each opens an empty runspace first (not counted), then times Import-Module alone");
        var times = ImportTimer.Measure(launches);
        var median = times.OrderBy(t => t).ElementAt(times.Count / 2);
        var max = times.Max();
        Console.WriteLine($"   {string.Join(", ", times.Select(t => $"{t:0} ms"))}; median {median:0} ms, max {max:0} ms");
        Table.Add("5 import", "Import-Module, median (max)", $"{median:0} ms ({max:0} ms)", "< 500 ms", max < 500);
    }

    private static readonly System.Text.RegularExpressions.Regex RetryWait = new(@"; attempt \d+ of \d+ in (\d+) ms$");

    private static void Require(BulkRun run, int rows, string what)
    {
        if (run.Errors > 0 || run.RowsWritten != rows)
            throw new InvalidOperationException($"{what}: {run.RowsWritten} of {rows} rows written, {run.Errors} error(s): {string.Join("; ", run.FirstErrors)}");
    }

    private static void RequireStored(EmulatorStats stats, int rows, string what)
    {
        if (stats.Links != rows) throw new InvalidOperationException($"{what}: the emulator stored {stats.Links} links for {rows} rows.");
    }

    private static long FullGcBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static Measured Median(List<Measured> values) => new(
        values.Select(v => v.Wall).OrderBy(v => v).ElementAt(values.Count / 2),
        values.Select(v => v.ClientCpu).OrderBy(v => v).ElementAt(values.Count / 2),
        values.Select(v => v.EmulatorCpu).OrderBy(v => v).ElementAt(values.Count / 2));
    private static string Us(TimeSpan total, int rows) => (total.TotalMilliseconds * 1000 / rows).ToString("0");
    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):0.0} MiB";
}
