using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MultiCloud.Regions;
using MultiCloud.Silo.Hosting;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Api;

/// <summary>
/// What a front door asks a silo: <c>/health/writable</c> (can this silo take writes now) and
/// <c>/health/primary-region</c> (does its region hold the primary), for each combination of this silo's region, the
/// primary's region, the confirmation and the one-cluster-per-region mode.
/// </summary>
public sealed class FrontDoorHealthChecksTests
{
    [Theory(Timeout = TestTimeouts.Unit)]
    // region, primary, confirmed, serve only in the primary's region -> writable, primary region
    [InlineData("a", "a", true, false, true, true)]
    [InlineData("a", "b", true, false, true, false)] // one cluster: the other region's silos still write (forwarding)
    [InlineData("a", "b", true, true, false, false)] // one cluster per region: region a's cluster refuses
    [InlineData("a", "a", true, true, true, true)]
    [InlineData("a", "a", false, false, false, false)] // cut off from the database: neither
    [InlineData("a", null, true, false, true, false)] // the primary's region unknown: writable, not preferred
    [InlineData(null, "b", true, false, true, true)] // a silo without a region counts as the primary's
    public async Task The_front_door_checks_answer_by_region_confirmation_and_mode(
        string? region, string? primaryRegion, bool confirmed, bool serveOnlyInPrimaryRegion, bool writable, bool inPrimaryRegion)
    {
        var source = new SettablePrimaryRegionSource(primaryRegion) { Confirmed = confirmed };
        var options = Options.Create(new RegionOptions { Region = region, ServeOnlyInPrimaryRegion = serveOnlyInPrimaryRegion });

        var writableResult = await new WritableHealthCheck(source, options).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        var primaryResult = await new PrimaryRegionHealthCheck(source, options).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(writable ? HealthStatus.Healthy : HealthStatus.Unhealthy, writableResult.Status);
        Assert.Equal(inPrimaryRegion ? HealthStatus.Healthy : HealthStatus.Unhealthy, primaryResult.Status);
        if (inPrimaryRegion && region is not null)
        {
            Assert.Equal($"the primary is in this region ({region})", primaryResult.Description);
        }
    }
}
