using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Persistence;

/// <summary>
/// How a silo on PostgreSQL learns where the database primary is, bound from <c>Database:PrimaryRegion</c>.
/// </summary>
public sealed class PrimaryRegionOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Database:PrimaryRegion";

    /// <summary>
    /// The PostgreSQL setting that names the server's region (set per member in Patroni's configuration, e.g.
    /// <c>ledger.region: a</c>); read on the primary with <c>current_setting(name, true)</c>. Default <c>ledger.region</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z_]+\\.[a-z_]+$", ErrorMessage = "Database:PrimaryRegion:SettingName must look like 'ledger.region'.")]
    public string SettingName { get; set; } = "ledger.region";

    /// <summary>
    /// Milliseconds between two checks. Each check is one query on the primary; it confirms the primary and this
    /// silo's membership (the fencing of balance reads counts from the last confirmation). Default 500 ms.
    /// </summary>
    [Range(50, 60_000)]
    public int CheckIntervalMs { get; set; } = 500;

    /// <summary>Milliseconds one check may take before it is abandoned (it then confirms nothing). Default 2,000 ms.</summary>
    [Range(100, 60_000)]
    public int CheckTimeoutMs { get; set; } = 2_000;
}
