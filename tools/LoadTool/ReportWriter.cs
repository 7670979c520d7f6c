using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace MultiCloud.LoadTool;

/// <summary>Writes a report as a console table, as JSON, and as a latency/throughput plot.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Prints the summary table, the errors and the verification.</summary>
    public static void Print(IAnsiConsole console, LoadReport report)
    {
        var table = new Table().Title($"run {report.RunId} against {report.Target}").Border(TableBorder.Rounded);
        foreach (var column in new[] { "operation", "count", "ok", "failed", "per second", "p50 ms", "p90 ms", "p99 ms", "max ms" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var o in report.Operations)
        {
            table.AddRow(o.Kind.ToString(), N(o.Count), N(o.Ok), N(o.Failed), F(o.PerSecond), F(o.P50Ms), F(o.P90Ms), F(o.P99Ms), F(o.MaxMs));
        }

        console.Write(table);
        console.MarkupLine($"setup {F(report.SetupSeconds)} s, main phase {F(report.MainSeconds)} s");
        foreach (var o in report.Operations.Where(o => o.Errors.Count > 0))
        {
            console.MarkupLineInterpolated($"errors of {o.Kind} (retries included): {string.Join(", ", o.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} x{e.Value}"))}");
        }

        if (report.Verification is { } v)
        {
            console.MarkupLineInterpolated(
                $"verified: {N(v.Acknowledged)} acknowledged and {N(v.Refused)} refused transfers ({N(v.ResolvedAfterRun)} resolved after the run), {N(v.EntriesChecked)} entries, {v.ReplaysChecked} replays; total {N(v.ObservedTotal)} of {N(v.ExpectedTotal)}");
            foreach (var violation in v.Violations.Take(50))
            {
                console.MarkupLineInterpolated($"[red]VIOLATION[/] {violation}");
            }

            console.MarkupLine(v.Violations.Count == 0 ? "[green]all invariants hold[/]" : $"[red]{v.Violations.Count} violations[/]");
        }
    }

    /// <summary>Writes the report as indented JSON.</summary>
    public static Task WriteJsonAsync(string path, LoadReport report, CancellationToken cancellationToken)
        => File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Json), cancellationToken);

    /// <summary>Reads a report written by <see cref="WriteJsonAsync"/>.</summary>
    public static LoadReport ReadJson(string path) => JsonSerializer.Deserialize<LoadReport>(File.ReadAllText(path), Json)!;

    /// <summary>Plots p50 and p99 latency (left axis) and throughput (right axis) per second of the main phase, as PNG or SVG by extension.</summary>
    public static void Plot(string path, LoadReport report)
    {
        var plot = new ScottPlot.Plot();
        var kind = report.Operations.Any(o => o.Kind == OperationKind.Transfer) ? "transfers" : "reads";
        double[] seconds = [.. report.Timeline.Select(t => (double)t.Second)];
        var p50 = plot.Add.Scatter(seconds, report.Timeline.Select(t => t.P50Ms).ToArray());
        p50.LegendText = "p50 latency (ms)";
        var p99 = plot.Add.Scatter(seconds, report.Timeline.Select(t => t.P99Ms).ToArray());
        p99.LegendText = "p99 latency (ms)";
        var rate = plot.Add.Scatter(seconds, report.Timeline.Select(t => (double)t.Count).ToArray());
        rate.LegendText = $"{kind} per second";
        rate.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Bottom.Label.Text = "seconds into the main phase";
        plot.Axes.Left.Label.Text = "latency (ms)";
        plot.Axes.Right.Label.Text = $"{kind} per second";
        plot.Title($"{report.RunId}: {kind} against {report.Target.Authority}");
        plot.ShowLegend();
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, 1000, 500);
        }
        else
        {
            plot.SavePng(path, 1000, 500);
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
