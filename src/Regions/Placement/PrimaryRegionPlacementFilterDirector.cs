using MultiCloud.Regions.Primary;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace MultiCloud.Regions.Placement;

/// <summary>
/// Keeps the placement candidates whose region (silo metadata <see cref="PrimaryRegion.MetadataKey"/>) is the region
/// of the database primary, as this silo last observed it. If the primary's region is unknown or none of the candidates
/// is in it, every candidate stays: availability first, the ETag check keeps writes safe wherever the activation lives.
/// </summary>
/// <param name="primary">Where the primary is.</param>
/// <param name="metadata">Silo metadata of the cluster's silos.</param>
public sealed class PrimaryRegionPlacementFilterDirector(IPrimaryRegionSource primary, ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    /// <inheritdoc />
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var region = primary.Current.Region;
        if (region is null)
        {
            return silos;
        }

        var candidates = silos as IReadOnlyCollection<SiloAddress> ?? [.. silos];
        List<SiloAddress>? inRegion = null;
        foreach (var silo in candidates)
        {
            if (IsIn(silo, region))
            {
                (inRegion ??= []).Add(silo);
            }
        }

        return inRegion ?? (IEnumerable<SiloAddress>)candidates;
    }

    /// <summary>True when the silo's metadata names <paramref name="region"/>.</summary>
    internal bool IsIn(SiloAddress silo, string region)
        => metadata.GetSiloMetadata(silo).Metadata.TryGetValue(PrimaryRegion.MetadataKey, out var value) && string.Equals(value, region, StringComparison.Ordinal);
}
