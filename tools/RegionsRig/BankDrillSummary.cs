using System.Globalization;
using System.Text;

namespace MultiCloud.RegionsRig;

/// <summary>Medians and maxima over several runs of one bank drill.</summary>
public static class BankDrillSummary
{
    /// <summary>A text table of the runs: RTO and first success (median, max), switchover back, losses and conflicts.</summary>
    public static string Describe(IReadOnlyList<BankDrillReport> reports)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{reports[0].Fault} ({reports[0].Topology}): {reports.Count} runs, {reports.Count(r => r.Passed)} passed");
        DrillSummary.Row(text, "RTO, 99 % in 5 s (s)", reports.Select(r => r.RtoSeconds));
        text.AppendLine(CultureInfo.InvariantCulture, $"  outage: {string.Join("; ", reports.Select(r => r.OutageVerdict).Distinct(StringComparer.Ordinal))}");
        if (reports.Any(r => r.AcknowledgedInCutOffRegion is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  acknowledged inside the partitioned region while cut off (must be 0): {string.Join(", ", reports.Select(r => r.AcknowledgedInCutOffRegion ?? 0))}");
        }

        DrillSummary.Row(text, "first success (s)", reports.Select(r => r.FirstSuccessSeconds));
        DrillSummary.Row(text, "switchover back, RTO (s)", reports.Select(r => r.SwitchoverRtoSeconds));
        text.AppendLine(CultureInfo.InvariantCulture, $"  acknowledged transfers lost: {reports.Sum(r => r.Check.AcknowledgedLost)} (of {reports.Sum(r => r.Check.Acknowledged)} acknowledged)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  refused transfers applied: {reports.Sum(r => r.Check.FailedApplied)}; keys applied twice: {reports.Sum(r => r.Check.KeysAppliedTwice)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  unknown outcomes: {reports.Sum(r => r.Check.Unknown)} ({reports.Sum(r => r.Check.UnknownApplied)} applied)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  reads: {reports.Sum(r => r.Check.Reads)} ({reports.Sum(r => r.Check.ReadsBackwards)} backwards); ETag conflicts: {reports.Sum(r => r.EtagConflicts)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  promotions (timeline changes): {string.Join(", ", reports.Select(r => r.Promotions))}; failed transfer attempts: {string.Join(", ", reports.Select(r => r.FailedAttempts))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  silos declared dead that the fault did not target: {reports.Sum(r => r.FalseDeaths.Count)}; peak silo RSS: {reports.SelectMany(r => r.SiloPeakRssBytes.Values).DefaultIfEmpty().Max() / (1024 * 1024)} MiB");
        foreach (var violation in reports.SelectMany(r => r.Check.Violations).Take(20))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  VIOLATION: {violation}");
        }

        return text.ToString();
    }
}
