using System.Globalization;
using System.Text;

namespace MultiCloud.RegionsRig;

/// <summary>Medians and maxima over several runs of one drill.</summary>
public static class DrillSummary
{
    /// <summary>A text table of the runs: time to writable again (median, max), lost rows, divergence, rejoin and switchover.</summary>
    public static string Describe(IReadOnlyList<DrillReport> reports)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{reports[0].Fault}: {reports.Count} runs, {reports.Count(r => r.Passed)} passed");
        Row(text, "writable again (s)", reports.Select(r => r.WritableAgainSeconds));
        text.AppendLine(CultureInfo.InvariantCulture, $"  outage: {string.Join("; ", reports.Select(r => r.OutageVerdict).Distinct(StringComparer.Ordinal))}");
        Row(text, "longest write outage (s)", reports.Select(r => (double?)r.LongestGapSeconds));
        Row(text, "stable again (s)", reports.Select(r => (double?)r.StableSeconds));
        Row(text, "rejoined as standby (s)", reports.Select(r => r.RejoinedSeconds));
        Row(text, "switchover back (s)", reports.Select(r => r.SwitchoverSeconds));
        Row(text, "exposed without sync standby (s)", reports.Select(r => (double?)r.ExposedSeconds));
        text.AppendLine(CultureInfo.InvariantCulture, $"  acknowledged rows lost: {reports.Sum(r => r.Check.AcknowledgedLost)} (of {reports.Sum(r => r.Check.Acknowledged)} acknowledged)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  rows diverged after heal: {reports.Sum(r => r.Check.Diverged)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  definite failures applied: {reports.Sum(r => r.Check.FailedApplied)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  unknown outcomes: {reports.Sum(r => r.Check.Unknown)} ({reports.Sum(r => r.Check.UnknownApplied)} applied)");
        return text.ToString();
    }

    /// <summary>The median of the values present, or null.</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToList();
        return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static void Row(StringBuilder text, string label, IEnumerable<double?> values)
    {
        var list = values.ToList();
        var median = Median(list);
        if (median is null)
        {
            return;
        }

        var max = list.Where(v => v.HasValue).Max();
        text.AppendLine(CultureInfo.InvariantCulture, $"  {label}: median {median:0.0}, max {max:0.0} ({string.Join(", ", list.Select(v => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"))})");
    }
}
