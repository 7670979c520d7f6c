using System.Collections.Concurrent;
using System.Reflection;
using MultiCloud.Grains.Interfaces;
using Microsoft.Extensions.Options;
using MultiCloud.Regions.Primary;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MultiCloud.Regions.Placement;

/// <summary>
/// For a cluster that must serve only while its region holds the database primary (one cluster per region,
/// <see cref="RegionOptions.ServeOnlyInPrimaryRegion"/>; otherwise this filter lets every call through): a call
/// to a grain marked <see cref="PrimaryRegionPlacementAttribute"/> is refused with
/// <see cref="RegionNotPrimaryException"/> before it runs when the primary is known to be in another region. While the
/// primary's region is unknown (never observed) calls run: storage decides, as in one region.
/// </summary>
/// <param name="primary">Where the primary is.</param>
/// <param name="localSilo">This silo.</param>
/// <param name="metadata">Silo metadata (this silo's region).</param>
/// <param name="options">Whether to guard at all.</param>
public sealed class PrimaryRegionGuardCallFilter(
    IPrimaryRegionSource primary, ILocalSiloDetails localSilo, ISiloMetadataCache metadata, IOptions<RegionOptions> options) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<Type, bool> Guarded = new();
    private readonly bool _enabled = options.Value.ServeOnlyInPrimaryRegion;
    private string? _localRegion;

    /// <inheritdoc />
    /// <exception cref="RegionNotPrimaryException">The primary is in another region.</exception>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_enabled)
        {
            return context.Invoke();
        }

        var region = primary.Current.Region;
        if (region is not null && context.Grain is IGrainBase grain && Guarded.GetOrAdd(grain.GetType(), IsRegionPlaced))
        {
            _localRegion ??= metadata.GetSiloMetadata(localSilo.SiloAddress).Metadata.GetValueOrDefault(PrimaryRegion.MetadataKey) ?? string.Empty;
            if (!string.Equals(region, _localRegion, StringComparison.Ordinal))
            {
                throw new RegionNotPrimaryException($"The database primary is in region {region}, not in this silo's region {_localRegion}; nothing was applied.")
                {
                    PrimaryRegion = region,
                };
            }
        }

        return context.Invoke();
    }

    private static bool IsRegionPlaced(Type grainClass) => grainClass.GetCustomAttribute<PrimaryRegionPlacementAttribute>() is not null;
}
