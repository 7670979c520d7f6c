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
/// Between reminders, <see cref="RecoverSoonAsync"/> (at silo start, when a silo is declared dead, when the database
/// primary moves to another region, and at each activation of this grain) runs recovery passes promptly, on the
/// ledger's clock, in a loop that runs on this activation (never on the thread pool).
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

    /// <summary>Retries of a pass that left stalled operations pending (their grains were on a silo just lost, say).</summary>
    private const int PendingRetries = 4;

    /// <summary>Margin past the stall age, so that an operation interrupted at the trigger counts as stalled.</summary>
    private static readonly TimeSpan StallMargin = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between tries of a pass that failed: the database may return at any moment.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _deactivating = new();
    private ResiliencePipeline<MaintenanceReport>? _passPipeline;

    // All of the below is touched only on this activation's scheduler (requests and the recovery loop take turns).
    private Task _loop = Task.CompletedTask;
    private CancellationTokenSource? _wake;
    private DateTimeOffset? _lastPassDue;
    private bool _passNow;
    private int _requests;
    private int _passes;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A new activation (first use, its silo lost, or moved to the primary's new region) cannot know what the one
        // before it still had pending: it asks itself, which is not counted as a request.
        Request();
        return base.OnActivateAsync(cancellationToken);
    }

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
        _requests++;
        Request();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _deactivating.Dispose();

    /// <inheritdoc />
    public Task<RecoveryStatus> GetRecoveryStatusAsync()
        => Task.FromResult(new RecoveryStatus(_requests, _passes, _lastPassDue, !_loop.IsCompleted));

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The loop ends at its next await; the next activation asks itself for recovery (OnActivateAsync).
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

    /// <summary>A pass now, and one once operations interrupted now count as stalled; starts the loop if it is idle.</summary>
    private void Request()
    {
        _passNow = true;
        var due = timeProvider.GetUtcNow() + options.Value.StalledOperationAge + StallMargin;
        if (_lastPassDue is not { } current || due > current)
        {
            _lastPassDue = due;
        }

        if (_loop.IsCompleted)
        {
            _loop = RecoverAsync(_deactivating.Token);
        }
        else
        {
            _wake?.Cancel();
        }
    }

    /// <summary>
    /// Runs the passes requested: one at once for each batch of requests, then one when the last requested pass is
    /// due; a request arriving while it waits wakes it. Returns when nothing more is due, or when the activation ends.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        // Every await continues on the activation's scheduler: the loop's state is the grain's, unguarded.
        const ConfigureAwaitOptions OnActivation = ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing;
        await Task.Yield();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_passNow)
                {
                    _passNow = false;
                    await PassAsync(cancellationToken);
                    continue;
                }

                if (_lastPassDue is not { } due)
                {
                    return;
                }

                var wait = due - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    _wake = wake;
                    await Task.Delay(wait, timeProvider, wake.Token).ConfigureAwait(OnActivation);
                    _wake = null;
                    continue;
                }

                _lastPassDue = null;
                await PassAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivated: the next activation asks itself for recovery.
        }
    }

    /// <summary>
    /// One pass, retried on the ledger's clock: a pass that failed (storage away, a timeout) until it succeeds or the
    /// activation ends, 1 s doubling up to 5 s; one that left stalled operations pending up to <see cref="PendingRetries"/> times, then left to the
    /// reminder (an operation that cannot finish must not keep the loop busy forever).
    /// </summary>
    private async Task PassAsync(CancellationToken cancellationToken)
    {
        _passPipeline ??= new ResiliencePipelineBuilder<MaintenanceReport> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<MaintenanceReport>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } exception
                    ? !args.Context.CancellationToken.IsCancellationRequested
                    : args.Outcome.Result!.StillPending > 0 && args.AttemptNumber < PendingRetries),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    LogWarningRecoveryRetry(args.Outcome.Exception, args.Outcome.Result?.StillPending ?? 0, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        // Polly resumes after its delays on the captured context only when told to: the pass must run on the activation.
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellationToken);
        try
        {
            var report = await _passPipeline.ExecuteAsync(async (_, grain) => await grain.RunOnceAsync(), context, this);
            _passes++;
            if (report.StillPending > 0)
            {
                LogWarningLeftToReminder(report.StillPending);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
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

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Prompt recovery left {StillPending} operations pending after its retries; the maintenance reminder will pick them up")]
    private partial void LogWarningLeftToReminder(int stillPending);
}
