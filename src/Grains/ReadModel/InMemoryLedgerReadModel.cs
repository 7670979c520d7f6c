using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.State;
using MultiCloud.Grains.Storage;

namespace MultiCloud.Grains.ReadModel;

/// <summary>
/// The read model of the embedded in-memory default (and of in-memory test clusters): the same rows the PostgreSQL
/// write function maintains, kept in process and fed by <see cref="LedgerGrainStorage"/> after each write. Like the
/// memory grain storage it sits beside, it is lost when the process ends.
/// </summary>
public sealed class InMemoryLedgerReadModel : ILedgerReadModel, ILedgerProjection
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, AccountState> _accounts = [];
    private readonly Dictionary<Guid, List<LedgerEntry>> _entries = [];
    private readonly Dictionary<(Guid Account, Guid Operation, EntryKind Kind), LedgerEntry> _entryIndex = [];
    private readonly Dictionary<string, (OperationStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, TransferSnapshot> _transfers = [];
    private readonly Dictionary<string, Guid> _transfersByKey = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string StorageName => "memory";

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">An entry with the same account and sequence, or the same operation and kind, exists (the database would refuse the write the same way).</exception>
    public void OnWritten<T>(string stateName, T state)
    {
        lock (_gate)
        {
            switch (state)
            {
                case AccountState account:
                    ProjectAccount(account);
                    break;
                case LedgerOperationState operation:
                    _operations[operation.IdempotencyKey] = (operation.Status, operation.CreatedAt, operation.CompletedAt);
                    if (operation.Transfer is { } transfer)
                    {
                        _transfers[transfer.Id] = transfer;
                        _transfersByKey[transfer.IdempotencyKey] = transfer.Id;
                    }

                    break;
            }
        }
    }

    /// <inheritdoc />
    public void OnCleared<T>(string stateName, T state)
    {
        if (state is LedgerOperationState operation)
        {
            lock (_gate)
            {
                _operations.Remove(operation.IdempotencyKey);
            }
        }
    }

    /// <inheritdoc />
    public Task<LedgerEntry?> FindEntryAsync(Guid accountId, Guid operationId, EntryKind kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entryIndex.GetValueOrDefault((accountId, operationId, kind)));
        }
    }

    /// <inheritdoc />
    public Task<EntryPage> GetEntriesAsync(Guid accountId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(accountId, out var entries))
            {
                return Task.FromResult(new EntryPage([], null));
            }

            // Sequences are 1..n without gaps, so sequence s sits at index s - 1.
            var start = (int)Math.Clamp(afterSequence, 0, entries.Count);
            var items = entries.GetRange(start, Math.Min(limit, entries.Count - start));
            long? next = start + items.Count < entries.Count ? items[^1].Sequence : null;
            return Task.FromResult(new EntryPage(items, next));
        }
    }

    /// <inheritdoc />
    public Task<TransferSnapshot?> GetTransferAsync(Guid transferId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_transfers.GetValueOrDefault(transferId));
        }
    }

    /// <inheritdoc />
    public Task<TransferSnapshot?> FindTransferByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_transfersByKey.TryGetValue(idempotencyKey, out var id) ? _transfers[id] : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindStalledOperationsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<string> keys = [.. _operations
                .Where(o => o.Value.Status != OperationStatus.Completed && o.Value.CreatedAt < createdBefore)
                .OrderBy(o => o.Value.CreatedAt)
                .Take(limit)
                .Select(o => o.Key)];
            return Task.FromResult(keys);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindExpiredOperationsAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<string> keys = [.. _operations
                .Where(o => o.Value.CompletedAt is { } completedAt && completedAt < completedBefore)
                .OrderBy(o => o.Value.CompletedAt)
                .Take(limit)
                .Select(o => o.Key)];
            return Task.FromResult(keys);
        }
    }

    /// <inheritdoc />
    public Task<LedgerAggregates> GetAggregatesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var accounts = new List<AccountAggregate>(_accounts.Count);
            var byTransfer = new Dictionary<Guid, long[]>();
            foreach (var account in _accounts.Values)
            {
                var entries = _entries.GetValueOrDefault(account.Id) ?? [];
                long sum = 0, deposits = 0, withdrawals = 0;
                foreach (var e in entries)
                {
                    sum += e.Amount;
                    switch (e.Kind)
                    {
                        case EntryKind.Deposit: deposits += e.Amount; break;
                        case EntryKind.Withdrawal: withdrawals -= e.Amount; break;
                        default:
                            var slot = byTransfer.TryGetValue(e.OperationId, out var s) ? s : byTransfer[e.OperationId] = new long[6];
                            var i = e.Kind switch { EntryKind.TransferOut => 0, EntryKind.TransferIn => 2, _ => 4 };
                            slot[i]++;
                            slot[i + 1] += e.Amount;
                            break;
                    }
                }

                accounts.Add(new AccountAggregate(
                    account.Id, account.Currency, account.Balance, account.LastSequence, entries.Count, sum,
                    entries.Count == 0 ? 0 : entries[0].Sequence, entries.Count == 0 ? 0 : entries[^1].Sequence, deposits, withdrawals));
            }

            var transfers = new List<TransferAggregate>(_transfers.Count);
            foreach (var transfer in _transfers.Values)
            {
                var s = byTransfer.Remove(transfer.Id, out var found) ? found : new long[6];
                transfers.Add(new TransferAggregate(transfer.Id, transfer.Status, transfer.Amount, transfer.Currency, s[0], s[1], s[2], s[3], s[4], s[5]));
            }

            foreach (var (orphan, s) in byTransfer)
            {
                transfers.Add(new TransferAggregate(orphan, null, 0, string.Empty, s[0], s[1], s[2], s[3], s[4], s[5]));
            }

            return Task.FromResult(new LedgerAggregates(accounts, transfers));
        }
    }

    /// <inheritdoc />
    public Task ProbeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void ProjectAccount(AccountState account)
    {
        var list = _entries.TryGetValue(account.Id, out var existing) ? existing : _entries[account.Id] = [];
        foreach (var entry in account.NewEntries)
        {
            var expected = list.Count + 1;
            if (entry.Sequence != expected || !_entryIndex.TryAdd((entry.AccountId, entry.OperationId, entry.Kind), entry))
            {
                throw new InvalidOperationException(
                    $"Entry {entry.Sequence} of account {entry.AccountId} (operation {entry.OperationId}, {entry.Kind}) duplicates or skips a stored entry; expected sequence {expected}.");
            }

            list.Add(entry);
        }

        _accounts[account.Id] = new AccountState
        {
            Id = account.Id,
            Owner = account.Owner,
            Currency = account.Currency,
            Balance = account.Balance,
            LastSequence = account.LastSequence,
            OpenedAt = account.OpenedAt,
            OpenedBy = account.OpenedBy,
        };
    }
}
