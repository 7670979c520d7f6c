using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using MultiCloud.Regions.Primary;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MultiCloud.Regions.Placement;

/// <summary>
/// Moves activations to the primary's region when the primary has moved (failover, fail-back, planned switchover):
/// after a call to a grain marked <see cref="PrimaryRegionPlacementAttribute"/> that runs outside the primary's region,
/// while an active silo of that region exists, the activation is asked to migrate when idle (Orleans live migration:
/// the state and its ETag go with it, nothing is re-read). Placement then chooses a silo in the primary's region.
/// Grains that receive no call stay where they are until they deactivate; they do no writes meanwhile.
/// </summary>
/// <param name="primary">Where the primary is.</param>
/// <param name="localSilo">This silo.</param>
/// <param name="metadata">Silo metadata of the cluster's silos.</param>
/// <param name="membership">The cluster's members and their status.</param>
/// <param name="logger">Logger.</param>
public sealed partial class RegionMigrationCallFilter(
    IPrimaryRegionSource primary,
    ILocalSiloDetails localSilo,
    ISiloMetadataCache metadata,
    IClusterMembershipService membership,
    ILogger<RegionMigrationCallFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<Type, bool> Placed = new();
    private string? _localRegion;

    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();

        var region = primary.Current.Region;
        if (region is null || context.Grain is not IGrainBase grain || !Placed.GetOrAdd(grain.GetType(), IsRegionPlaced))
        {
            return;
        }

        _localRegion ??= metadata.GetSiloMetadata(localSilo.SiloAddress).Metadata.GetValueOrDefault(PrimaryRegion.MetadataKey) ?? string.Empty;
        if (string.Equals(region, _localRegion, StringComparison.Ordinal) || !HasActiveSiloIn(region))
        {
            return;
        }

        LogInformationMigrating(context.TargetId, _localRegion, region);
        grain.MigrateOnIdle();
    }

    private bool HasActiveSiloIn(string region)
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active
                && metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(PrimaryRegion.MetadataKey, out var value)
                && string.Equals(value, region, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsRegionPlaced(Type grainClass) => grainClass.GetCustomAttribute<PrimaryRegionPlacementAttribute>() is not null;

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information,
        Message = "{GrainId} runs in region {LocalRegion} but the database primary is in {PrimaryRegion}: migrating when idle")]
    private partial void LogInformationMigrating(GrainId grainId, string localRegion, string primaryRegion);
}
