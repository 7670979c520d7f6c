using Orleans.Placement;

namespace MultiCloud.Regions.Placement;

/// <summary>
/// Places activations of the grain class on silos in the region that holds the database primary (silo metadata
/// <see cref="PrimaryRegion.MetadataKey"/>), whichever silo does the placement; when no silo of that region is
/// available, on any silo. An activation found outside that region after the primary moved migrates on its next call
/// (<see cref="RegionMigrationCallFilter"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PrimaryRegionPlacementAttribute : PlacementFilterAttribute
{
    /// <summary>Creates the attribute (filter order 0: the only placement filter of the ledger's grains).</summary>
    public PrimaryRegionPlacementAttribute()
        : base(new PrimaryRegionPlacementFilterStrategy())
    {
    }
}
