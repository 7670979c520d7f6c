using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Regions.Placement;

namespace MultiCloud.Grains;

/// <summary>
/// The ledger's scheduled job, woken by a durable reminder (stored with the other reminders, so it survives the loss
/// of any silo): finishes operations left pending by a crash, then deletes idempotency records past their retention.
/// </summary>
/// <param name="readModel">Finds stalled and expired operations.</param>
/// <param name="options">Retention, stall age, period and batch size.</param>
/// <param name="timeProvider">Clock.</param>
/// <param name="logger">Logger.</param>
[PrimaryRegionPlacement]
public sealed partial class LedgerMaintenanceGrain(
    ILedgerReadModel readModel,
    IOptions<LedgerOptions> options,
    [FromKeyedServices(LedgerTime.Key)] TimeProvider timeProvider,
    ILogger<LedgerMaintenanceGrain> logger) : Grain, ILedgerMaintenanceGrain, IRemindable
{
    private const int Parallelism = 16;

    /// <inheritdoc />
    public async Task EnsureScheduledAsync()
    {
        // Re-registering is an upsert of one row; every silo does it once at start-up, which also applies a changed period.
        var period = options.Value.MaintenancePeriod;
        await this.RegisterOrUpdateReminder(StateNames.MaintenanceReminder, period, period);
        LogInformationScheduled(period);
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
}
