using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MultiCloud.Workload;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <summary>
/// Verifies, after the cluster is stable again, that every acknowledged row is on the final primary, that nothing
/// answered with a definite failure was applied, that both copies hold exactly the same rows, and that no row exists
/// that no writer attempted.
/// </summary>
public static class SqlChecker
{
    /// <summary>Checks the writers' logs against both copies.</summary>
    /// <param name="logs">Every line of every writer's log.</param>
    /// <param name="primary">The region leading now.</param>
    /// <param name="standby">The other region (its database must be a streaming standby).</param>
    /// <param name="cancellationToken">Cancels the wait for replay.</param>
    public static async Task<CheckResult> CheckAsync(IReadOnlyList<WriteOutcome> logs, Region primary, Region standby, CancellationToken cancellationToken)
    {
        var primaryRows = await RowsAsync(primary, cancellationToken);
        var lsn = await ScalarAsync<string>(primary, "SELECT pg_current_wal_lsn()::text", cancellationToken);
        await WaitForReplayAsync(standby, lsn, cancellationToken);
        var standbyRows = await RowsAsync(standby, cancellationToken);

        // The shared checker sees each insert as a keyed operation and each row as applied once.
        var history = logs.Select(l => new HistoryEvent(l.Phase == "begin" ? EventKind.Begin : EventKind.End, l.Writer, 0, RowKey(l.Id), Guid.Empty, Guid.Empty, 0,
            l.AtMs, l.AtMs, 0, l.Phase == "begin" ? null : l.Outcome, l.Server, Guid.Empty, 0, 0, l.Error)).ToList();
        var report = HistoryChecker.Check(history, Snapshot(primaryRows), CheckScope.Rows, Snapshot(standbyRows));

        var diverged = primaryRows.Except(standbyRows).Concat(standbyRows.Except(primaryRows)).Count();
        var unreplicated = logs.Where(l => l.Phase == "end" && l.Outcome == "unknown" && SqlWriter.IsUnreplicatedCommit(l.Error)).Select(l => l.Id).ToList();
        return new CheckResult(report.Attempted, report.Acknowledged, report.Refused, report.Unknown, report.UnknownApplied,
            report.Count(Invariant.AcknowledgedAppliedOnce), report.Count(Invariant.RefusedNeverApplied), primaryRows.Count, standbyRows.Count, diverged,
            unreplicated.Count, unreplicated.Count(primaryRows.Contains), [.. report.Violations.Select(v => v.ToString())]);
    }

    private static string RowKey(long id) => string.Create(CultureInfo.InvariantCulture, $"row-{id}");

    /// <summary>Rows as keyed operations, with a digest of the sorted ids as the copy's fingerprint.</summary>
    private static LedgerSnapshot Snapshot(HashSet<long> rows)
    {
        var sorted = rows.Order().ToList();
        var fingerprint = Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(sorted))));
        return new LedgerSnapshot([.. sorted.Select(id => new SnapshotTransfer(Guid.Empty, RowKey(id), "row"))], null, null, fingerprint);
    }

    private static async Task<HashSet<long>> RowsAsync(Region region, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(RegionsEnvironment.DirectConnectionString(region));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT id FROM {SqlWriter.Table}", connection);
        var rows = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetInt64(0));
        }

        return rows;
    }

    /// <summary>Waits until <paramref name="standby"/> has replayed the WAL up to <paramref name="lsn"/> (60 s at most).</summary>
    /// <exception cref="TimeoutException">It did not.</exception>
    internal static async Task WaitForReplayAsync(Region standby, string lsn, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var caughtUp = await ScalarAsync<bool>(standby, $"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", cancellationToken);
            if (caughtUp)
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{standby.Name} did not replay up to {lsn} within 60 s.");
    }

    /// <summary>One value from one region's server, directly.</summary>
    internal static async Task<T> ScalarAsync<T>(Region region, string sql, CancellationToken cancellationToken, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(RegionsEnvironment.DirectConnectionString(region, database));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
