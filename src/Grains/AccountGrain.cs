using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiCloud.Grains.Diagnostics;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Grains.State;
using MultiCloud.Regions.Placement;
using MultiCloud.Regions.Primary;

namespace MultiCloud.Grains;

/// <summary>
/// An account: balance, currency and the append-only entries, written in one storage write per posting. Postings are
/// applied at most once per (operation id, entry kind): a retried posting finds the entry an earlier attempt made.
/// </summary>
/// <param name="state">The persisted account state (provider <see cref="StateNames.StorageProvider"/>).</param>
/// <param name="readModel">Where earlier postings are looked up on retries.</param>
/// <param name="options">Ledger limits.</param>
/// <param name="timeProvider">Clock for entry timestamps.</param>
/// <param name="metrics">Ledger metrics.</param>
/// <param name="primary">Whether this silo recently proved it reaches the database primary (fencing of balance reads).</param>
/// <param name="logger">Logger.</param>
[PrimaryRegionPlacement]
public sealed partial class AccountGrain(
    [PersistentState(StateNames.Account, StateNames.StorageProvider)] IPersistentState<AccountState> state,
    ILedgerReadModel readModel,
    IOptions<LedgerOptions> options,
    [FromKeyedServices(LedgerTime.Key)] TimeProvider timeProvider,
    LedgerMetrics metrics,
    IPrimaryRegionSource primary,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    private const int RecentPostingsCapacity = 256;

    // Postings made by this activation, so that a retry usually needs no storage query.
    private readonly Dictionary<(Guid Operation, EntryKind Kind), LedgerEntry> _recentPostings = [];
    private readonly Queue<(Guid Operation, EntryKind Kind)> _recentOrder = new();

    // Whether the state in memory is known durable: written by this activation, or loaded and then written back.
    private bool _confirmed;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // NewEntries of the last write were projected by that write; they must not be projected again.
        state.State.NewEntries.Clear();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<AccountSnapshot> OpenAsync(Guid operationId, string owner, string currency)
    {
        var id = this.GetPrimaryKey();
        if (operationId != id)
        {
            throw new ArgumentException($"An account is opened by the operation whose id is the account id ({id}), not {operationId}.", nameof(operationId));
        }

        await ConfirmLoadedAsync();
        var s = state.State;
        if (s.IsOpen)
        {
            return s.OpenedBy == operationId
                ? s.ToSnapshot()
                : throw new InvalidOperationException($"Account {id} was already opened by operation {s.OpenedBy}.");
        }

        s.Id = id;
        s.Owner = owner;
        s.Currency = currency;
        s.OpenedAt = timeProvider.GetUtcNow();
        s.OpenedBy = operationId;
        await WriteOrReloadAsync(undo: () => s.OpenedBy = Guid.Empty);
        LogInformationOpened(id, currency);
        return s.ToSnapshot();
    }

    /// <inheritdoc />
    /// <exception cref="StorageUnavailableException">
    /// Re-reading the state (when the silo has not confirmed the primary within the staleness bound,
    /// <see cref="Regions.RegionOptions.MaxStaleness"/>) or writing the loaded state back failed: the balance cannot be
    /// proven current, so none is served.
    /// </exception>
    public async Task<AccountSnapshot?> GetAsync()
    {
        if (!primary.IsWithinStalenessBound())
        {
            await RereadAsync();
        }

        await ConfirmLoadedAsync();
        return state.State.IsOpen ? state.State.ToSnapshot() : null;
    }

    /// <inheritdoc />
    public Task<AccountRead> TryGetAsync()
        => Task.FromResult(primary.IsWithinStalenessBound() && (_confirmed || !state.RecordExists)
            ? new AccountRead(true, state.State.IsOpen ? state.State.ToSnapshot() : null)
            : AccountRead.NotCurrent);

    /// <summary>Re-reads the state from the primary; a changed ETag means another activation wrote (counted, then adopted).</summary>
    private async Task RereadAsync()
    {
        var before = state.Etag;
        await state.ReadStateAsync();
        _confirmed = false;
        state.State.NewEntries.Clear();
        _recentPostings.Clear();
        _recentOrder.Clear();
        metrics.RecordFencedRead();
        if (before is not null && !string.Equals(before, state.Etag, StringComparison.Ordinal))
        {
            metrics.RecordStorageConflict(StateNames.Account);
            LogWarningStaleActivation(state.State.Id, before, state.Etag);
        }
    }

    /// <inheritdoc />
    public async Task<PostingResult> PostAsync(Posting posting)
    {
        await ConfirmLoadedAsync();
        var s = state.State;
        if (!s.IsOpen)
        {
            return Refused(LedgerErrorCode.AccountNotFound, $"Account {this.GetPrimaryKey()} does not exist.");
        }

        if (posting.Amount <= 0)
        {
            return Refused(LedgerErrorCode.AmountOutOfRange, $"The amount must be positive (was {posting.Amount}).");
        }

        if (posting.Currency is { } currency && !string.Equals(currency, s.Currency, StringComparison.Ordinal))
        {
            return Refused(LedgerErrorCode.CurrencyMismatch, $"Account {s.Id} holds {s.Currency}, not {currency}.");
        }

        if (posting.IsRetry && await FindPostedAsync(posting) is { } earlier)
        {
            LogDebugRetryFound(s.Id, posting.OperationId, posting.Kind, earlier.Sequence);
            return new PostingResult(earlier, null);
        }

        var isDebit = posting.Kind is EntryKind.Withdrawal or EntryKind.TransferOut;
        var signed = isDebit ? -posting.Amount : posting.Amount;
        var newBalance = checked(s.Balance + signed);
        if (newBalance < 0)
        {
            return Refused(LedgerErrorCode.InsufficientFunds, $"Account {s.Id} holds {s.Balance}, less than {posting.Amount}.");
        }

        // A reversal gives back money that left this account; refusing it would strand the money.
        if (!isDebit && posting.Kind != EntryKind.TransferReversal && newBalance > options.Value.MaxBalance)
        {
            return Refused(LedgerErrorCode.BalanceLimitExceeded,
                $"Account {s.Id} would hold {newBalance}, above the limit of {options.Value.MaxBalance}.");
        }

        var entry = new LedgerEntry(s.Id, s.LastSequence + 1, posting.OperationId, posting.Kind, signed, newBalance,
            posting.CounterpartyAccountId, timeProvider.GetUtcNow());
        var previousBalance = s.Balance;
        s.Balance = newBalance;
        s.LastSequence = entry.Sequence;
        s.NewEntries.Add(entry);
        await WriteOrReloadAsync(undo: () =>
        {
            s.Balance = previousBalance;
            s.LastSequence = entry.Sequence - 1;
        });

        Remember(posting, entry);
        metrics.RecordPosting(KindName(posting.Kind));
        return new PostingResult(entry, null);
    }

    private async Task<LedgerEntry?> FindPostedAsync(Posting posting)
    {
        if (_recentPostings.TryGetValue((posting.OperationId, posting.Kind), out var recent))
        {
            return recent;
        }

        return await readModel.FindEntryAsync(state.State.Id, posting.OperationId, posting.Kind, CancellationToken.None);
    }

    /// <summary>
    /// Writes the loaded state back, once per load, before any answer rests on it. A read may come from a primary cut
    /// off from its synchronous standby, where a commit whose outcome was reported unknown is visible locally but never
    /// reached the copy that survives failover; answering from it ("already applied", a balance, a refusal) could
    /// acknowledge what is then lost. The write proves the state durable: it must reach the synchronous standby, and
    /// its ETag check fails on a promoted primary that never had this version. Nothing stored: nothing to confirm.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The write failed; the activation is dropped and reloads.</exception>
    /// <exception cref="Orleans.Storage.InconsistentStateException">Storage holds another version (counted as a conflict).</exception>
    private Task ConfirmLoadedAsync()
        => _confirmed || !state.RecordExists ? Task.CompletedTask : WriteOrReloadAsync(undo: static () => { });

    /// <summary>
    /// Writes the state. On any failure the in-memory change is undone and the activation is dropped, so the next
    /// call reloads what storage really holds (a failed write may still have committed).
    /// </summary>
    private async Task WriteOrReloadAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync();
            _confirmed = true;
        }
        catch (Exception exception)
        {
            _confirmed = false;
            undo();
            _recentPostings.Clear();
            _recentOrder.Clear();
            DeactivateOnIdle();
            LogWarningWriteFailed(exception, state.State.Id);
            throw;
        }
        finally
        {
            state.State.NewEntries.Clear();
        }
    }

    private void Remember(Posting posting, LedgerEntry entry)
    {
        var key = (posting.OperationId, posting.Kind);
        _recentPostings[key] = entry;
        _recentOrder.Enqueue(key);
        if (_recentOrder.Count > RecentPostingsCapacity)
        {
            _recentPostings.Remove(_recentOrder.Dequeue());
        }
    }

    private static PostingResult Refused(LedgerErrorCode code, string detail) => new(null, new LedgerError(code, "accountId", detail));

    internal static string KindName(EntryKind kind) => kind switch
    {
        EntryKind.Deposit => "deposit",
        EntryKind.Withdrawal => "withdrawal",
        EntryKind.TransferOut => "transferOut",
        EntryKind.TransferIn => "transferIn",
        EntryKind.TransferReversal => "transferReversal",
        _ => "unknown",
    };

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Account {AccountId} opened in {Currency}")]
    private partial void LogInformationOpened(Guid accountId, string currency);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug,
        Message = "Account {AccountId}: retried posting of operation {OperationId} ({Kind}) was already entry {Sequence}")]
    private partial void LogDebugRetryFound(Guid accountId, Guid operationId, EntryKind kind, long sequence);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Account {AccountId}: re-read found ETag {StoredETag}, not {MemoryETag}: another activation wrote; this activation's memory was stale and is replaced")]
    private partial void LogWarningStaleActivation(Guid accountId, string memoryETag, string? storedETag);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Account {AccountId}: state write failed; the change is undone in memory and the activation will reload from storage")]
    private partial void LogWarningWriteFailed(Exception exception, Guid accountId);
}
