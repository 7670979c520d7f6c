namespace MultiCloud.Regions.Placement;

/// <summary>Names shared by the region-aware placement pieces.</summary>
public static class PrimaryRegion
{
    /// <summary>
    /// The silo metadata key holding a silo's region (published through Orleans silo metadata, read with
    /// <c>ISiloMetadataCache</c>); its value is compared with the database primary's region.
    /// </summary>
    public const string MetadataKey = "cloud.region";
}
