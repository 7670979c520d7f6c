using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace MultiCloud.Regions.Membership;

/// <summary>
/// Wraps the Orleans ADO.NET membership table so that an operation attempted while no database primary answers waits
/// for one (retrying every <see cref="MembershipWaitOptions.RetryDelay"/>, up to
/// <see cref="MembershipWaitOptions.PrimaryWait"/>) instead of failing at once.
/// </summary>
/// <remarks>
/// Why: after region A is lost, region B's silos suspect region A's silos within seconds, but a suspicion vote is a
/// write to the membership table, and the table has no primary until the standby is promoted (about 10 s). Every vote
/// that fails sends Orleans's suspicion queue into an exponential back-off (1 s, doubling to 1 min, not configurable),
/// so eviction, and with it the re-activation of region A's grains in B, waited for the back-off rather than for the
/// promotion (docs/failover.md: 5-6 s after it). Waiting here lands the vote within one retry of the promotion.
/// Retrying is safe for every operation of the contract: reads, heartbeats and deletes are idempotent, and row
/// inserts and updates are conditional on the table version and row ETag, so a retry of a write whose first
/// attempt did commit is refused (false) and Orleans re-reads the table, as it does on any contention.
/// Only failures that say "no primary now" are retried (<see cref="PrimaryUnavailable"/>); any other error, and the
/// last failure once the wait is over, reaches Orleans unchanged.
/// </remarks>
public sealed partial class PrimaryWaitingMembershipTable : IMembershipTable
{
    private static readonly ResiliencePropertyKey<long> StartedAt = new("multicloud.membership.started");

    private readonly IMembershipTable _inner;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PrimaryWaitingMembershipTable> _logger;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The Orleans membership table (ADO.NET).</param>
    /// <param name="options">How long to wait for a primary (<c>Regions:MembershipWait</c>).</param>
    /// <param name="timeProvider">Measures the wait.</param>
    /// <param name="logger">Logs each wait once, when it begins and when it ends.</param>
    public PrimaryWaitingMembershipTable(IMembershipTable inner, IOptions<MembershipWaitOptions> options, TimeProvider timeProvider, ILogger<PrimaryWaitingMembershipTable> logger)
    {
        _inner = inner;
        _timeProvider = timeProvider;
        _logger = logger;
        var wait = options.Value.PrimaryWait;
        _pipeline = wait <= TimeSpan.Zero
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } exception
                    && PrimaryUnavailable.Is(exception)
                    && _timeProvider.GetElapsedTime(args.Context.Properties.GetValue(StartedAt, 0)) < wait),
                BackoffType = DelayBackoffType.Constant,
                Delay = options.Value.RetryDelay,
                UseJitter = false,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    if (args.AttemptNumber == 0)
                    {
                        LogWaiting(args.Context.OperationKey ?? "?", args.Outcome.Exception!);
                    }

                    return default;
                },
            }).Build();
    }

    /// <inheritdoc />
    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
        => RunAsync(nameof(InitializeMembershipTable), ct => _inner.InitializeMembershipTableAsync(tryInitTableVersion, ct), cancellationToken);

    /// <inheritdoc />
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
        => RunAsync(nameof(DeleteMembershipTableEntries), ct => _inner.DeleteMembershipTableEntriesAsync(clusterId, ct), cancellationToken);

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
        => RunAsync(nameof(CleanupDefunctSiloEntries), ct => _inner.CleanupDefunctSiloEntriesAsync(beforeDate, ct), cancellationToken);

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
        => RunAsync(nameof(ReadRow), ct => _inner.ReadRowAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
        => RunAsync(nameof(ReadAll), _inner.ReadAllAsync, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
        => RunAsync(nameof(InsertRow), ct => _inner.InsertRowAsync(entry, tableVersion, ct), cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
        => RunAsync(nameof(UpdateRow), ct => _inner.UpdateRowAsync(entry, etag, tableVersion, ct), cancellationToken);

    /// <inheritdoc />
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
        => RunAsync(nameof(UpdateIAmAlive), ct => _inner.UpdateIAmAliveAsync(entry, ct), cancellationToken);

    // The members Orleans 10.4 marks obsolete are still abstract in the contract: they take the same path.

    /// <inheritdoc />
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);

    /// <inheritdoc />
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key);

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAll() => ReadAllAsync();

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);

    /// <inheritdoc />
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);

    private async Task RunAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
        => await RunAsync(operation, async ct =>
        {
            await call(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        var started = _timeProvider.GetTimestamp();
        context.Properties.Set(StartedAt, started);
        var attempt = new Attempt<T>(call);
        try
        {
            var result = await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    state.Count++;
                    return await state.Call(context.CancellationToken).ConfigureAwait(false);
                },
                context,
                attempt).ConfigureAwait(false);
            if (attempt.Count > 1)
            {
                var elapsedMs = (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
                LogPrimaryAnswered(operation, elapsedMs, attempt.Count);
            }

            return result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning,
        Message = "Membership {Operation}: no database primary answers; retrying until one does (Regions:MembershipWait:PrimaryWait)")]
    private partial void LogWaiting(string operation, Exception exception);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information,
        Message = "Membership {Operation}: a primary answered after {ElapsedMs} ms and {Attempts} attempts")]
    private partial void LogPrimaryAnswered(string operation, long elapsedMs, int attempts);

    private sealed class Attempt<T>(Func<CancellationToken, Task<T>> call)
    {
        public Func<CancellationToken, Task<T>> Call { get; } = call;

        public int Count { get; set; }
    }
}
