using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MultiCloud.Regions;
using MultiCloud.Regions.Primary;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Whether this silo can take writes now (<c>/health/writable</c>), for a front door choosing where to send requests:
/// healthy when it confirmed the database primary, and its own Active membership row there, within the staleness
/// bound (<c>Regions:MaxStaleness</c>). In one cluster spanning the regions that is enough, whichever region holds the
/// primary (activations follow the primary; a silo elsewhere forwards). A silo that serves only while its region holds
/// the primary (<c>Regions:ServeOnlyInPrimaryRegion</c>, one cluster per region) also needs the primary in its region.
/// Unhealthy while cut off from the database, not yet confirmed, or (that mode) in the other region.
/// </summary>
/// <param name="primary">Where the primary is, and how recently this silo confirmed it.</param>
/// <param name="options">This silo's region and mode.</param>
public sealed class WritableHealthCheck(IPrimaryRegionSource primary, IOptions<RegionOptions> options) : IHealthCheck
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

        return Task.FromResult(!options.Value.ServeOnlyInPrimaryRegion || region is null || string.Equals(region, primaryRegion, StringComparison.Ordinal)
            ? HealthCheckResult.Healthy($"writable: the primary (region {primaryRegion ?? "(none)"}) is confirmed")
            : HealthCheckResult.Unhealthy($"this silo serves only in the primary's region; the primary is in region {primaryRegion ?? "(unknown)"}, not {region}"));
    }
}
