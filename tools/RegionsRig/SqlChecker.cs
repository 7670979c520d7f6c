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
        var attempts = logs.Where(l => l.Phase == "begin").Select(l => l.Id).ToHashSet();
        var outcomes = logs.Where(l => l.Phase == "end").GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.Last().Outcome!);
        var primaryRows = await RowsAsync(primary, cancellationToken);
        var lsn = await ScalarAsync<string>(primary, "SELECT pg_current_wal_lsn()::text", cancellationToken);
        await WaitForReplayAsync(standby, lsn, cancellationToken);
        var standbyRows = await RowsAsync(standby, cancellationToken);

        var violations = new List<string>();
        var acknowledged = outcomes.Where(o => o.Value == "ack").Select(o => o.Key).ToList();
        var failed = outcomes.Where(o => o.Value == "failed").Select(o => o.Key).ToList();
        var unknown = attempts.Where(id => !outcomes.TryGetValue(id, out var o) || o == "unknown").ToList();
        var lost = acknowledged.Where(id => !primaryRows.Contains(id)).ToList();
        var failedApplied = failed.Where(primaryRows.Contains).ToList();
        var diverged = primaryRows.Except(standbyRows).Concat(standbyRows.Except(primaryRows)).ToList();
        var unexpected = primaryRows.Where(id => !attempts.Contains(id)).ToList();

        if (lost.Count > 0)
        {
            violations.Add($"{lost.Count} acknowledged rows are not on the final primary ({primary.Name}): {string.Join(", ", lost.Take(10))}");
        }

        if (failedApplied.Count > 0)
        {
            violations.Add($"{failedApplied.Count} rows answered with a definite failure were applied: {string.Join(", ", failedApplied.Take(10))}");
        }

        if (diverged.Count > 0)
        {
            violations.Add($"the copies diverge: {diverged.Count} rows are on one and not the other: {string.Join(", ", diverged.Take(10))}");
        }

        if (unexpected.Count > 0)
        {
            violations.Add($"{unexpected.Count} rows exist that no writer attempted: {string.Join(", ", unexpected.Take(10))}");
        }

        var unreplicated = logs.Where(l => l.Phase == "end" && l.Outcome == "unknown" && SqlWriter.IsUnreplicatedCommit(l.Error)).Select(l => l.Id).ToList();
        return new CheckResult(attempts.Count, acknowledged.Count, failed.Count, unknown.Count, unknown.Count(primaryRows.Contains),
            lost.Count, failedApplied.Count, primaryRows.Count, standbyRows.Count, diverged.Count, unreplicated.Count, unreplicated.Count(primaryRows.Contains), violations);
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
