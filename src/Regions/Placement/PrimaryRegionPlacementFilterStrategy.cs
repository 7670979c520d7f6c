using Orleans.Placement;

namespace MultiCloud.Regions.Placement;

/// <summary>The placement filter strategy behind <see cref="PrimaryRegionPlacementAttribute"/>; it has no parameters.</summary>
public sealed class PrimaryRegionPlacementFilterStrategy : PlacementFilterStrategy
{
    /// <summary>Creates the strategy with filter order 0.</summary>
    public PrimaryRegionPlacementFilterStrategy()
        : base(0)
    {
    }
}
