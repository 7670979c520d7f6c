using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MultiCloud.Regions;
using MultiCloud.Regions.Primary;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Whether this silo's region can take writes now, for a front door that sends requests to the writable region
/// (<c>/health/writable</c>): healthy when this silo confirmed the database primary within the staleness bound
/// (<c>Regions:MaxStaleness</c>) and the primary is in this silo's region (<c>Regions:Region</c>; a silo without a
/// region only needs the confirmation). Unhealthy while the primary is elsewhere, unknown, or not confirmed lately
/// (cut off from the database, or a standby answering): the front door then stops sending here.
/// </summary>
/// <param name="primary">Where the primary is, and how recently this silo confirmed it.</param>
/// <param name="options">This silo's region.</param>
public sealed class WritableRegionHealthCheck(IPrimaryRegionSource primary, IOptions<RegionOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var region = string.IsNullOrEmpty(options.Value.Region) ? null : options.Value.Region;
        var primaryRegion = primary.Current.Region;
        var data = new Dictionary<string, object>
        {
            ["region"] = region ?? "(none)",
            ["primaryRegion"] = primaryRegion ?? "(unknown)",
        };
        if (!primary.IsWithinStalenessBound())
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the database primary was not confirmed within the staleness bound", data: data));
        }

        return Task.FromResult(region is null || string.Equals(region, primaryRegion, StringComparison.Ordinal)
            ? HealthCheckResult.Healthy(region is null ? "the primary is confirmed (no region)" : $"the primary is in this region ({region})", data)
            : HealthCheckResult.Unhealthy($"the primary is in region {primaryRegion ?? "(unknown)"}, not in this region ({region})", data: data));
    }
}
