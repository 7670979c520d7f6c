using MultiCloud.Grains.Interfaces;
using MultiCloud.Regions.Primary;
using Polly;
using Polly.Retry;

namespace MultiCloud.Silo.Hosting;

/// <summary>
/// Once the silo is active: makes sure the maintenance reminder exists, asks for prompt recovery of interrupted
/// operations (<see cref="ILedgerMaintenanceGrain.RecoverSoonAsync"/>), and asks again whenever membership declares a
/// silo dead (its operations in flight were interrupted) and whenever the database primary moves to another region (a
/// failover interrupts operations without any silo dying). Each call is retried in the background until storage
/// answers (1 s, doubling up to 30 s): a silo must not fail to start because the database is briefly away.
/// </summary>
/// <param name="grains">Reaches the maintenance grain.</param>
/// <param name="membership">Cluster membership: which silos were declared dead.</param>
/// <param name="primary">Where the database primary is.</param>
/// <param name="timeProvider">Clock of the retry delays.</param>
/// <param name="logger">Logger.</param>
public sealed partial class MaintenanceScheduler(
    IGrainFactory grains,
    IClusterMembershipService membership,
    IPrimaryRegionSource primary,
    TimeProvider timeProvider,
    ILogger<MaintenanceScheduler> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(MaintenanceScheduler),
        ServiceLifecycleStage.Active,
        _ =>
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await _stopping.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private static HashSet<SiloAddress> DeadSilos(ClusterMembershipSnapshot snapshot)
        => snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(_ => !cancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                OnRetry = args =>
                {
                    LogWarningRetry(args.Outcome.Exception, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        var maintenance = grains.GetGrain<ILedgerMaintenanceGrain>(0);

        // Taken before the start-up request, which covers everything that happened before it: a silo declared dead or
        // a primary moved after this point is seen below, and asks again.
        var dead = DeadSilos(membership.CurrentSnapshot);
        var region = primary.Current.Region;
        try
        {
            await pipeline.ExecuteAsync(async _ => await maintenance.EnsureScheduledAsync(), cancellationToken);
            await pipeline.ExecuteAsync(async _ => await maintenance.RecoverSoonAsync(), cancellationToken);
            await Task.WhenAll(WatchDeathsAsync(dead), WatchRegionAsync(region));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }

        async Task WatchDeathsAsync(HashSet<SiloAddress> known)
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var now = DeadSilos(snapshot);
                if (now.Except(known).Any())
                {
                    LogInformationSiloDeclaredDead();
                    await pipeline.ExecuteAsync(async _ => await maintenance.RecoverSoonAsync(), cancellationToken);
                }

                known = now;
            }
        }

        async Task WatchRegionAsync(string? known)
        {
            while (true)
            {
                var now = await primary.WaitForRegionChangeAsync(known, cancellationToken);
                // The first region observed after start (none known yet) is not a move: the start-up request covers it.
                if (known is not null)
                {
                    LogInformationPrimaryMoved(now ?? "(none)", known);
                    await pipeline.ExecuteAsync(async _ => await maintenance.RecoverSoonAsync(), cancellationToken);
                }

                known = now;
            }
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Could not reach ledger maintenance yet; retrying in {Delay}")]
    private partial void LogWarningRetry(Exception? exception, TimeSpan delay);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "A silo was declared dead: prompt recovery of its interrupted operations requested")]
    private partial void LogInformationSiloDeclaredDead();

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "The database primary moved from region {Previous} to {Region}: prompt recovery of interrupted operations requested")]
    private partial void LogInformationPrimaryMoved(string region, string previous);
}
