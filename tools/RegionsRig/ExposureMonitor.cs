namespace MultiCloud.RegionsRig;

/// <summary>
/// Samples the cluster once a second and adds up the time a primary accepted writes without a synchronous standby:
/// the window in which an acknowledged commit exists on one copy only.
/// </summary>
/// <param name="env">The environment.</param>
public sealed class ExposureMonitor(RegionsEnvironment env)
{
    private volatile bool _stopped;

    /// <summary>Seconds with a leader and no synchronous standby.</summary>
    public double ExposedSeconds { get; private set; }

    /// <summary>Samples until <see cref="Stop"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!_stopped && !cancellationToken.IsCancellationRequested)
        {
            if (await env.ClusterAsync() is { Leader: { State: "running" } } cluster && cluster.SynchronousStandbys == 0)
            {
                ExposedSeconds += 1;
            }

            await Task.Delay(1000, cancellationToken);
        }
    }

    /// <summary>Stops sampling.</summary>
    public void Stop() => _stopped = true;
}
