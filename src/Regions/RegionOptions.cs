using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Regions;

/// <summary>
/// This silo's region and how it follows the database primary, bound from the <c>Regions</c> configuration section.
/// Without a region (the default) placement ignores regions, as in a single-region deployment.
/// </summary>
public sealed class RegionOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Regions";

    /// <summary>
    /// This silo's region (e.g. <c>a</c>), published as Orleans silo metadata <c>cloud.region</c>; activations are placed
    /// in the region whose name the database primary reports in <see cref="PrimarySettingName"/>. Empty: no region.
    /// </summary>
    [RegularExpression("^[a-z0-9-]{0,32}$", ErrorMessage = "Regions:Region must be up to 32 characters from a-z 0-9 -.")]
    public string? Region { get; set; }

    /// <summary>
    /// When true, this silo refuses ledger calls (HTTP 503, problem <c>region-not-primary</c>) while the database primary
    /// is in another region: for one cluster per region, so that a standby region's cluster never processes the same
    /// grains as the active one. Default false (one cluster spanning the regions).
    /// </summary>
    public bool ServeOnlyInPrimaryRegion { get; set; }

    /// <summary>
    /// The PostgreSQL setting that names a server's region (set per member in Patroni's configuration, e.g.
    /// <c>ledger.region: a</c>), read on the primary with <c>current_setting(name, true)</c>. Default <c>ledger.region</c>.
    /// </summary>
    [Required(ErrorMessage = "Regions:PrimarySettingName is required.")]
    [RegularExpression("^[a-z_]+\\.[a-z_]+$", ErrorMessage = "Regions:PrimarySettingName must look like 'ledger.region'.")]
    public string PrimarySettingName { get; set; } = "ledger.region";

    /// <summary>
    /// Period of the primary check: one query on the primary that reads its region and confirms this silo Active in
    /// the membership table. The staleness bound counts from the last confirmation. Default 500 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Regions:PrimaryCheckInterval must be between 50 ms and 1 minute.")]
    public TimeSpan PrimaryCheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one primary check may take before it is abandoned (it then confirms nothing). Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Regions:PrimaryCheckTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan PrimaryCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The staleness bound: a balance is served from an activation's memory only while its silo confirmed the primary
    /// and its own membership within this bound; otherwise the account's state is re-read from the primary first, and
    /// when that fails the read fails (HTTP 503) instead of answering a possibly stale balance. A served balance
    /// therefore misses at most the writes of the last <c>MaxStaleness</c> plus one primary check. Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Regions:MaxStaleness must be between 100 ms and 1 minute.")]
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PrimaryCheckInterval >= MaxStaleness)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(PrimaryCheckInterval)} ({PrimaryCheckInterval}) must be shorter than {SectionName}:{nameof(MaxStaleness)} ({MaxStaleness}), or every balance read re-reads the database.",
                [nameof(PrimaryCheckInterval), nameof(MaxStaleness)]);
        }
    }
}
