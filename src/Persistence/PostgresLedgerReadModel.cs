using System.Data;
using Microsoft.Extensions.Options;
using MultiCloud.Grains.Interfaces;
using MultiCloud.Grains.ReadModel;
using MultiCloud.Regions.Fencing;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace MultiCloud.Persistence;

/// <summary>
/// The read model on PostgreSQL: the <c>ledger.*</c> tables that the storage write function maintains (script
/// 0005), filtered by this cluster's ServiceId. Driver failures surface as <see cref="StorageUnavailableException"/>.
/// What clients read (history, transfers, reconciliation) is confirmed on the synchronous standby first
/// (<see cref="ReplicationFenceOptions.Enabled"/>); the lookups grains make for themselves are not, because a grain
/// confirms what it loaded by writing it back.
/// </summary>
/// <param name="dataSource">The shared data source.</param>
/// <param name="clusterOptions">Gives the ServiceId that scopes every row.</param>
/// <param name="options">The fence of client reads (<c>Regions:ReplicationFence</c>).</param>
public sealed class PostgresLedgerReadModel(NpgsqlDataSource dataSource, IOptions<ClusterOptions> clusterOptions, IOptions<ReplicationFenceOptions> options) : ILedgerReadModel
{
    private const string EntryColumns =
        "account_id, sequence, operation_id, kind, amount, balance_after, counterparty_account_id, recorded_at";

    private const string TransferColumns =
        "transfer_id, idempotency_key, from_account_id, to_account_id, amount, currency, status, failure_code, failure_field, failure_detail, created_at, completed_at";

    private readonly string _serviceId = clusterOptions.Value.ServiceId;
    private readonly ReplicationFenceOptions _options = options.Value;

    /// <inheritdoc />
    public string StorageName => "postgresql";

    /// <inheritdoc />
    public Task<LedgerEntry?> FindEntryAsync(Guid accountId, Guid operationId, EntryKind kind, CancellationToken cancellationToken)
        => GuardAsync(async () =>
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT {EntryColumns} FROM ledger.entries WHERE service_id = $1 AND account_id = $2 AND operation_id = $3 AND kind = $4");
            command.Parameters.Add(Text(_serviceId));
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accountId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = operationId });
            command.Parameters.Add(Text(KindName(kind)));
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadEntry(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<EntryPage> GetEntriesAsync(Guid accountId, long afterSequence, int limit, CancellationToken cancellationToken)
        => ConfirmedAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(
                $"SELECT {EntryColumns} FROM ledger.entries WHERE service_id = $1 AND account_id = $2 AND sequence > $3 ORDER BY sequence LIMIT $4", connection);
            command.Parameters.Add(Text(_serviceId));
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accountId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
            var items = new List<LedgerEntry>(Math.Min(limit + 1, 1024));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadEntry(reader));
            }

            if (items.Count <= limit)
            {
                return new EntryPage(items, null);
            }

            items.RemoveAt(items.Count - 1);
            return new EntryPage(items, items[^1].Sequence);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TransferSnapshot?> GetTransferAsync(Guid transferId, CancellationToken cancellationToken)
        => ConfirmedAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(
                $"SELECT {TransferColumns} FROM ledger.transfers WHERE service_id = $1 AND transfer_id = $2", connection);
            command.Parameters.Add(Text(_serviceId));
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = transferId });
            return await ReadTransferAsync(command, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TransferSnapshot?> FindTransferByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
        => ConfirmedAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(
                $"SELECT {TransferColumns} FROM ledger.transfers WHERE service_id = $1 AND idempotency_key = $2 ORDER BY created_at DESC LIMIT 1", connection);
            command.Parameters.Add(Text(_serviceId));
            command.Parameters.Add(Text(idempotencyKey));
            return await ReadTransferAsync(command, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindStalledOperationsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
        => ReadKeysAsync(
            "SELECT idempotency_key FROM ledger.operations WHERE service_id = $1 AND status <> 'completed' AND created_at < $2 ORDER BY created_at LIMIT $3",
            createdBefore, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindExpiredOperationsAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken)
        => ReadKeysAsync(
            "SELECT idempotency_key FROM ledger.operations WHERE service_id = $1 AND status = 'completed' AND completed_at < $2 ORDER BY completed_at LIMIT $3",
            completedBefore, limit, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Both queries run in one REPEATABLE READ transaction: one snapshot, so concurrent postings cannot show up on one side only.</remarks>
    public Task<LedgerAggregates> GetAggregatesAsync(CancellationToken cancellationToken)
        => ConfirmedAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

            var accounts = new List<AccountAggregate>();
            await using (var command = new NpgsqlCommand("""
                SELECT a.account_id, a.currency, a.balance, a.last_sequence,
                       count(e.sequence), COALESCE(sum(e.amount), 0)::bigint,
                       COALESCE(min(e.sequence), 0), COALESCE(max(e.sequence), 0),
                       COALESCE(sum(e.amount) FILTER (WHERE e.kind = 'deposit'), 0)::bigint,
                       COALESCE(-sum(e.amount) FILTER (WHERE e.kind = 'withdrawal'), 0)::bigint
                FROM ledger.accounts a
                LEFT JOIN ledger.entries e ON e.service_id = a.service_id AND e.account_id = a.account_id
                WHERE a.service_id = $1
                GROUP BY a.account_id, a.currency, a.balance, a.last_sequence
                """, connection, transaction))
            {
                command.Parameters.Add(Text(_serviceId));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    accounts.Add(new AccountAggregate(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3),
                        reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)));
                }
            }

            var transfers = new List<TransferAggregate>();
            await using (var command = new NpgsqlCommand("""
                WITH te AS (
                    SELECT operation_id,
                           count(*) FILTER (WHERE kind = 'transferOut') AS out_count,
                           COALESCE(sum(amount) FILTER (WHERE kind = 'transferOut'), 0)::bigint AS out_sum,
                           count(*) FILTER (WHERE kind = 'transferIn') AS in_count,
                           COALESCE(sum(amount) FILTER (WHERE kind = 'transferIn'), 0)::bigint AS in_sum,
                           count(*) FILTER (WHERE kind = 'transferReversal') AS rev_count,
                           COALESCE(sum(amount) FILTER (WHERE kind = 'transferReversal'), 0)::bigint AS rev_sum
                    FROM ledger.entries
                    WHERE service_id = $1 AND kind IN ('transferOut', 'transferIn', 'transferReversal')
                    GROUP BY operation_id)
                SELECT COALESCE(t.transfer_id, te.operation_id), t.status, COALESCE(t.amount, 0), COALESCE(t.currency, ''),
                       COALESCE(te.out_count, 0), COALESCE(te.out_sum, 0), COALESCE(te.in_count, 0), COALESCE(te.in_sum, 0),
                       COALESCE(te.rev_count, 0), COALESCE(te.rev_sum, 0)
                FROM (SELECT * FROM ledger.transfers WHERE service_id = $1) t
                FULL JOIN te ON te.operation_id = t.transfer_id
                """, connection, transaction))
            {
                command.Parameters.Add(Text(_serviceId));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    transfers.Add(new TransferAggregate(reader.GetGuid(0), reader.IsDBNull(1) ? null : ParseStatus(reader.GetString(1)),
                        reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
                        reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)));
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return new LedgerAggregates(accounts, transfers);
        }, cancellationToken);

    /// <inheritdoc />
    public Task ProbeAsync(CancellationToken cancellationToken)
        => GuardAsync(async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken);
        }, cancellationToken);

    private Task<IReadOnlyList<string>> ReadKeysAsync(string sql, DateTimeOffset before, int limit, CancellationToken cancellationToken)
        => GuardAsync<IReadOnlyList<string>>(async () =>
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(Text(_serviceId));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var keys = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }, cancellationToken);

    private static async Task<TransferSnapshot?> ReadTransferAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        LedgerError? failure = reader.IsDBNull(7)
            ? null
            : new LedgerError(Enum.Parse<LedgerErrorCode>(reader.GetString(7), ignoreCase: true), reader.GetString(8), reader.GetString(9));
        return new TransferSnapshot(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetInt64(4),
            reader.GetString(5), ParseStatus(reader.GetString(6)), failure, reader.GetFieldValue<DateTimeOffset>(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11));
    }

    private static LedgerEntry ReadEntry(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetInt64(1), reader.GetGuid(2), ParseKind(reader.GetString(3)), reader.GetInt64(4), reader.GetInt64(5),
        reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.GetFieldValue<DateTimeOffset>(7));

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static string KindName(EntryKind kind) => kind switch
    {
        EntryKind.Deposit => "deposit",
        EntryKind.Withdrawal => "withdrawal",
        EntryKind.TransferOut => "transferOut",
        EntryKind.TransferIn => "transferIn",
        EntryKind.TransferReversal => "transferReversal",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static EntryKind ParseKind(string kind) => kind switch
    {
        "deposit" => EntryKind.Deposit,
        "withdrawal" => EntryKind.Withdrawal,
        "transferOut" => EntryKind.TransferOut,
        "transferIn" => EntryKind.TransferIn,
        "transferReversal" => EntryKind.TransferReversal,
        _ => throw new InvalidDataException($"Unknown entry kind '{kind}' in ledger.entries."),
    };

    private static TransferStatus ParseStatus(string status) => status switch
    {
        "pending" => TransferStatus.Pending,
        "completed" => TransferStatus.Completed,
        "rejected" => TransferStatus.Rejected,
        _ => throw new InvalidDataException($"Unknown transfer status '{status}' in ledger.transfers."),
    };

    /// <summary>
    /// Runs <paramref name="query"/> on one connection, then (unless <see cref="ReplicationFenceOptions.Enabled"/> is
    /// off) waits until the synchronous standby has flushed past that server's flush position read after the query:
    /// every commit the query saw was flushed locally before it became visible, so the standby then holds it.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The query failed, or the standby did not confirm within <see cref="ReplicationFenceOptions.Wait"/>.</exception>
    private Task<T> ConfirmedAsync<T>(Func<NpgsqlConnection, Task<T>> query, CancellationToken cancellationToken)
        => GuardAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var result = await query(connection);
            if (_options.Enabled)
            {
                await ConfirmReplicatedAsync(connection, cancellationToken);
            }

            return result;
        }, cancellationToken);

    private async Task ConfirmReplicatedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        NpgsqlLogSequenceNumber lsn;
        await using (var first = new NpgsqlCommand("SELECT pg_current_wal_flush_lsn(), ledger.replicated_up_to(pg_current_wal_flush_lsn())", connection))
        await using (var reader = await first.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(1))
            {
                return;
            }

            lsn = reader.GetFieldValue<NpgsqlLogSequenceNumber>(0);
        }

        var deadline = Environment.TickCount64 + (long)_options.Wait.TotalMilliseconds;
        await using var again = new NpgsqlCommand("SELECT ledger.replicated_up_to($1)", connection);
        again.Parameters.Add(new NpgsqlParameter<NpgsqlLogSequenceNumber> { TypedValue = lsn, NpgsqlDbType = NpgsqlDbType.PgLsn });
        while (Environment.TickCount64 < deadline)
        {
            await Task.Delay(5, cancellationToken);
            if (await again.ExecuteScalarAsync(cancellationToken) is true)
            {
                return;
            }
        }

        throw new StorageUnavailableException(
            $"The rows read could not be confirmed on the synchronous standby within {_options.Wait.TotalMilliseconds:0} ms (WAL {lsn}): this server may be cut off from it, and failover could lose what it shows.");
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> query, CancellationToken cancellationToken)
    {
        try
        {
            return await query();
        }
        catch (Exception exception) when (exception is not StorageUnavailableException && (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw new StorageUnavailableException("The ledger read model could not be queried", exception);
        }
    }
}
