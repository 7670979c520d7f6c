using MultiCloud.Grains.Interfaces;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Once the silo is active, makes sure the maintenance reminder exists, retrying in the background until storage
/// answers (a silo must not fail to start because the database is briefly away).
/// </summary>
/// <param name="grains">Reaches the maintenance grain.</param>
/// <param name="logger">Logger.</param>
public sealed partial class MaintenanceScheduler(IGrainFactory grains, ILogger<MaintenanceScheduler> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(MaintenanceScheduler),
        ServiceLifecycleStage.Active,
        _ =>
        {
            _loop = Task.Run(() => EnsureAsync(_stopping.Token), CancellationToken.None);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await _stopping.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<ILedgerMaintenanceGrain>(0).EnsureScheduledAsync();
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogWarningRetry(exception, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Could not schedule ledger maintenance yet; retrying in {Delay}")]
    private partial void LogWarningRetry(Exception exception, TimeSpan delay);
}
