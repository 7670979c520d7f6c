using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Regions.Placement;

namespace MultiCloud.Grains;

/// <summary>
/// The ledger's scheduled job, woken by a durable reminder (stored with the other reminders, so it survives the loss
/// of any silo): finishes operations left pending by a crash, then deletes idempotency records past their retention.
/// Between reminders, <see cref="RecoverSoonAsync"/> (at silo start and when a silo is declared dead) runs recovery
/// passes promptly, on the ledger's clock.
/// </summary>
/// <param name="readModel">Finds stalled and expired operations.</param>
/// <param name="reminders">The reminder table: whether the reminder exists, and with which period.</param>
/// <param name="options">Retention, stall age, period and batch size.</param>
/// <param name="timeProvider">Clock.</param>
/// <param name="logger">Logger.</param>
[PrimaryRegionPlacement]
public sealed partial class LedgerMaintenanceGrain(
    ILedgerReadModel readModel,
    IReminderTable reminders,
    IOptions<LedgerOptions> options,
    [FromKeyedServices(LedgerTime.Key)] TimeProvider timeProvider,
    ILogger<LedgerMaintenanceGrain> logger) : Grain, ILedgerMaintenanceGrain, IRemindable, IDisposable
{
    private const int Parallelism = 16;

    /// <summary>Margin past the stall age, so that an operation interrupted at the trigger counts as stalled.</summary>
    private static readonly TimeSpan StallMargin = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _deactivating = new();

    // The recovery loop runs off the grain's scheduler and calls the grain through its reference; these two fields are
    // shared with it: when the last pass is due (ledger-clock ticks, 0 = none) and whether the loop runs.
    private long _lastPassDueTicks;
    private int _recovering;
    private int _requests;
    private int _passes;

    /// <inheritdoc />
    public async Task EnsureScheduledAsync()
    {
        var period = options.Value.MaintenancePeriod;
        var existing = await reminders.ReadRow(this.GetGrainId(), StateNames.MaintenanceReminder);
        if (existing is not null && existing.Period == period)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(StateNames.MaintenanceReminder, period, period);
        LogInformationScheduled(period);
    }

    /// <inheritdoc />
    public Task RecoverSoonAsync()
    {
        Interlocked.Increment(ref _requests);
        var due = (timeProvider.GetUtcNow() + options.Value.StalledOperationAge + StallMargin).UtcTicks;
        InterlockedMax(ref _lastPassDueTicks, due);
        if (Interlocked.Exchange(ref _recovering, 1) == 0)
        {
            var self = this.AsReference<ILedgerMaintenanceGrain>();
            _ = Task.Run(() => RecoverAsync(self, _deactivating.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _deactivating.Dispose();

    /// <inheritdoc />
    public Task<RecoveryStatus> GetRecoveryStatusAsync()
    {
        var due = Volatile.Read(ref _lastPassDueTicks);
        return Task.FromResult(new RecoveryStatus(Volatile.Read(ref _requests), Volatile.Read(ref _passes), due == 0 ? null : new DateTimeOffset(due, TimeSpan.Zero), Volatile.Read(ref _recovering) == 1));
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Cancelled here, disposed with the activation: the recovery loop may still be unwinding with its token.
        await _deactivating.CancelAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MaintenanceReport> RunOnceAsync()
    {
        var o = options.Value;
        var now = timeProvider.GetUtcNow();
        var stalled = await readModel.FindStalledOperationsAsync(now - o.StalledOperationAge, o.MaintenanceBatchSize, CancellationToken.None);
        var resumed = await ForEachAsync(stalled, key => GrainFactory.GetGrain<ILedgerOperationGrain>(key).ResumeAsync());

        var expired = await readModel.FindExpiredOperationsAsync(now - o.IdempotencyKeyRetention, o.MaintenanceBatchSize, CancellationToken.None);
        var purged = await ForEachAsync(expired, key => GrainFactory.GetGrain<ILedgerOperationGrain>(key).ExpireAsync(o.IdempotencyKeyRetention));

        var report = new MaintenanceReport(resumed, stalled.Count - resumed, purged);
        if (stalled.Count > 0 || purged > 0)
        {
            LogInformationPass(report.Resumed, report.StillPending, report.Purged);
        }

        return report;
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => RunOnceAsync();

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>One pass now, then one when the last requested pass is due; exits when nothing more is due.</summary>
    private async Task RecoverAsync(ILedgerMaintenanceGrain self, CancellationToken cancellationToken)
    {
        // A pass that failed, or left stalled operations pending (their grains were on a silo just lost, say), is
        // retried on the ledger's clock.
        var pipeline = new ResiliencePipelineBuilder<MaintenanceReport> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<MaintenanceReport>
            {
                ShouldHandle = new PredicateBuilder<MaintenanceReport>().Handle<Exception>(e => e is not OperationCanceledException).HandleResult(r => r.StillPending > 0),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                OnRetry = args =>
                {
                    LogWarningRecoveryRetry(args.Outcome.Exception, args.Outcome.Result?.StillPending ?? 0, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await pipeline.ExecuteAsync(async _ => await self.RunOnceAsync(), cancellationToken);
                Interlocked.Increment(ref _passes);
                var due = Volatile.Read(ref _lastPassDueTicks);
                if (due == 0)
                {
                    Volatile.Write(ref _recovering, 0);
                    // A request that arrived after the read above set a due time and found the loop still running.
                    if (Volatile.Read(ref _lastPassDueTicks) == 0 || Interlocked.Exchange(ref _recovering, 1) == 1)
                    {
                        return;
                    }

                    continue;
                }

                var wait = new DateTimeOffset(due, TimeSpan.Zero) - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, timeProvider, cancellationToken);
                }

                // Moved later meanwhile: wait again; otherwise this is the last pass requested so far.
                Interlocked.CompareExchange(ref _lastPassDueTicks, 0, due);
                if (Volatile.Read(ref _lastPassDueTicks) != 0)
                {
                    continue;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWarningRecoveryFailed(exception);
            Volatile.Write(ref _recovering, 0);
        }
        catch (OperationCanceledException)
        {
            // Deactivated: the next activation's triggers, or the reminder, take over.
        }
    }

    private async Task<int> ForEachAsync(IReadOnlyList<string> keys, Func<string, Task<bool>> action)
    {
        var done = 0;
        for (var i = 0; i < keys.Count; i += Parallelism)
        {
            var batch = keys.Skip(i).Take(Parallelism).Select(async key =>
            {
                try
                {
                    return await action(key);
                }
                catch (Exception exception)
                {
                    LogWarningItemFailed(exception, key);
                    return false;
                }
            });
            done += (await Task.WhenAll(batch)).Count(ok => ok);
        }

        return done;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Ledger maintenance scheduled every {Period}")]
    private partial void LogInformationScheduled(TimeSpan period);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information,
        Message = "Ledger maintenance: {Resumed} interrupted operations finished, {StillPending} still pending, {Purged} idempotency records purged")]
    private partial void LogInformationPass(int resumed, int stillPending, int purged);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Ledger maintenance could not process operation {IdempotencyKey}")]
    private partial void LogWarningItemFailed(Exception exception, string idempotencyKey);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Prompt recovery pass failed or left {StillPending} operations pending; retrying in {Delay}")]
    private partial void LogWarningRecoveryRetry(Exception? exception, int stillPending, TimeSpan delay);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Prompt recovery gave up after its retries; the maintenance reminder will pick the operations up")]
    private partial void LogWarningRecoveryFailed(Exception exception);
}
