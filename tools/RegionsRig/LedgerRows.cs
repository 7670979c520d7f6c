using MultiCloud.Workload;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <summary>Reads the ledger's SQL rows (service <c>ledger</c>) from one region's server as a <see cref="LedgerSnapshot"/>.</summary>
internal static class LedgerRows
{
    /// <summary>Balances, entries and transfers (with their keys), and a digest of every row that is equal on two
    /// copies exactly when they hold the same ledger.</summary>
    public static async Task<LedgerSnapshot> ReadAsync(Region region, CancellationToken cancellationToken)
    {
        var balances = new Dictionary<Guid, long>();
        var entries = new List<SnapshotEntry>();
        var transfers = new List<SnapshotTransfer>();
        string fingerprint;
        await using var connection = new NpgsqlConnection(RegionsEnvironment.DirectConnectionString(region, "ledger"));
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT account_id, balance FROM ledger.accounts WHERE service_id = 'ledger'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                balances[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        await using (var command = new NpgsqlCommand("SELECT account_id, sequence, operation_id, kind, amount FROM ledger.entries WHERE service_id = 'ledger'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new SnapshotEntry(reader.GetGuid(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4)));
            }
        }

        await using (var command = new NpgsqlCommand("SELECT transfer_id, idempotency_key, status FROM ledger.transfers WHERE service_id = 'ledger'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                transfers.Add(new SnapshotTransfer(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT md5(coalesce((SELECT string_agg(concat_ws('/', account_id, sequence, operation_id, kind, amount, balance_after), ',' ORDER BY account_id, sequence) FROM ledger.entries), '')
                || coalesce((SELECT string_agg(concat_ws('/', account_id, balance, last_sequence), ',' ORDER BY account_id) FROM ledger.accounts), '')
                || coalesce((SELECT string_agg(concat_ws('/', transfer_id, idempotency_key, status), ',' ORDER BY transfer_id) FROM ledger.transfers), ''))
            """, connection))
        {
            fingerprint = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return new LedgerSnapshot(transfers, balances, entries, fingerprint);
    }
}
