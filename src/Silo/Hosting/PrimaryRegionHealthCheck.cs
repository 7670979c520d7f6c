using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MultiCloud.Regions;
using MultiCloud.Regions.Primary;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Whether this silo's region holds the database primary now (<c>/health/primary-region</c>), for a front door that
/// prefers that region (its activations and its database are there: no cross-region hop per call): healthy when this
/// silo confirmed the primary within the staleness bound and the primary is in this silo's region (<c>Regions:Region</c>;
/// a silo without a region only needs the confirmation). The description names the region, e.g.
/// <c>the primary is in this region (b)</c>.
/// </summary>
/// <param name="primary">Where the primary is, and how recently this silo confirmed it.</param>
/// <param name="options">This silo's region.</param>
public sealed class PrimaryRegionHealthCheck(IPrimaryRegionSource primary, IOptions<RegionOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var region = string.IsNullOrEmpty(options.Value.Region) ? null : options.Value.Region;
        var primaryRegion = primary.Current.Region;
        if (!primary.IsWithinStalenessBound())
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the database primary was not confirmed within the staleness bound"));
        }

        return Task.FromResult(region is null || string.Equals(region, primaryRegion, StringComparison.Ordinal)
            ? HealthCheckResult.Healthy(region is null ? "the primary is confirmed (no region)" : $"the primary is in this region ({region})")
            : HealthCheckResult.Unhealthy($"the primary is in region {primaryRegion ?? "(unknown)"}, not in this region ({region})"));
    }
}
