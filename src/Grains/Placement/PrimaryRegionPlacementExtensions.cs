using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MultiCloud.Grains.Placement;

/// <summary>Wires region-aware placement into a silo.</summary>
public static class PrimaryRegionPlacementExtensions
{
    /// <summary>
    /// Publishes this silo's region as silo metadata (<see cref="PrimaryRegion.MetadataKey"/>), registers the
    /// <see cref="PrimaryRegionPlacementAttribute"/> filter and the <see cref="RegionMigrationCallFilter"/>. The
    /// <see cref="IPrimaryRegionSource"/> is the caller's (PostgreSQL) or, when none is registered, the in-memory one.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="region">This silo's region (e.g. <c>a</c>); null or empty publishes no region.</param>
    /// <param name="serveOnlyInPrimaryRegion">
    /// Also refuse calls while the primary is in another region (<see cref="PrimaryRegionGuardCallFilter"/>): for one
    /// cluster per region, where this cluster must not process grains while another region's cluster does.
    /// </param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddPrimaryRegionPlacement(this ISiloBuilder silo, string? region, bool serveOnlyInPrimaryRegion = false)
    {
        if (serveOnlyInPrimaryRegion)
        {
            silo.AddIncomingGrainCallFilter<PrimaryRegionGuardCallFilter>();
        }

        silo.UseSiloMetadata(string.IsNullOrEmpty(region) ? [] : new Dictionary<string, string> { [PrimaryRegion.MetadataKey] = region });
        silo.Services.TryAddSingleton<IPrimaryRegionSource>(sp => new InMemoryPrimaryRegionSource(TimeProvider.System));
        silo.Services.AddPlacementFilter<PrimaryRegionPlacementFilterStrategy, PrimaryRegionPlacementFilterDirector>(ServiceLifetime.Singleton);
        silo.AddIncomingGrainCallFilter<RegionMigrationCallFilter>();
        return silo;
    }
}
