using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>
/// A grain state's ETag is unique per write across a failover (db-scripts/0008): a write the old primary committed
/// but never replicated, and the promoted server's write from the same base, get different ETags, so the activation
/// holding the lost write's ETag cannot overwrite the promoted server's state. Two real servers: a primary, and a copy
/// of it taken before the lost write (a standby that never received it), promoted to a new WAL timeline.
/// </summary>
/// <param name="postgres">The assembly's shared server, for the single-server case (the failover case has its own two).</param>
public sealed class EtagAcrossFailoverTests(PostgresServer postgres)
{
    private const string GrainType = "etag-probe";

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_write_lost_in_a_failover_and_the_promoted_servers_write_from_the_same_base_never_share_an_ETag()
    {
        await using var primary = new PostgresServer();
        var onPrimary = await primary.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(onPrimary).Database!;
        var grain = Random.Shared.NextInt64();

        var base1 = await WriteAsync(onPrimary, grain, expected: null, payload: 1);
        await using var standby = await primary.CloneAsync();
        var lost = await WriteAsync(onPrimary, grain, expected: base1, payload: 2);
        await primary.StopAsync();
        await standby.StartAsync();
        await standby.PromoteAsync();
        var onPromoted = standby.ConnectionString(database);
        var won = await WriteAsync(onPromoted, grain, expected: base1, payload: 3);
        var stale = await WriteAsync(onPromoted, grain, expected: lost, payload: 4);
        var (storedVersion, storedPayload) = await ReadAsync(onPromoted, grain);

        Assert.Equal(2, await TimelineAsync(onPromoted)); // the promotion started a new timeline, as a failover does
        Assert.NotEqual(lost, won);
        Assert.Equal(lost, stale); // the function answers the expected version when it wrote nothing
        Assert.Equal((won, (byte)3), (storedVersion, storedPayload));
        // Both are the grain's second write: with a plain counter they would have been equal.
        Assert.Equal(lost & 0x7FFFFF, won & 0x7FFFFF);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Two_writers_from_one_ETag_on_one_server_never_both_succeed()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var grain = Random.Shared.NextInt64();
        var base1 = await WriteAsync(connectionString, grain, expected: null, payload: 1);

        var results = await Task.WhenAll(Enumerable.Range(2, 8).Select(payload => WriteAsync(connectionString, grain, base1, (byte)payload)));
        var (storedVersion, _) = await ReadAsync(connectionString, grain);

        Assert.Single(results, r => r != base1);
        Assert.Equal(results.Single(r => r != base1), storedVersion);
    }

    /// <summary>One write through the provider's function; returns the new version, or the expected one when nothing was written.</summary>
    private static async Task<int> WriteAsync(string connectionString, long grain, int? expected, byte payload)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT NewGrainStateVersion FROM orleans_storage_write($1, $2, 0, 7, $3, NULL, 'etag-tests', $4, $5)", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)grain });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = grain });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = GrainType });
        command.Parameters.Add(new NpgsqlParameter { Value = expected is { } e ? e : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = [payload] });
        return Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(int Version, byte Payload)> ReadAsync(string connectionString, long grain)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT Version, PayloadBinary FROM OrleansStorage WHERE GrainIdN0 = $1 AND GrainTypeString = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = grain });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = GrainType });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), "no stored state");
        return (reader.GetInt32(0), ((byte[])reader[1])[0]);
    }

    private static async Task<int> TimelineAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT ('x' || substr(pg_walfile_name(pg_current_wal_insert_lsn()), 1, 8))::bit(32)::int", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
