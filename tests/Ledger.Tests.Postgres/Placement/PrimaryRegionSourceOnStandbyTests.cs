using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MultiCloud.Regions;
using MultiCloud.Regions.Primary;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Orleans.Configuration;
using Xunit;

namespace MultiCloud.Tests.Placement;

/// <summary>
/// The primary-region check confirms only from a primary. A standby holds a copy of the membership row (Active) and of
/// the region setting, so before this rule a silo routed to a standby (HAProxy still pointing at a demoted server
/// for a check or two) would have confirmed its staleness bound from it. Two real servers: a primary and a streaming
/// copy of it, started as a standby, then promoted.
/// </summary>
public sealed class PrimaryRegionSourceOnStandbyTests
{
    private const int ActiveStatus = 3;

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_standby_confirms_nothing_and_the_same_server_confirms_once_promoted()
    {
        await using var primary = new PostgresServer();
        var onPrimary = await primary.CreateDatabaseAsync();
        await primary.SetSettingAsync("ledger.region", "a");
        var database = new NpgsqlConnectionStringBuilder(onPrimary).Database!;
        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 11111), 42);
        const string ClusterId = "standby-check";
        await InsertActiveRowAsync(onPrimary, ClusterId, silo);

        // Control: the primary itself confirms, so a null below is the standby rule and not a broken query.
        await using (var onPrimarySource = await CheckOnceAsync(onPrimary, ClusterId, silo))
        {
            Assert.Equal(new PrimaryRegionObservation("a", onPrimarySource.Current.ConfirmedAt), onPrimarySource.Current);
            Assert.NotNull(onPrimarySource.Current.ConfirmedAt);
        }

        await using var standby = await primary.CloneAsync();
        await standby.StartAsync();
        var onStandby = standby.ConnectionString(database);
        Assert.True(await IsInRecoveryAsync(onStandby), "the copy must run as a standby for this test to mean anything");
        Assert.Equal(ActiveStatus, await StatusAsync(onStandby, ClusterId, silo)); // the standby does hold the Active row

        await using (var standbySource = await CheckOnceAsync(onStandby, ClusterId, silo))
        {
            Assert.Equal(new PrimaryRegionObservation(null, null), standbySource.Current);
            Assert.False(standbySource.IsWithinStalenessBound());
        }

        await primary.StopAsync();
        await standby.PromoteAsync();
        Assert.False(await IsInRecoveryAsync(onStandby));
        await using var promotedSource = await CheckOnceAsync(onStandby, ClusterId, silo);
        Assert.Equal("a", promotedSource.Current.Region);
        Assert.NotNull(promotedSource.Current.ConfirmedAt);
        Assert.True(promotedSource.IsWithinStalenessBound());
    }

    /// <summary>A source on its own data source, one check run (no background polling).</summary>
    private static async Task<CheckedSource> CheckOnceAsync(string connectionString, string clusterId, SiloAddress silo)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var source = new PostgresPrimaryRegionSource(
            dataSource,
            new FixedSiloDetails(clusterId, silo),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "ledger" }),
            Options.Create(new RegionOptions { Region = "a", MaxStaleness = TimeSpan.FromMinutes(1) }),
            TimeProvider.System,
            NullLogger<PostgresPrimaryRegionSource>.Instance);
        await source.CheckAsync(TestContext.Current.CancellationToken);
        return new CheckedSource(source, dataSource);
    }

    private static async Task InsertActiveRowAsync(string connectionString, string clusterId, SiloAddress silo)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            WITH version AS (INSERT INTO orleansmembershipversiontable (deploymentid) VALUES ($1) RETURNING deploymentid)
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, starttime, iamalivetime)
            SELECT deploymentid, $2, $3, $4, 'silo-a0', 'host-a0', 3, now(), now() FROM version
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = silo.Endpoint.Address.ToString() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = silo.Endpoint.Port });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = silo.Generation });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> IsInRecoveryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int?> StatusAsync(string connectionString, string clusterId, SiloAddress silo)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1 AND generation = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = silo.Generation });
        return (int?)await command.ExecuteScalarAsync();
    }

    private sealed class FixedSiloDetails(string clusterId, SiloAddress silo) : ILocalSiloDetails
    {
        public string Name => "silo-a0";

        public string ClusterId => clusterId;

        public string DnsHostName => "host-a0";

        public SiloAddress SiloAddress => silo;

        public SiloAddress GatewayAddress => silo;
    }

    private sealed class CheckedSource(PostgresPrimaryRegionSource source, NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        public PrimaryRegionObservation Current => source.Current;

        public bool IsWithinStalenessBound() => source.IsWithinStalenessBound();

        public async ValueTask DisposeAsync()
        {
            source.Dispose();
            await dataSource.DisposeAsync();
        }
    }
}
