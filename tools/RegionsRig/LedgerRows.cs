using Npgsql;

namespace MultiCloud.RegionsRig;

/// <summary>The ledger's SQL rows (service <c>ledger</c>) read from one region's server, for the bank checker.</summary>
internal sealed class LedgerRows
{
    public Dictionary<Guid, long> Balances { get; } = [];

    public List<Entry> Entries { get; } = [];

    public List<Transfer> Transfers { get; } = [];

    /// <summary>A digest of every row, equal on two copies exactly when they hold the same ledger.</summary>
    public string Fingerprint { get; private set; } = string.Empty;

    public static async Task<LedgerRows> ReadAsync(Region region, CancellationToken cancellationToken)
    {
        var rows = new LedgerRows();
        await using var connection = new NpgsqlConnection(RegionsEnvironment.DirectConnectionString(region, "ledger"));
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT account_id, balance FROM ledger.accounts WHERE service_id = 'ledger'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Balances[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        await using (var command = new NpgsqlCommand("SELECT account_id, sequence, operation_id, kind, amount FROM ledger.entries WHERE service_id = 'ledger'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Entries.Add(new Entry(reader.GetGuid(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4)));
            }
        }

        await using (var command = new NpgsqlCommand("SELECT transfer_id, idempotency_key, status FROM ledger.transfers WHERE service_id = 'ledger'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Transfers.Add(new Transfer(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT md5(coalesce((SELECT string_agg(concat_ws('/', account_id, sequence, operation_id, kind, amount, balance_after), ',' ORDER BY account_id, sequence) FROM ledger.entries), '')
                || coalesce((SELECT string_agg(concat_ws('/', account_id, balance, last_sequence), ',' ORDER BY account_id) FROM ledger.accounts), '')
                || coalesce((SELECT string_agg(concat_ws('/', transfer_id, idempotency_key, status), ',' ORDER BY transfer_id) FROM ledger.transfers), ''))
            """, connection))
        {
            rows.Fingerprint = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return rows;
    }

    public sealed record Entry(Guid Account, long Sequence, Guid Operation, string Kind, long Amount);

    public sealed record Transfer(Guid Id, string Key, string Status);
}
