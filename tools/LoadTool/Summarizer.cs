using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MultiCloud.LoadTool;

/// <summary>
/// Reads what <c>bench/run</c> left in a results folder (load reports, pgbench outputs, counters) and computes the
/// figures and ratios of the benchmark; writes them to <c>summary.json</c> and <c>summary.md</c>.
/// </summary>
public static partial class Summarizer
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Computes the summary of the results in <paramref name="folder"/> for a run of <paramref name="transfers"/> transfers.</summary>
    public static async Task<IReadOnlyDictionary<string, double>> SummarizeAsync(string folder, int transfers, CancellationToken cancellationToken)
    {
        var service = ReportWriter.ReadJson(Path.Combine(folder, "service.json"));
        var reads = ReportWriter.ReadJson(Path.Combine(folder, "service-reads.json"));
        var kestrel = ReportWriter.ReadJson(Path.Combine(folder, "kestrel.json"));
        var transfer = service.Operations.Single(o => o.Kind == OperationKind.Transfer);
        var serviceRead = reads.Operations.Single(o => o.Kind == OperationKind.Read);
        var kestrelRead = kestrel.Operations.Single(o => o.Kind == OperationKind.Read);
        var ideal = Tps(Path.Combine(folder, "pgbench-ideal.txt"));
        var replay = Tps(Path.Combine(folder, "pgbench-replay.txt"));
        var rssMiB = ReadNumber(Path.Combine(folder, "silo-peak-rss-kb.txt")) / 1024;
        var commits = ReadNumber(Path.Combine(folder, "commits.txt"));
        var statements = ReadNumber(Path.Combine(folder, "statements-toplevel.txt"));

        var summary = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["transfersPerSecond"] = transfer.PerSecond,
            ["transferP50Ms"] = transfer.P50Ms,
            ["transferP90Ms"] = transfer.P90Ms,
            ["transferP99Ms"] = transfer.P99Ms,
            ["transferMaxMs"] = transfer.MaxMs,
            ["serviceReadsPerSecond"] = serviceRead.PerSecond,
            ["serviceReadP99Ms"] = serviceRead.P99Ms,
            ["kestrelReadsPerSecond"] = kestrelRead.PerSecond,
            ["kestrelReadP99Ms"] = kestrelRead.P99Ms,
            ["pgbenchIdealTps"] = ideal,
            ["pgbenchReplayTps"] = replay,
            ["ratioTransfersToIdeal"] = transfer.PerSecond / ideal,
            ["ratioTransfersToReplay"] = transfer.PerSecond / replay,
            ["ratioReadsToKestrel"] = serviceRead.PerSecond / kestrelRead.PerSecond,
            ["siloPeakRssMiB"] = rssMiB,
            ["writeTransactionsPerTransfer"] = commits / transfers,
            ["statementsPerTransfer"] = statements / transfers,
            ["violations"] = service.Verification?.Violations.Count ?? -1,
        };

        // CPU time per transfer during the main phase, by process: where the time goes.
        var before = ReadNumbers(Path.Combine(folder, "cpu-before.txt"));
        var after = ReadNumbers(Path.Combine(folder, "cpu-after.txt"));
        var wall = after[0] - before[0];
        summary["mainPhaseSeconds"] = wall;
        summary["cpuMsPerTransferPostgres"] = (after[1] - before[1]) * 1000 / transfers;
        summary["cpuMsPerTransferSilo"] = (after[2] - before[2]) * 1000 / transfers;
        summary["cpuMsPerTransferLoadTool"] = (after[3] - before[3]) * 1000 / transfers;
        summary["cpuUtilizationOfTwoCores"] = (after[1] - before[1] + after[2] - before[2] + after[3] - before[3]) / (wall * Environment.ProcessorCount);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(summary, Indented), cancellationToken);
        var markdown = "| figure | value |\n|---|---|\n" + string.Join('\n',
            summary.Select(p => $"| {p.Key} | {p.Value.ToString("0.###", CultureInfo.InvariantCulture)} |"));
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.md"), markdown + "\n", cancellationToken);
        return summary;
    }

    private static double Tps(string path)
    {
        var match = TpsLine().Match(File.ReadAllText(path));
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"{path} holds no pgbench tps line:\n{File.ReadAllText(path)}");
    }

    private static double[] ReadNumbers(string path)
        => [.. File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    private static double ReadNumber(string path) => double.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"tps = ([0-9.]+) \(without")]
    private static partial Regex TpsLine();
}
