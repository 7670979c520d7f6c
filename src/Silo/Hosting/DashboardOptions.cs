namespace MultiCloud.Silo.Hosting;

/// <summary>The Orleans dashboard, bound from the <c>Dashboard</c> configuration section.</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>
    /// Whether the silo serves the Orleans dashboard at <c>/dashboard</c>. Default true (the in-memory quick start);
    /// the two-region profile turns it off: it has no authentication of its own, shows grain state, and its grain call
    /// filter times every call (about 10 % of a silo's CPU, docs/benchmarks.md).
    /// </summary>
    public bool Enabled { get; set; } = true;
}
