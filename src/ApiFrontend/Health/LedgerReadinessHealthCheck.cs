using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MultiCloud.ApiFrontend.Contracts;
using MultiCloud.Grains.Interfaces;

namespace MultiCloud.ApiFrontend.Health;

/// <summary>
/// Ready when a silo answers a grain call and that silo's storage answers its probe (the database when one is
/// configured), within <see cref="LedgerApiOptions.ReadinessTimeout"/>.
/// </summary>
/// <param name="grains">Reaches the cluster.</param>
/// <param name="options">The timeout.</param>
public sealed class LedgerReadinessHealthCheck(IGrainFactory grains, IOptions<LedgerApiOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ReadinessTimeout);
        try
        {
            var health = await grains.GetGrain<ILedgerQueryGrain>(0).CheckStorageAsync(timeout.Token).WaitAsync(timeout.Token);
            var latency = health.LatencyMs.ToString("0.0", CultureInfo.InvariantCulture);
            return health.IsHealthy
                ? HealthCheckResult.Healthy($"{health.Storage} answered in {latency} ms")
                : HealthCheckResult.Unhealthy($"{health.Storage} did not answer: {health.Detail}");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster did not answer: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
