using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MultiCloud.Tests.Infrastructure;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Xunit;

namespace MultiCloud.Tests.Persistence;

/// <summary>The Orleans 10.4.2 ADO.NET membership provider itself, run against this project's schema.</summary>
public sealed class MembershipTableTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";
    private string _connectionString = string.Empty;
    private AdoNetClusteringTable _table = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        _services = new ServiceCollection().AddLogging().BuildServiceProvider();
        _table = CreateTable(_clusterId);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task A_new_table_has_version_zero_and_no_members()
    {
        var data = await _table.ReadAllAsync();

        Assert.Equal(0, data.Version.Version);
        Assert.Empty(data.Members);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Join_inserts_the_silo_and_bumps_the_table_version()
    {
        var entry = Entry(1, SiloStatus.Joining);

        var inserted = await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());
        var data = await _table.ReadRowAsync(entry.SiloAddress);

        Assert.True(inserted);
        Assert.Equal(1, data.Version.Version);
        var (row, _) = Assert.Single(data.Members);
        Assert.Equal(entry.SiloAddress, row.SiloAddress);
        Assert.Equal(SiloStatus.Joining, row.Status);
        Assert.Equal(entry.SiloName, row.SiloName);
        Assert.Equal(entry.ProxyPort, row.ProxyPort);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Insert_with_a_stale_table_version_is_refused_and_changes_nothing()
    {
        var stale = (await _table.ReadAllAsync()).Version;
        Assert.True(await _table.InsertRowAsync(Entry(1, SiloStatus.Joining), stale.Next()));

        var refused = await _table.InsertRowAsync(Entry(2, SiloStatus.Joining), stale.Next());
        var data = await _table.ReadAllAsync();

        Assert.False(refused);
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Inserting_the_same_silo_twice_is_refused_and_leaves_the_version()
    {
        var entry = Entry(1, SiloStatus.Joining);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));

        var refused = await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());

        Assert.False(refused);
        Assert.Equal(1, (await _table.ReadAllAsync()).Version.Version);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Status_update_needs_the_current_table_version()
    {
        var entry = Entry(1, SiloStatus.Joining);
        await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());
        var read = await _table.ReadRowAsync(entry.SiloAddress);
        var (row, etag) = read.Members[0];
        row.Status = SiloStatus.Active;

        var updated = await _table.UpdateRowAsync(row, etag, read.Version.Next());
        row.Status = SiloStatus.Dead;
        var staleRefused = await _table.UpdateRowAsync(row, etag, read.Version.Next());
        var after = await _table.ReadRowAsync(entry.SiloAddress);

        Assert.True(updated);
        Assert.False(staleRefused);
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
        Assert.Equal(2, after.Version.Version);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Updating_a_silo_that_is_not_in_the_table_is_refused_and_leaves_the_version()
    {
        var version = (await _table.ReadAllAsync()).Version;

        var refused = await _table.UpdateRowAsync(Entry(9, SiloStatus.Active), version.VersionEtag, version.Next());

        Assert.False(refused);
        Assert.Equal(0, (await _table.ReadAllAsync()).Version.Version);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Suspicion_votes_are_stored_and_read_back()
    {
        var entry = Entry(1, SiloStatus.Active);
        await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());
        var read = await _table.ReadRowAsync(entry.SiloAddress);
        var (row, etag) = read.Members[0];
        var voter = SiloAddress.New(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 11111), 7);
        var votedAt = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
        row.AddOrUpdateSuspector(voter, votedAt, 2);

        Assert.True(await _table.UpdateRowAsync(row, etag, read.Version.Next()));
        var (after, _) = (await _table.ReadRowAsync(entry.SiloAddress)).Members[0];

        var (suspector, time) = Assert.Single(after.SuspectTimes!);
        Assert.Equal(voter, suspector);
        Assert.Equal(votedAt, time);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Heartbeat_updates_only_IAmAliveTime_and_not_the_table_version()
    {
        var entry = Entry(1, SiloStatus.Active);
        await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());
        entry.IAmAliveTime = entry.IAmAliveTime.AddSeconds(30);

        await _table.UpdateIAmAliveAsync(entry);
        var data = await _table.ReadRowAsync(entry.SiloAddress);

        Assert.Equal(entry.IAmAliveTime, data.Members[0].Item1.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, data.Members[0].Item1.Status);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Cleanup_deletes_only_dead_silos_last_seen_before_the_cutoff()
    {
        var now = DateTime.UtcNow;
        var oldDead = Entry(1, SiloStatus.Dead, now.AddHours(-3));
        var oldActive = Entry(2, SiloStatus.Active, now.AddHours(-3));
        var freshDead = Entry(3, SiloStatus.Dead, now);
        foreach (var entry in new[] { oldDead, oldActive, freshDead })
        {
            Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        }

        await _table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(now.AddHours(-1)));
        var left = (await _table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();

        Assert.Equal(new HashSet<SiloAddress> { oldActive.SiloAddress, freshDead.SiloAddress }, left);
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Deleting_a_cluster_removes_its_rows_and_no_other_cluster()
    {
        var other = CreateTable($"other-{Guid.NewGuid():N}");
        await other.InitializeMembershipTableAsync(true);
        await other.InsertRowAsync(Entry(1, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next());
        await _table.InsertRowAsync(Entry(1, SiloStatus.Active), (await _table.ReadAllAsync()).Version.Next());

        await _table.DeleteMembershipTableEntriesAsync(_clusterId);

        // The version row goes too: a silo of this cluster must initialize the table again before using it.
        Assert.Equal(0L, await CountRowsAsync(_clusterId));
        Assert.Single((await other.ReadAllAsync()).Members);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.Equal(0, (await _table.ReadAllAsync()).Version.Version);
    }

    private async Task<long> CountRowsAsync(string clusterId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT (SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = $1) + (SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = $1)", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = clusterId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact(Timeout = TestTimeouts.Host)]
    public async Task Gateways_are_the_active_silos_proxy_endpoints()
    {
        await _table.InsertRowAsync(Entry(1, SiloStatus.Active), (await _table.ReadAllAsync()).Version.Next());
        await _table.InsertRowAsync(Entry(2, SiloStatus.Joining), (await _table.ReadAllAsync()).Version.Next());
        var provider = new Orleans.Runtime.Membership.AdoNetGatewayListProvider(
            NullLogger<Orleans.Runtime.Membership.AdoNetGatewayListProvider>.Instance,
            _services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = "Npgsql", ConnectionString = _connectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "ledger" }));
        await provider.InitializeGatewayListProvider();

        var gateways = await provider.GetGateways();

        var gateway = Assert.Single(gateways);
        Assert.Equal(30001, gateway.Port);
    }

    private AdoNetClusteringTable CreateTable(string clusterId) => new(
        _services,
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "ledger" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = _connectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int n, SiloStatus status, DateTime? at = null)
    {
        // Timestamps are stored with millisecond precision.
        var time = at ?? DateTime.UtcNow;
        time = new DateTime(time.Ticks - (time.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 11110 + n), 100 + n),
            HostName = "host",
            SiloName = $"silo-{n}",
            Status = status,
            ProxyPort = 30000 + n,
            StartTime = time,
            IAmAliveTime = time,
        };
    }
}
