using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MultiCloud.Regions.Fencing;
using MultiCloud.Regions.Membership;
using MultiCloud.Regions.Placement;
using MultiCloud.Regions.Primary;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MultiCloud.Regions.Hosting;

/// <summary>Wires the multi-region logic into a silo.</summary>
public static class RegionsSiloBuilderExtensions
{
    /// <summary>
    /// What every silo needs, in memory or on PostgreSQL: <see cref="RegionOptions"/> (section <c>Regions</c>, validated
    /// at start-up), this silo's region published as silo metadata (<see cref="PrimaryRegion.MetadataKey"/>), the
    /// <see cref="PrimaryRegionPlacementAttribute"/> filter, the <see cref="RegionMigrationCallFilter"/>, the
    /// <see cref="PrimaryRegionGuardCallFilter"/> (active with <see cref="RegionOptions.ServeOnlyInPrimaryRegion"/>), and
    /// the <see cref="InMemoryPrimaryRegionSource"/> unless a source is registered (<see cref="UseRegionsOnPostgres"/>).
    /// Calling it again adds nothing.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddLedgerRegions(this ISiloBuilder silo)
    {
        if (silo.Services.Any(d => d.ServiceType == typeof(RegionsMarker)))
        {
            return silo;
        }

        silo.Services.AddSingleton<RegionsMarker>();
        silo.Services.AddOptions<RegionOptions>().BindConfiguration(RegionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Silo metadata is fixed before the container exists, so the region is the one value read here; the same key
        // is validated with the rest of the options when the silo starts.
        var region = silo.Configuration.GetSection(RegionOptions.SectionName)[nameof(RegionOptions.Region)];
        silo.UseSiloMetadata(string.IsNullOrEmpty(region) ? [] : new Dictionary<string, string> { [PrimaryRegion.MetadataKey] = region });

        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<IPrimaryRegionSource>(sp => new InMemoryPrimaryRegionSource(sp.GetRequiredService<TimeProvider>()));
        silo.Services.AddPlacementFilter<PrimaryRegionPlacementFilterStrategy, PrimaryRegionPlacementFilterDirector>(ServiceLifetime.Singleton);
        silo.AddIncomingGrainCallFilter<PrimaryRegionGuardCallFilter>();
        silo.AddIncomingGrainCallFilter<RegionMigrationCallFilter>();
        return silo;
    }

    /// <summary>
    /// The PostgreSQL side, after the ADO.NET clustering is registered: the <see cref="PostgresPrimaryRegionSource"/>
    /// (checks the primary through the <c>NpgsqlDataSource</c> in the container), the membership table wrapped in a
    /// <see cref="PrimaryWaitingMembershipTable"/> (<see cref="MembershipWaitOptions"/>, validated at start-up). The
    /// <see cref="ReplicationFenceOptions"/> are bound where the read model that obeys them is registered.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">No membership table is registered yet.</exception>
    public static ISiloBuilder UseRegionsOnPostgres(this ISiloBuilder silo)
    {
        // Registered before AddLedgerRegions, whose in-memory source is only a fallback (TryAdd).
        silo.Services.AddSingleton<PostgresPrimaryRegionSource>();
        silo.Services.AddSingleton<IPrimaryRegionSource>(sp => sp.GetRequiredService<PostgresPrimaryRegionSource>());
        silo.Services.AddHostedService(sp => sp.GetRequiredService<PostgresPrimaryRegionSource>());
        silo.AddLedgerRegions();

        silo.Services.AddOptions<MembershipWaitOptions>().BindConfiguration(MembershipWaitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        DecorateMembershipTable(silo.Services);
        return silo;
    }

    private static void DecorateMembershipTable(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMembershipTable))
            ?? throw new InvalidOperationException("Register the ADO.NET clustering before UseRegionsOnPostgres: there is no membership table to wrap.");
        services.Remove(registered);
        services.AddSingleton<IMembershipTable>(sp =>
        {
            var inner = registered switch
            {
                { ImplementationInstance: IMembershipTable instance } => instance,
                { ImplementationFactory: { } factory } => (IMembershipTable)factory(sp),
                _ => (IMembershipTable)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!),
            };
            return ActivatorUtilities.CreateInstance<PrimaryWaitingMembershipTable>(sp, inner);
        });
    }

    /// <summary>Marks a service collection that already has the regions' registrations.</summary>
    private sealed class RegionsMarker;
}
