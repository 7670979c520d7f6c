using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MultiCloud.Silo.Hosting;

/// <summary>Ready only while this silo is Active in the cluster membership it sees.</summary>
/// <param name="membership">The membership view.</param>
/// <param name="localSilo">This silo's address.</param>
public sealed class SiloStatusHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(localSilo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {localSilo.SiloAddress} is Active; {active} active silos in membership version {snapshot.Version}")
            : HealthCheckResult.Unhealthy($"silo {localSilo.SiloAddress} is {status}"));
    }
}
